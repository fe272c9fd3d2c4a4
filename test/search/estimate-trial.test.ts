/**
 * The submit-time memory estimate and the feeder's cost order for the tree regressors (issue 9):
 * regression trees grow to single-row leaves and regression forests split on every feature, so both
 * estimates depend on the sweep's task, not only on the model name the two tasks share.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateTrialCost } from '../../shared/search/estimate-trial-cost.js';
import { estimateTrialMemoryBytes, type DataShape } from '../../shared/search/estimate-trial-memory.js';

const MB = 1024 * 1024;
const SHAPE: DataShape = { rows: 4000, features: 40, classes: 1 };

describe('estimateTrialMemoryBytes', () => {
  it('covers a regression forest at the worst-case node count with its artefact (≥ the 142 MiB measured for 50 trees on 4,000 × 40)', () => {
    const bytes = estimateTrialMemoryBytes('random_forest', { n_estimators: 50 }, SHAPE, 'regression');
    assert.ok(bytes >= 142 * MB, `${(bytes / MB).toFixed(0)} MiB`);
    assert.ok(bytes > estimateTrialMemoryBytes('random_forest', { n_estimators: 50 }, { ...SHAPE, classes: 2 }, 'classification'));
  });

  it('gives a regressor one output whatever the class count says', () => {
    for (const model of ['decision_tree', 'random_forest', 'gradient_boosting']) {
      const one = estimateTrialMemoryBytes(model, {}, SHAPE, 'regression');
      assert.equal(estimateTrialMemoryBytes(model, {}, { ...SHAPE, classes: 5 }, 'regression'), one, model);
    }
  });

  it('grows with trees, depth and smaller leaves for every tree regressor', () => {
    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['random_forest', { n_estimators: 10 }, { n_estimators: 100 }],
      ['random_forest', { max_depth: 4 }, { max_depth: null }],
      ['decision_tree', { min_samples_leaf: 20 }, { min_samples_leaf: 1 }],
      ['gradient_boosting', { n_estimators: 100, max_depth: 3 }, { n_estimators: 100, max_depth: 8 }],
    ];
    for (const [model, small, large] of cases) {
      assert.ok(
        estimateTrialMemoryBytes(model, large, SHAPE, 'regression') > estimateTrialMemoryBytes(model, small, SHAPE, 'regression'),
        `${model} ${JSON.stringify(large)}`,
      );
    }
  });
});

describe('estimateTrialCost', () => {
  it('costs a regression forest on every feature 4× the classifier, and the same with max_features set', () => {
    assert.equal(
      estimateTrialCost('random_forest', { n_estimators: 30 }, 'regression'),
      4 * estimateTrialCost('random_forest', { n_estimators: 30 }, 'classification'),
    );
    assert.equal(
      estimateTrialCost('random_forest', { n_estimators: 30, max_features: 'sqrt' }, 'regression'),
      estimateTrialCost('random_forest', { n_estimators: 30 }, 'classification'),
    );
    for (const model of ['decision_tree', 'gradient_boosting'])
      assert.equal(estimateTrialCost(model, {}, 'regression'), estimateTrialCost(model, {}, 'classification'), model);
  });

  it('orders the penguins-mass trials forest, boosting, linear models', () => {
    const trials: Array<[string, Record<string, unknown>]> = [
      ['ridge', { alpha: 1 }],
      ['gradient_boosting', { n_estimators: 50, loss: 'huber' }],
      ['linear_regression', {}],
      ['random_forest', { n_estimators: 30, max_depth: 6 }],
    ];
    const order = trials
      .map(([model, params], i) => ({ i, cost: estimateTrialCost(model, params, 'regression') }))
      .sort((a, b) => b.cost - a.cost || a.i - b.i)
      .map((t) => trials[t.i]![0]);
    assert.deepEqual(order, ['random_forest', 'gradient_boosting', 'ridge', 'linear_regression']);
  });
});
