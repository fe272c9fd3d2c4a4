import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SweepqError } from '../../../shared/errors/index.js';
import { readCsvFile } from '../../../shared/ml/dataset/read-csv.js';
import { parseTable } from '../../../shared/ml/dataset/read-table.js';
import { takeTableRows, type TabularDataset } from '../../../shared/ml/dataset/table.js';
import { Pipeline } from '../../../shared/ml/pipeline.js';
import { applyPipelineOverride, applyPipelineOverrides, resolvePipelineSpec } from '../../../shared/ml/preprocessing/resolve-pipeline-spec.js';
import { runTrial } from '../../../shared/ml/run-trial.js';

const fixtures = path.resolve(process.cwd(), 'test/fixtures');
const isCode = (code: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof SweepqError && error.code === code && (pattern === undefined || pattern.test(error.message));

/** A small mixed table: 2 numeric, 2 categorical (one with missing cells and a rare category). */
function mixed(n = 120): TabularDataset {
  let text = 'age,income,city,plan,y\n';
  const cities = ['Oslo', 'Bergen', 'Tromsø'];
  for (let i = 0; i < n; i++) {
    const city = i % 17 === 0 ? '' : cities[i % 3]!;
    const plan = i % 40 === 0 ? 'gold' : i % 2 === 0 ? 'basic' : 'pro';
    const y = (i % 3 === 0) !== (i % 5 === 0) ? 'churn' : 'stay';
    text += `${20 + (i % 30)},${i % 11 === 0 ? '' : 1000 + i * 13},${city},${plan},${y}\n`;
  }
  return parseTable(text, { target: 'y' });
}

describe('Pipeline v2 on typed tables', () => {
  it('one-hot encodes text columns after the numeric ones, with sklearn feature names', () => {
    const data = mixed();
    const pipeline = Pipeline.create({ imputer: { strategy: 'median' }, scaler: 'standard' }, 'logistic_regression', {}, 0).fit(data);
    assert.deepEqual(pipeline.featureNames, ['age', 'income', 'city_Bergen', 'city_Oslo', 'city_Tromsø', 'plan_basic', 'plan_gold', 'plan_pro']);
    assert.deepEqual(pipeline.inputColumns, [
      { name: 'age', type: 'numeric' },
      { name: 'income', type: 'numeric' },
      { name: 'city', type: 'categorical' },
      { name: 'plan', type: 'categorical' },
    ]);
  });

  it('groups infrequent categories as <column>_infrequent_sklearn', () => {
    const pipeline = Pipeline.create({ categorical: { encoder: { kind: 'onehot', min_frequency: 5 } } }, 'logistic_regression', {}, 0).fit(mixed());
    assert.ok(pipeline.featureNames.includes('plan_infrequent_sklearn'));
    assert.ok(!pipeline.featureNames.includes('plan_gold'));
  });

  it('fits the encoders on the fit rows only (a category absent from them gets no column)', () => {
    const data = mixed();
    const rows = Uint32Array.from({ length: data.nRows }, (_, i) => i).filter((i) => i % 40 !== 0);
    const pipeline = Pipeline.create({}, 'logistic_regression', {}, 0).fit(data, rows);
    assert.ok(!pipeline.featureNames.includes('plan_gold'));
    const onCopy = Pipeline.create({}, 'logistic_regression', {}, 0).fit(takeTableRows(data, rows));
    assert.equal(JSON.stringify(onCopy.toJSON()), JSON.stringify(pipeline.toJSON()));
  });

  it('predicts with columns matched by name: reordered and extra columns are fine', () => {
    const data = mixed();
    const pipeline = Pipeline.create({ imputer: { strategy: 'mean' } }, 'logistic_regression', {}, 0).fit(data);
    const shuffled = {
      nRows: data.nRows,
      columns: [data.columns[3]!, { type: 'numeric' as const, name: 'extra', values: new Float64Array(data.nRows) }, ...data.columns.slice(0, 3)],
    };
    assert.deepEqual(Array.from(pipeline.predictProba(shuffled)), Array.from(pipeline.predictProba(data)));
  });

  it('names a missing input column in a clear error', () => {
    const data = mixed();
    const pipeline = Pipeline.create({}, 'logistic_regression', {}, 0).fit(data);
    const without = { nRows: data.nRows, columns: data.columns.filter((c) => c.name !== 'city') };
    assert.throws(() => pipeline.predict(without), isCode('INVALID_CSV', /lacks 1 column.*city/));
  });

  it('encodes unseen categories as all zeros with handle_unknown: ignore, and refuses them with error', () => {
    const data = mixed();
    const fresh = parseTable('age,income,city,plan\n30,2000,Paris,pro\n', { target: null });
    const ignore = Pipeline.create({}, 'logistic_regression', {}, 0).fit(data);
    const X = ignore.transform(fresh);
    const cityColumns = ignore.featureNames.map((n, j) => (n.startsWith('city_') ? X.columns[j]![0] : null)).filter((v) => v !== null);
    assert.deepEqual(cityColumns, [0, 0, 0]);
    const strict = Pipeline.create({ categorical: { encoder: { kind: 'onehot', handle_unknown: 'error' } } }, 'logistic_regression', {}, 0).fit(data);
    assert.throws(() => strict.predict(fresh), isCode('INVALID_CSV', /"Paris", a category not seen in training/));
  });

  it('reads prediction columns that arrive as numbers into a categorical input', () => {
    const data = parseTable('grade,x,y\n1,0.5,a\n2,0.1,b\n1,0.7,a\n3,0.2,b\n', { target: 'y', columns: { categorical: ['grade'] } });
    const pipeline = Pipeline.create({}, 'logistic_regression', {}, 0).fit(data);
    assert.deepEqual(pipeline.featureNames, ['x', 'grade_1', 'grade_2', 'grade_3']);
    const asNumbers = parseTable('grade,x\n2,0.1\n', { target: null });
    assert.equal(asNumbers.columns[0]!.type, 'numeric');
    assert.deepEqual(Array.from(pipeline.predict(asNumbers)), Array.from(pipeline.predict(takeTableRows(data, Uint32Array.of(1)))));
  });

  it('reads a prediction file with the fitted column types and names a missing column', () => {
    const data = parseTable('grade,x,y\n1,0.5,a\n2,0.1,b\n1,0.7,a\n3,0.2,b\n', { target: 'y', columns: { categorical: ['grade'] } });
    const pipeline = Pipeline.create({}, 'logistic_regression', {}, 0).fit(data);
    const table = parseTable('id,x,grade\n7,0.1,2\n', pipeline.predictionReadOptions());
    assert.deepEqual(
      table.columns.map((c) => [c.name, c.type]),
      [
        ['x', 'numeric'],
        ['grade', 'categorical'],
      ],
    );
    const lacking = parseTable('id,x\n7,0.1\n', pipeline.predictionReadOptions());
    assert.throws(() => pipeline.predict(lacking), isCode('INVALID_CSV', /lacks 1 column.*grade/));
  });

  it('round-trips a v2 artefact with identical bytes and predictions', () => {
    const data = mixed();
    const pipeline = Pipeline.create({ categorical: { encoder: { kind: 'ordinal' } } }, 'random_forest', { n_estimators: 3 }, 1).fit(data);
    const text = JSON.stringify(pipeline.toJSON());
    const loaded = Pipeline.fromJSON(JSON.parse(text) as unknown);
    assert.equal(JSON.stringify(loaded.toJSON()), text);
    assert.deepEqual(Array.from(loaded.predictProba(data)), Array.from(pipeline.predictProba(data)));
  });

  it('loads a v1 artefact written by the previous sweepq and predicts exactly as it did', async () => {
    const artefact = JSON.parse(readFileSync(path.join(fixtures, 'artifacts/loan_default.v1.pipeline.json'), 'utf8')) as unknown;
    const expected = JSON.parse(readFileSync(path.join(fixtures, 'artifacts/loan_default.v1.predictions.json'), 'utf8')) as { proba: number[] };
    const pipeline = Pipeline.fromJSON(artefact);
    assert.equal(pipeline.task, 'classification');
    const test = await readCsvFile(path.join(fixtures, 'loan_default.test.csv'), { target: 'target' });
    assert.deepEqual(Array.from(pipeline.predictProba(test)), expected.proba);
    // The same file read as a typed table (columns by name, target ignored) predicts the same.
    const table = parseTable(readFileSync(path.join(fixtures, 'loan_default.test.csv')), { target: null });
    assert.deepEqual(Array.from(pipeline.predictProba(table)), expected.proba);
  });

  it('fits a regression pipeline and predicts values', () => {
    const text = 'x,kind,y\n' + Array.from({ length: 40 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'},${2 * i + (i % 2 ? 5 : -5) + 0.5}`).join('\n');
    const data = parseTable(text, { target: 'y' });
    assert.equal(data.target.task, 'regression');
    const pipeline = Pipeline.create({}, 'linear_regression', {}, 0, 'regression').fit(data);
    const predicted = pipeline.predictValues(data);
    for (let i = 0; i < 40; i++) assert.ok(Math.abs(predicted[i]! - (data.target.y[i] as number)) < 1e-9);
    assert.throws(() => pipeline.predict(data), isCode('INVALID_ARGUMENT'));
    const loaded = Pipeline.fromJSON(JSON.parse(JSON.stringify(pipeline.toJSON())) as unknown);
    assert.deepEqual(Array.from(loaded.predictValues(data)), Array.from(predicted));
  });

  it('refuses a regressor for a classification pipeline and vice versa (INVALID_MODEL)', () => {
    assert.throws(() => Pipeline.create({}, 'ridge', {}, 0, 'classification'), isCode('INVALID_MODEL'));
    assert.throws(() => Pipeline.create({}, 'logistic_regression', {}, 0, 'regression'), isCode('INVALID_MODEL', /is a classifier/));
  });
});

describe('pipeline spec forms and overrides', () => {
  it('reads the flat form as the numeric branch with categorical defaults', () => {
    assert.deepEqual(resolvePipelineSpec({ imputer: { strategy: 'median' }, scaler: 'standard' }), {
      numeric: { imputer: { strategy: 'median', fill_value: 0 }, scaler: 'standard' },
      categorical: {
        imputer: { strategy: 'most_frequent', fill_value: 'missing_value' },
        encoder: { kind: 'onehot', handle_unknown: 'ignore', min_frequency: null, max_categories: null, drop: null },
      },
    });
  });

  it('refuses the flat and nested numeric forms together', () => {
    assert.throws(() => resolvePipelineSpec({ scaler: 'standard', numeric: { scaler: 'robust' } }), isCode('INVALID_SPEC', /not both/));
  });

  it('applies dotted overrides (trial params) and keeps the shared encoder fields across kinds', () => {
    const base = { categorical: { encoder: { kind: 'onehot' as const, min_frequency: 5, drop: 'first' as const } } };
    const ordinal = applyPipelineOverride(base, 'pipeline.categorical.encoder.kind', 'ordinal');
    assert.deepEqual(ordinal.categorical.encoder, {
      kind: 'ordinal',
      handle_unknown: 'use_encoded_value',
      unknown_value: -1,
      min_frequency: 5,
      max_categories: null,
    });
    const both = applyPipelineOverrides({ scaler: 'standard' }, { 'pipeline.numeric.scaler': 'robust', 'pipeline.numeric.imputer.strategy': 'median' });
    assert.deepEqual(both.numeric, { imputer: { strategy: 'median', fill_value: 0 }, scaler: 'robust' });
  });

  it('refuses unknown paths and invalid values with INVALID_SPEC', () => {
    assert.throws(() => applyPipelineOverride({}, 'pipeline.model.C', 1), isCode('INVALID_SPEC', /unknown pipeline parameter/));
    assert.throws(() => applyPipelineOverride({}, 'pipeline.numeric.scaler', 'zscore'), isCode('INVALID_SPEC', /pipeline\.numeric\.scaler/));
    assert.throws(() => applyPipelineOverride({}, 'pipeline.categorical.encoder.kind', 'target'), isCode('INVALID_SPEC'));
  });

  it('runTrial applies pipelineOverrides', () => {
    const data = mixed();
    const rows = (from: number, to: number) => Uint32Array.from({ length: to - from }, (_, i) => from + i);
    const outcome = runTrial({
      train: takeTableRows(data, rows(0, 90)),
      test: takeTableRows(data, rows(90, 120)),
      pipeline: {},
      pipelineOverrides: { 'pipeline.categorical.encoder.kind': 'ordinal' },
      model: 'logistic_regression',
      params: {},
      seed: 0,
      cv: { folds: 3, scoring: 'accuracy' },
    });
    assert.deepEqual(outcome.pipeline.featureNames, ['age', 'income', 'city', 'plan']);
    assert.equal(outcome.cvScores.length, 3);
  });
});
