import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepqError } from '../../shared/errors/index.js';
import { takeRows, type Dataset } from '../../shared/ml/dataset/dataset.js';
import { applyMissing, makeClassification } from '../../shared/ml/dataset/make-classification.js';
import { Pipeline } from '../../shared/ml/pipeline.js';
import type { PipelineSpec } from '../../shared/schemas/pipeline-spec.schema.js';

const base = makeClassification({ n_samples: 150, n_features: 4, n_informative: 2, n_redundant: 1, random_state: 5 });
// Every 7th cell of column 0 missing, so the imputer has something to learn.
const data: Dataset = (() => {
  const columns = base.columns.map((col, j) => {
    const copy = Float64Array.from(col);
    if (j === 0) for (let i = 0; i < copy.length; i += 7) copy[i] = Number.NaN;
    return copy;
  });
  return { ...base, columns };
})();
const SPEC: PipelineSpec = { imputer: { strategy: 'median', fill_value: 0 }, scaler: 'standard' };
const trainRows = Uint32Array.from({ length: 100 }, (_, i) => i);
const heldOut = Uint32Array.from({ length: 50 }, (_, i) => 100 + i);
const isCode = (code: string) => (error: unknown) => error instanceof SweepqError && error.code === code;

describe('Pipeline', () => {
  it('fits on a row subset exactly as on a copy of those rows (no leakage from other rows)', () => {
    const onRows = Pipeline.create(SPEC, 'logistic_regression', {}, 1).fit(data, trainRows);
    const onCopy = Pipeline.create(SPEC, 'logistic_regression', {}, 1).fit(takeRows(data, trainRows));
    assert.equal(JSON.stringify(onRows.toJSON()), JSON.stringify(onCopy.toJSON()));
  });

  it('scores held-out rows of the fit data like a fresh predict on them', () => {
    const pipeline = Pipeline.create(SPEC, 'logistic_regression', {}, 1).fit(data, trainRows);
    assert.deepEqual(Array.from(pipeline.predictProbaFitData(heldOut)), Array.from(pipeline.predictProba(takeRows(data, heldOut))));
  });

  it('aligns columns by name when the data comes in another order', () => {
    const pipeline = Pipeline.create(SPEC, 'logistic_regression', {}, 1).fit(data);
    const reversed = { nRows: data.nRows, columns: data.columns.slice().reverse(), featureNames: data.featureNames.slice().reverse() };
    assert.deepEqual(Array.from(pipeline.predict(reversed)), Array.from(pipeline.predict(data)));
  });

  it('rejects data lacking a trained feature with INVALID_CSV naming it', () => {
    const pipeline = Pipeline.create(SPEC, 'logistic_regression', {}, 1).fit(data);
    const missing = { nRows: data.nRows, columns: data.columns.slice(1), featureNames: data.featureNames.slice(1) };
    assert.throws(
      () => pipeline.predictProba(missing),
      (error: unknown) => isCode('INVALID_CSV')(error) && (error as Error).message.includes(data.featureNames[0]!),
    );
  });

  it('round-trips through JSON with identical bytes and predictions', () => {
    const pipeline = Pipeline.create(SPEC, 'logistic_regression', { C: 0.3 }, 1).fit(data, trainRows);
    const text = JSON.stringify(pipeline.toJSON());
    const loaded = Pipeline.fromJSON(JSON.parse(text) as unknown);
    assert.equal(JSON.stringify(loaded.toJSON()), text);
    assert.deepEqual(loaded.classes, data.classes);
    assert.deepEqual(Array.from(loaded.predictProba(data)), Array.from(pipeline.predictProba(data)));
  });

  it('rejects an artefact of an unknown version with a clear INVALID_ARTIFACT', () => {
    const json = { ...Pipeline.create(SPEC, 'logistic_regression', {}, 1).fit(data).toJSON(), version: 3 };
    assert.throws(
      () => Pipeline.fromJSON(json),
      (error: unknown) => isCode('INVALID_ARTIFACT')(error) && /version 3/.test((error as Error).message),
    );
  });

  const BAD: Array<[string, unknown]> = [
    ['a string', 'pipeline'],
    ['another format', { format: 'pickle', version: 1 }],
    ['no model', { format: 'sweepq.pipeline', version: 1, featureNames: [], classes: ['0', '1'], steps: [] }],
    ['a bad step', { format: 'sweepq.pipeline', version: 1, featureNames: [], classes: ['0', '1'], steps: [{ name: 'pca' }], model: {} }],
  ];
  for (const [label, json] of BAD) {
    it(`rejects ${label} with INVALID_ARTIFACT`, () => {
      assert.throws(() => Pipeline.fromJSON(json), isCode('INVALID_ARTIFACT'));
    });
  }

  it('works without preprocessing steps', () => {
    const complete = applyMissing(base, []);
    const pipeline = Pipeline.create({ imputer: null, scaler: null }, 'logistic_regression', {}, 1).fit(complete);
    assert.equal((pipeline.toJSON().columnTransformer as { numeric: { steps: unknown[] } }).numeric.steps.length, 0);
    assert.equal(pipeline.predict(complete).length, complete.nRows);
  });
});
