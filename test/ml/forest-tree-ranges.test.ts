/**
 * A forest fitted in tree ranges and merged (fold jobs split a trial's final fit this way, issue 13
 * item 5) is the forest of the whole fit: byte-identical artefact, identical test metrics.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readCsvFile } from '../../shared/ml/dataset/read-csv.js';
import { fitForestTrees } from '../../shared/ml/fit-forest-trees.js';
import { mergeForestFit } from '../../shared/ml/merge-forest-fit.js';
import { mergeForestArtifacts } from '../../shared/ml/models/tree/merge-forest-artifacts.js';
import { RandomForestClassifier } from '../../shared/ml/models/tree/random-forest-classifier.js';
import { RandomForestRegressor } from '../../shared/ml/models/tree/random-forest-regressor.js';
import { runTrial, type TrialInput } from '../../shared/ml/run-trial.js';
import { wavyRegression } from './models/tree/regression-test-data.js';
import { threeBlobs } from './models/tree/tree-test-data.js';

const fixture = (name: string): string => path.resolve(process.cwd(), 'test/fixtures', name);

describe('a forest fitted in tree ranges', () => {
  it('merges into the artefact of the whole fit (classifier, class weights per bootstrap; regressor)', () => {
    const blobs = threeBlobs(60, 3);
    const params = { n_estimators: 9, class_weight: 'balanced_subsample', max_features: 1 };
    const whole = new RandomForestClassifier(params, 7);
    whole.fit(blobs, blobs.y);
    const parts = [
      [0, 2],
      [2, 6],
      [6, 9],
    ].map(([start, end]) => {
      const part = new RandomForestClassifier(params, 7);
      part.growOnly({ start: start!, end: end! });
      part.fit(blobs, blobs.y);
      return part.toJSON();
    });
    assert.equal(JSON.stringify(mergeForestArtifacts(parts)), JSON.stringify(whole.toJSON()));

    const wavy = wavyRegression(300, 5, true);
    const wholeRegressor = new RandomForestRegressor({ n_estimators: 6, max_features: 0.5 }, 3);
    wholeRegressor.fit(wavy, wavy.y);
    const halves = [0, 3].map((start) => {
      const part = new RandomForestRegressor({ n_estimators: 6, max_features: 0.5 }, 3);
      part.growOnly({ start, end: start + 3 });
      part.fit(wavy, wavy.y);
      return part.toJSON();
    });
    assert.equal(JSON.stringify(mergeForestArtifacts(halves)), JSON.stringify(wholeRegressor.toJSON()));
  });

  it('scores the merged pipeline exactly as runTrial scores the whole final fit', async () => {
    const input: TrialInput = {
      train: await readCsvFile(fixture('loan_default.train.csv'), { target: 'target' }),
      test: await readCsvFile(fixture('loan_default.test.csv'), { target: 'target' }),
      pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
      model: 'random_forest',
      params: { n_estimators: 12 },
      seed: 42,
      cv: { folds: 0, scoring: 'accuracy' },
    };
    const whole = runTrial(input);
    const ranges = [fitForestTrees(input, { start: 0, end: 6 }).pipelineJson, fitForestTrees(input, { start: 6, end: 12 }).pipelineJson];
    const merged = mergeForestFit(ranges, input.train, input.test);
    assert.equal(merged.pipelineJson, JSON.stringify(whole.pipeline), 'byte-identical artefact');
    assert.deepEqual(merged.metrics, whole.metrics, 'identical test metrics');
  });

  it('refuses a range outside the forest and parts of different models', () => {
    const model = new RandomForestClassifier({ n_estimators: 4 });
    assert.throws(() => model.growOnly({ start: 2, end: 5 }), /tree range \[2, 5\)/);
    assert.throws(() => model.growOnly({ start: 2, end: 2 }), /tree range/);
    const blobs = threeBlobs(20, 1);
    const fitted = (params: Record<string, unknown>): unknown => {
      const m = new RandomForestClassifier(params, 1);
      m.fit(blobs, blobs.y);
      return m.toJSON();
    };
    assert.throws(() => mergeForestArtifacts([fitted({ n_estimators: 2 }), fitted({ n_estimators: 2, max_depth: 3 })]), /another model/);
  });
});
