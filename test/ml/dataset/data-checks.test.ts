import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepqError } from '../../../shared/errors/index.js';
import { checkOneHotWidth, checkTarget, checkTestAgainstTrain } from '../../../shared/ml/dataset/data-checks.js';
import { parseTable } from '../../../shared/ml/dataset/read-table.js';
import { describeTable } from '../../../shared/ml/dataset/schema-report.js';

const fails = (code: string, pattern: RegExp) => (error: unknown) => error instanceof SweepqError && error.code === code && pattern.test(error.message);

describe('data checks', () => {
  it('refuses a target with one class, saying how to fix it', () => {
    const data = parseTable('x,y\n1,a\n2,a\n', { target: 'y' });
    assert.throws(() => checkTarget(data, { source: 'train.csv' }), fails('INVALID_CSV', /train\.csv: target column "y" has a single class \(a\).*at least 2/));
  });

  it('refuses a regression target with non-numeric values, naming some', () => {
    const data = parseTable('x,y\n1,10\n2,heavy\n3,12\n', { target: 'y' });
    assert.throws(() => checkTarget(data, { task: 'regression' }), fails('INVALID_CSV', /non-numeric values \("heavy"\)/));
    assert.doesNotThrow(() => checkTarget(parseTable('x,y\n1,10\n2,11\n', { target: 'y' }), { task: 'regression' }));
  });

  it('refuses too many classes with the regression hint', () => {
    const data = parseTable('x,y\n' + Array.from({ length: 30 }, (_, i) => `${i},${i}`).join('\n'), { target: 'y' });
    assert.throws(
      () => checkTarget(data, { maxClasses: 20 }),
      fails('INVALID_CSV', /30 classes, more than the 20 allowed; is this a regression target\? set task: regression/),
    );
  });

  it('refuses a categorical column whose one-hot width exceeds the limit, unless grouped', () => {
    const data = parseTable('c,y\n' + Array.from({ length: 50 }, (_, i) => `v${i % 25},${i % 2}`).join('\n'), { target: 'y' });
    assert.throws(
      () => checkOneHotWidth(data, {}, { limit: 10 }),
      fails('LIMIT_EXCEEDED', /"c" would one-hot encode into 25 columns \(limit 10\).*max_categories/),
    );
    assert.doesNotThrow(() => checkOneHotWidth(data, { categorical: { encoder: { kind: 'onehot', max_categories: 10 } } }, { limit: 10 }));
    assert.doesNotThrow(() => checkOneHotWidth(data, { categorical: { encoder: { kind: 'ordinal' } } }, { limit: 10 }));
  });

  it('refuses a test file lacking training columns or holding unseen classes', () => {
    const train = parseTable('a,b,y\n1,x,p\n2,z,q\n', { target: 'y' });
    assert.throws(
      () => checkTestAgainstTrain(train, parseTable('a,y\n1,p\n', { target: 'y' }), { testSource: 'test.csv' }),
      fails('INVALID_CSV', /test\.csv lacks 1 column.*: b/),
    );
    assert.throws(() => checkTestAgainstTrain(train, parseTable('a,b,y\n1,x,r\n', { target: 'y' })), fails('INVALID_CSV', /class label\(s\) absent.*: r/));
    assert.throws(
      () => checkTestAgainstTrain(parseTable('a,y\n1,p\n2,q\n', { target: 'y' }), parseTable('a,y\nbig,p\n', { target: 'y' })),
      fails('INVALID_CSV', /"a" is numeric.*"big"/),
    );
    assert.doesNotThrow(() => checkTestAgainstTrain(train, parseTable('extra,b,a,y\n0,x,1,q\n', { target: 'y' })));
  });
});

describe('describeTable', () => {
  it('reports type, missing cells and categories per column', () => {
    const report = describeTable(parseTable('n,c,y\n1,a,p\n,b,q\n3,,p\n', { target: 'y' }));
    assert.deepEqual(report, {
      rows: 3,
      columns: [
        { name: 'n', type: 'numeric', missing: 1, categories: null },
        { name: 'c', type: 'categorical', missing: 1, categories: 2 },
      ],
      target: { name: 'y', task: 'classification', classes: 2, numericClasses: false },
    });
  });
});

describe('splitTable', () => {
  it('selects the same rows as trainTestSplit, stratified for classes, and refuses stratifying a regression target', async () => {
    const { splitTable } = await import('../../../shared/ml/dataset/split-table.js');
    const { trainTestSplit } = await import('../../../shared/ml/dataset/train-test-split.js');
    const data = parseTable('x,c,y\n' + Array.from({ length: 40 }, (_, i) => `${i},k${i % 3},${i % 4 === 0 ? 'a' : 'b'}`).join('\n'), { target: 'y' });
    const { train, test } = splitTable(data, { testSize: 0.25, randomState: 1, stratify: true });
    const rows = trainTestSplit(data.target.y as Int32Array, 2, { testSize: 0.25, randomState: 1, stratify: true });
    assert.deepEqual(Array.from((test.columns[0] as { values: Float64Array }).values), Array.from(rows.test));
    assert.equal(train.nRows, 30);
    const reg = parseTable('x,y\n' + Array.from({ length: 10 }, (_, i) => `${i},${i + 0.5}`).join('\n'), { target: 'y' });
    assert.throws(
      () => splitTable(reg, { testSize: 0.2, randomState: 0, stratify: true }),
      (e: unknown) => e instanceof SweepqError && e.code === 'INVALID_SPEC',
    );
    assert.equal(splitTable(reg, { testSize: 0.2, randomState: 0, stratify: false }).test.nRows, 2);
  });
});
