import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import { allRows } from '../../../../shared/ml/dataset/dataset.js';
import { rocAuc } from '../../../../shared/ml/metrics/roc-auc-score.js';
import { DecisionTreeClassifier } from '../../../../shared/ml/models/tree/decision-tree-classifier.js';
import { accuracyOf, loanDefault, matrix, threeBlobs, treeDepth } from './tree-test-data.js';

/** The plain numbers of an artefact's `{ dtype, base64 }` node array (the older artefacts' form). */
function decoded(encoded: unknown): number[] {
  const { dtype, base64 } = encoded as { dtype: 'int32' | 'float64' | 'uint8'; base64: string };
  const bytes = new Uint8Array(Buffer.from(base64, 'base64')).buffer;
  return Array.from(dtype === 'int32' ? new Int32Array(bytes) : dtype === 'float64' ? new Float64Array(bytes) : new Uint8Array(bytes));
}

describe('DecisionTreeClassifier', () => {
  it('finds the obvious split and stores pure leaves', () => {
    const X = matrix([
      [5, 5, 5, 5, 5, 5],
      [1, 2, 3, 10, 11, 12],
    ]);
    const y = Int32Array.of(0, 0, 0, 1, 1, 1);
    const model = new DecisionTreeClassifier({});
    model.fit(X, y);
    const tree = model.tree;
    assert.equal(tree.size, 3);
    assert.equal(tree.feature[0], 1);
    assert.equal(tree.threshold[0], 6.5); // midpoint of 3 and 10, as sklearn's exact splitter
    assert.deepEqual(Array.from(tree.value.subarray(2, 6)), [1, 0, 0, 1]);
    assert.deepEqual(
      Array.from(
        model.predict(
          matrix([
            [0, 0, 0],
            [6.5, 6.6, -1],
          ]),
        ),
      ),
      [0, 1, 0],
    );
  });

  it('sends ties to the left (x <= threshold)', () => {
    const model = new DecisionTreeClassifier({});
    model.fit(matrix([[0, 1]]), Int32Array.of(0, 1));
    const t = model.tree.threshold[0]!;
    assert.deepEqual(Array.from(model.predict(matrix([[t, t + 1e-9]]))), [0, 1]);
  });

  it('learns where missing values go', () => {
    // NaN only among class-1 rows: the best split separates missing from present values.
    const X = matrix([[1, 2, 3, 4, Number.NaN, Number.NaN, Number.NaN, 1.5]]);
    const y = Int32Array.of(0, 0, 0, 0, 1, 1, 1, 0);
    const model = new DecisionTreeClassifier({ max_depth: 1 });
    model.fit(X, y);
    assert.equal(model.tree.missingLeft[0], 0);
    assert.deepEqual(Array.from(model.predict(matrix([[Number.NaN, 2.5, 100]]))), [1, 0, 0]);
  });

  it('sends missing values to the larger child when training had none', () => {
    const X = matrix([[1, 2, 3, 4, 5, 6, 7]]);
    const y = Int32Array.of(0, 0, 0, 0, 0, 1, 1);
    const model = new DecisionTreeClassifier({ max_depth: 1 });
    model.fit(X, y);
    assert.deepEqual(Array.from(model.predict(matrix([[Number.NaN]]))), [0]);
  });

  const limitCases = [
    { params: { max_depth: 1 }, maxDepth: 1, minLeaf: 1 },
    { params: { max_depth: 3 }, maxDepth: 3, minLeaf: 1 },
    { params: { min_samples_leaf: 20 }, maxDepth: Infinity, minLeaf: 20 },
    { params: { min_samples_leaf: 0.1 }, maxDepth: Infinity, minLeaf: 30 },
  ];
  for (const { params, maxDepth, minLeaf } of limitCases) {
    it(`respects ${JSON.stringify(params)}`, () => {
      const data = threeBlobs(100, 7);
      const model = new DecisionTreeClassifier(params);
      model.fit(data, data.y);
      assert.ok(treeDepth(model.tree, 0) <= maxDepth);
      const perLeaf = new Map<number, number>();
      for (let r = 0; r < data.nRows; r++) {
        const leaf = model.tree.findLeaf(0, data.columns, r);
        perLeaf.set(leaf, (perLeaf.get(leaf) ?? 0) + 1);
      }
      for (const count of perLeaf.values()) assert.ok(count >= minLeaf, `leaf with ${count} < ${minLeaf} samples`);
    });
  }

  it('grows until leaves are pure without limits', () => {
    const data = threeBlobs(60, 3);
    const model = new DecisionTreeClassifier({});
    model.fit(data, data.y);
    assert.equal(accuracyOf(model.predict(data), data.y), 1);
  });

  it('returns probability rows that sum to 1 for three classes', () => {
    const data = threeBlobs(50, 11);
    const model = new DecisionTreeClassifier({ max_depth: 2, criterion: 'entropy' });
    model.fit(data, data.y);
    const proba = model.predictProba(data);
    assert.equal(proba.length, data.nRows * 3);
    for (let i = 0; i < data.nRows; i++) {
      const sum = proba[i * 3]! + proba[i * 3 + 1]! + proba[i * 3 + 2]!;
      assert.ok(Math.abs(sum - 1) < 1e-12);
    }
    assert.ok(accuracyOf(model.predict(data), data.y) > 0.9);
  });

  it('stores weighted class fractions with class_weight balanced', () => {
    // One leaf only (max_depth 1 cannot split a constant feature): 1 row of class 0, 3 of class 1.
    const X = matrix([[1, 1, 1, 1]]);
    const y = Int32Array.of(0, 1, 1, 1);
    const plain = new DecisionTreeClassifier({});
    plain.fit(X, y);
    assert.deepEqual(Array.from(plain.predictProba(X, Uint32Array.of(0))), [0.25, 0.75]);
    const balanced = new DecisionTreeClassifier({ class_weight: 'balanced' });
    balanced.fit(X, y);
    const proba = balanced.predictProba(X, Uint32Array.of(0));
    assert.ok(Math.abs(proba[0]! - 0.5) < 1e-12 && Math.abs(proba[1]! - 0.5) < 1e-12);
  });

  it('takes the class count from the whole y, not only the fitted rows', () => {
    const data = threeBlobs(20, 5);
    const rows = Uint32Array.from(Array.from(allRows(data.nRows)).filter((r) => data.y[r] !== 2));
    const model = new DecisionTreeClassifier({});
    model.fit(data, data.y, rows);
    assert.equal(model.nClasses, 3);
    const proba = model.predictProba(data, rows);
    for (let i = 0; i < rows.length; i++) assert.equal(proba[i * 3 + 2], 0);
  });

  it('fills a caller-supplied output buffer for a subset of rows', () => {
    const data = threeBlobs(20, 5);
    const model = new DecisionTreeClassifier({ max_depth: 2 });
    model.fit(data, data.y);
    const out = new Float64Array(2 * 3);
    const result = model.predictProba(data, Uint32Array.of(4, 9), out);
    assert.equal(result, out);
    assert.deepEqual(
      Array.from(out),
      Array.from(model.predictProba(data))
        .slice(4 * 3, 5 * 3)
        .concat(Array.from(model.predictProba(data)).slice(9 * 3, 10 * 3)),
    );
  });

  it('round-trips through JSON and predicts identically', () => {
    const data = threeBlobs(40, 13);
    const model = new DecisionTreeClassifier({ max_features: 'sqrt', random_state: 3 });
    model.fit(data, data.y);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as unknown;
    const loaded = DecisionTreeClassifier.fromJSON(json);
    assert.deepEqual(loaded.predictProba(data), model.predictProba(data));
    assert.equal(JSON.stringify(loaded.toJSON()), JSON.stringify(model.toJSON()));
  });

  it('loads artefacts written with plain number arrays (before the base64 node arrays) and predicts identically', () => {
    const data = threeBlobs(40, 13);
    const model = new DecisionTreeClassifier({ max_features: 'sqrt', random_state: 3 });
    model.fit(data, data.y);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json.threshold as object), ['dtype', 'base64']);
    const older = { ...json };
    for (const key of ['feature', 'threshold', 'left', 'right', 'missingLeft', 'value']) older[key] = decoded(json[key]);
    const loaded = DecisionTreeClassifier.fromJSON(older);
    assert.deepEqual(loaded.predictProba(data), model.predictProba(data));
    // Written again, it is the current form.
    assert.equal(JSON.stringify(loaded.toJSON()), JSON.stringify(model.toJSON()));
  });

  const badArtefacts: Array<[string, (j: Record<string, unknown>) => unknown]> = [
    ['a wrong name', (j) => ({ ...j, name: 'random_forest' })],
    ['a child pointing backwards', (j) => ({ ...j, left: decoded(j.left).map((v, i) => (i === 0 ? 0 : v)) })],
    ['a feature out of range', (j) => ({ ...j, feature: decoded(j.feature).map((v, i) => (i === 0 ? 99 : v)) })],
    ['truncated values', (j) => ({ ...j, value: decoded(j.value).slice(1) })],
    ['a node array of another type', (j) => ({ ...j, left: { ...(j.left as object), dtype: 'float64' } })],
    ['a node array of partial values', (j) => ({ ...j, threshold: { dtype: 'float64', base64: Buffer.from([1, 2, 3]).toString('base64') } })],
    ['a missingLeft of 2', (j) => ({ ...j, missingLeft: decoded(j.missingLeft).map(() => 2) })],
    ['not an object', () => 'tree'],
  ];
  for (const [what, corrupt] of badArtefacts) {
    it(`rejects an artefact with ${what} as INVALID_ARTIFACT`, () => {
      const data = threeBlobs(20, 1);
      const model = new DecisionTreeClassifier({ max_depth: 2 });
      model.fit(data, data.y);
      const json = JSON.parse(JSON.stringify(model.toJSON())) as Record<string, unknown>;
      assert.throws(() => DecisionTreeClassifier.fromJSON(corrupt(json)), { code: 'INVALID_ARTIFACT' });
    });
  }

  it('rejects invalid params as INVALID_MODEL', () => {
    assert.throws(() => new DecisionTreeClassifier({ criterion: 'mse' }), { code: 'INVALID_MODEL' });
    assert.throws(() => new DecisionTreeClassifier({ max_depth: 0 }), { code: 'INVALID_MODEL' });
  });

  it('refuses to predict before fit', () => {
    assert.throws(() => new DecisionTreeClassifier({}).predict(matrix([[1]])), { code: 'INVALID_ARGUMENT' });
  });

  it('beats a sensible floor on loan_default', async () => {
    const { train, test } = await loanDefault();
    const model = new DecisionTreeClassifier({ random_state: 42 });
    model.fit(train, train.y);
    assert.ok(accuracyOf(model.predict(test), test.y) > 0.72);
    assert.ok(rocAuc(test.y, model.predictProba(test), 2) > 0.72);
  });
});
