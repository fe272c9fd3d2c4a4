/**
 * The feed step's enqueue order (trial-queue-order.ts, issue 13 item 3 (a)): longest first, and in a
 * sweep's first step each model's costliest trial also counts the model's cold start on a fresh
 * training process. Only the order changes: the trials are the same objects with the same indices.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderForQueue, type QueueCandidate, type QueueCostShape } from '../../shared/sweep/trial-queue-order.js';

/** sweeps/loan-default.yaml's five trials, in file order (indices 0–4). */
const EXAMPLE: QueueCandidate[] = [
  { index: 0, model: 'logistic_regression', params: { C: 1, max_iter: 500 } },
  { index: 1, model: 'logistic_regression', params: { C: 0.1, max_iter: 500 } },
  { index: 2, model: 'random_forest', params: { n_estimators: 100, max_depth: null } },
  { index: 3, model: 'random_forest', params: { n_estimators: 100, max_depth: 5 } },
  { index: 4, model: 'gradient_boosting', params: { n_estimators: 100, learning_rate: 0.1 } },
];
/** The example's 800 training rows × 15 features, 5-fold CV + the final fit. */
const EXAMPLE_SHAPE: QueueCostShape = { rows: 800, features: 15, fits: 6, task: 'classification' };

const indices = (trials: readonly QueueCandidate[]): number[] => trials.map((t) => t.index);

describe('orderForQueue', () => {
  it('starts the example sweep with one trial per model: boosting goes second, the depth-5 forest after the full forest', () => {
    const ordered = orderForQueue(EXAMPLE, EXAMPLE_SHAPE, true);
    assert.deepEqual(indices(ordered), [2, 4, 3, 0, 1]);
    // The same trial objects: ids, names and indices are untouched, only the order changes.
    for (const trial of ordered) assert.equal(trial, EXAMPLE[trial.index]);
    assert.deepEqual(indices(EXAMPLE), [0, 1, 2, 3, 4], 'the input is not reordered in place');
  });

  it('orders a later step longest first, without cold starts (the workers are warm by then)', () => {
    assert.deepEqual(indices(orderForQueue(EXAMPLE, EXAMPLE_SHAPE, false)), [2, 3, 4, 0, 1]);
  });

  it('keeps longest first on data where a trial takes seconds: a cold start does not outweigh real work', () => {
    const trials: QueueCandidate[] = [
      { index: 0, model: 'gradient_boosting', params: { n_estimators: 100 } },
      { index: 1, model: 'random_forest', params: { n_estimators: 40 } },
      { index: 2, model: 'logistic_regression', params: {} },
    ];
    const big: QueueCostShape = { rows: 16_000, features: 40, fits: 6, task: 'classification' };
    // Forest 40 × 12 = 480 units vs boosting 100 × 3 × 1.5 = 450: the forest first, cold starts or not.
    assert.deepEqual(indices(orderForQueue(trials, big, true)), [1, 0, 2]);
    // The same trials on 120 × 4 rows: the cold starts are the costs, boosting's the largest.
    const tiny: QueueCostShape = { rows: 120, features: 4, fits: 1, task: 'classification' };
    assert.deepEqual(indices(orderForQueue(trials, tiny, true)), [0, 1, 2]);
  });

  it("counts a model's cold start once, on its costliest trial, ties broken by index", () => {
    const trials: QueueCandidate[] = [
      { index: 0, model: 'random_forest', params: { n_estimators: 10, max_depth: 3 } },
      { index: 1, model: 'logistic_regression', params: {} },
      { index: 2, model: 'logistic_regression', params: {} },
      { index: 3, model: 'random_forest', params: { n_estimators: 20, max_depth: 3 } },
    ];
    const tiny: QueueCostShape = { rows: 100, features: 4, fits: 1, task: 'classification' };
    // rf 20 trees (cold start) › lr #1 (cold start) › rf 10 trees › lr #2.
    assert.deepEqual(indices(orderForQueue(trials, tiny, true)), [3, 1, 0, 2]);
  });

  it('uses the relative model costs alone when the sweep recorded no data shape', () => {
    assert.deepEqual(indices(orderForQueue(EXAMPLE, null, true)), [2, 3, 4, 0, 1]);
  });

  it("counts a regression forest's every-feature splits (the sweep's task)", () => {
    const trials: QueueCandidate[] = [
      { index: 0, model: 'gradient_boosting', params: { n_estimators: 300 } },
      { index: 1, model: 'random_forest', params: { n_estimators: 100 } },
    ];
    const shape: QueueCostShape = { rows: 20_000, features: 40, fits: 6, task: 'classification' };
    assert.deepEqual(indices(orderForQueue(trials, shape, false)), [0, 1], 'classification: boosting 1350 units › forest 1200');
    assert.deepEqual(indices(orderForQueue(trials, { ...shape, task: 'regression' }, false)), [1, 0], 'regression: forest 4800 units');
  });
});
