/**
 * A forest fitted in tree ranges and merged (fold jobs split a trial's final fit this way, issue 13
 * item 5) is the forest of the whole fit: byte-identical artefact, identical test metrics.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readCsvFile } from '../../shared/ml/dataset/read-csv.js';
import { trialDiagnostics } from '../../shared/ml/diagnostics/trial-diagnostics.js';
import { fitForestTrees } from '../../shared/ml/fit-forest-trees.js';
import { mergeForestFit } from '../../shared/ml/merge-forest-fit.js';
import { forestFromNodes } from '../../shared/ml/models/tree/forest-from-nodes.js';
import { mergeForestNodes, type ForestNodes } from '../../shared/ml/models/tree/merge-forest-nodes.js';
import type { NodeStore } from '../../shared/ml/models/tree/node-store.js';
import { RandomForestClassifier } from '../../shared/ml/models/tree/random-forest-classifier.js';
import { RandomForestRegressor } from '../../shared/ml/models/tree/random-forest-regressor.js';
import { asTabular, runTrial, type TrialInput } from '../../shared/ml/run-trial.js';
import { wavyRegression } from './models/tree/regression-test-data.js';
import { threeBlobs } from './models/tree/tree-test-data.js';

const fixture = (name: string): string => path.resolve(process.cwd(), 'test/fixtures', name);

/** The used part of a fitted forest's node arrays. */
function nodesOf(store: NodeStore): ForestNodes {
  const n = store.size;
  return {
    nFeatures: store.nFeatures,
    roots: store.roots.slice(),
    feature: store.feature.subarray(0, n),
    threshold: store.threshold.subarray(0, n),
    left: store.left.subarray(0, n),
    right: store.right.subarray(0, n),
    missingLeft: store.missingLeft.subarray(0, n),
    value: store.value.subarray(0, n * store.nOutputs),
  };
}

/** A forest trial without CV on the loan_default fixture's train/test pair. */
async function loanForestTrial(params: Record<string, unknown>, seed: number): Promise<TrialInput> {
  return {
    train: await readCsvFile(fixture('loan_default.train.csv'), { target: 'target' }),
    test: await readCsvFile(fixture('loan_default.test.csv'), { target: 'target' }),
    pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
    model: 'random_forest',
    params,
    seed,
    cv: { folds: 0, scoring: 'accuracy' },
  };
}

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
      return nodesOf(part.tree);
    });
    assert.equal(JSON.stringify(forestFromNodes(whole.params, 3, mergeForestNodes(parts)).toJSON()), JSON.stringify(whole.toJSON()));

    const wavy = wavyRegression(300, 5, true);
    const wholeRegressor = new RandomForestRegressor({ n_estimators: 6, max_features: 0.5 }, 3);
    wholeRegressor.fit(wavy, wavy.y);
    const halves = [0, 3].map((start) => {
      const part = new RandomForestRegressor({ n_estimators: 6, max_features: 0.5 }, 3);
      part.growOnly({ start, end: start + 3 });
      part.fit(wavy, wavy.y);
      return nodesOf(part.tree);
    });
    assert.equal(JSON.stringify(forestFromNodes(wholeRegressor.params, null, mergeForestNodes(halves)).toJSON()), JSON.stringify(wholeRegressor.toJSON()));
  });

  it('scores the merged pipeline exactly as runTrial scores the whole final fit', async () => {
    const input = await loanForestTrial({ n_estimators: 12 }, 42);
    const whole = runTrial(input);
    const ranges = [fitForestTrees(input, { start: 0, end: 6 }).part, fitForestTrees(input, { start: 6, end: 12 }).part];
    const merged = mergeForestFit(ranges, input.train, input.test);
    assert.equal(merged.pipelineJson, JSON.stringify(whole.pipeline), 'byte-identical artefact');
    assert.deepEqual(merged.metrics, whole.metrics, 'identical test metrics');
  });

  it('gives the artefact and diagnostics of the whole fit, permutation importances included, for uneven ranges', async () => {
    // Where the trees are cut (fit-tree-ranges.ts halves them; any cut is valid) must change nothing.
    const input = await loanForestTrial({ n_estimators: 12 }, 3);
    const whole = runTrial(input);
    const test = asTabular(input.test);
    const expected = trialDiagnostics(whole.fitted, whole.pipeline, test);
    assert.equal(expected.importances?.kind, 'permutation');
    for (const cut of [7, 9]) {
      const ranges = [fitForestTrees(input, { start: 0, end: cut }).part, fitForestTrees(input, { start: cut, end: 12 }).part];
      const merged = mergeForestFit(ranges, input.train, input.test);
      assert.equal(merged.pipelineJson, JSON.stringify(whole.pipeline), `byte-identical artefact, trees cut at ${cut}`);
      assert.deepEqual(trialDiagnostics(merged.fitted, merged.pipeline, test), expected, `trees cut at ${cut}`);
    }
  });

  it('refuses a range outside the forest and ranges of different fits', async () => {
    const model = new RandomForestClassifier({ n_estimators: 4 });
    assert.throws(() => model.growOnly({ start: 2, end: 5 }), /tree range \[2, 5\)/);
    assert.throws(() => model.growOnly({ start: 2, end: 2 }), /tree range/);
    const input = await loanForestTrial({ n_estimators: 4, max_depth: 3 }, 1);
    const a = fitForestTrees(input, { start: 0, end: 2 }).part;
    const b = fitForestTrees({ ...input, params: { n_estimators: 4, max_depth: 4 } }, { start: 2, end: 4 }).part;
    assert.throws(() => mergeForestFit([a, b], input.train, input.test), /not of the fit of range 0/);
    assert.throws(() => mergeForestFit([a.subarray(0, a.length - 1)], input.train, input.test), /malformed/);
  });
});
