/**
 * A FitCache shared by the fits of a trial (CV folds, then the refit) is a speed-up only: tree models
 * (classifiers and regressors) come out byte-identical to fits without it, logistic regression folds reach the same optimum, and the
 * all-rows refit stays bit-identical to a standalone fit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset } from '../../../shared/ml/dataset/dataset.js';
import { makeClassification } from '../../../shared/ml/dataset/make-classification.js';
import { FitCache } from '../../../shared/ml/models/fit-cache.js';
import { LogisticRegression } from '../../../shared/ml/models/logistic-regression.js';
import { createClassifier, createRegressor } from '../../../shared/ml/models/model-registry.js';
import { kFold } from '../../../shared/ml/model-selection/k-fold.js';
import { stratifiedKFold } from '../../../shared/ml/model-selection/stratified-k-fold.js';
import type { ModelName, RegressorName } from '../../../shared/schemas/model-params.schema.js';
import { wavyRegression } from './tree/regression-test-data.js';

function data(): Dataset {
  const d = makeClassification({ n_samples: 1500, n_features: 8, n_informative: 4, n_redundant: 2, random_state: 3 });
  // A few missing values so the missing-bin paths and the order repair run too.
  for (let r = 0; r < d.nRows; r += 13) d.columns[r % 3]![r] = Number.NaN;
  return d;
}

const TREE_CASES: Array<[ModelName, Record<string, unknown>]> = [
  ['gradient_boosting', { n_estimators: 15 }],
  ['gradient_boosting', { n_estimators: 8, subsample: 0.7, max_features: 0.5 }],
  ['random_forest', { n_estimators: 5 }],
  ['decision_tree', { max_depth: 6 }],
];

describe('FitCache', () => {
  const dataset = data();
  const folds = stratifiedKFold(dataset.y, 2, { nSplits: 4, shuffle: false, randomState: 0 });

  for (const [model, params] of TREE_CASES) {
    it(`leaves ${model} ${JSON.stringify(params)} byte-identical across folds and the refit`, () => {
      const cache = new FitCache();
      const fits = [...folds.map((f) => f.train), undefined];
      for (const rows of fits) {
        const cached = createClassifier(model, params, 7);
        cached.fit(dataset, dataset.y, rows, cache);
        const plain = createClassifier(model, params, 7);
        plain.fit(dataset, dataset.y, rows);
        assert.equal(JSON.stringify(cached.toJSON()), JSON.stringify(plain.toJSON()));
      }
    });
  }

  const REGRESSOR_CASES: Array<[RegressorName, Record<string, unknown>]> = [
    ['gradient_boosting', { n_estimators: 15 }],
    ['gradient_boosting', { n_estimators: 8, subsample: 0.7, max_features: 0.5, loss: 'huber' }],
    ['random_forest', { n_estimators: 5 }],
    ['decision_tree', { min_samples_leaf: 3 }],
  ];
  for (const [model, params] of REGRESSOR_CASES) {
    it(`leaves the ${model} regressor ${JSON.stringify(params)} byte-identical across folds and the refit`, () => {
      const regression = wavyRegression(1500, 4, true);
      const cache = new FitCache();
      const fits = [...kFold(regression.nRows, { nSplits: 4 }).map((f) => f.train), undefined];
      for (const rows of fits) {
        const cached = createRegressor(model, params, 7);
        cached.fit(regression, regression.y, rows, cache);
        const plain = createRegressor(model, params, 7);
        plain.fit(regression, regression.y, rows);
        assert.equal(JSON.stringify(cached.toJSON()), JSON.stringify(plain.toJSON()));
      }
    });
  }

  it('lets logistic regression folds start warm yet reach the same coefficients, and keeps the refit cold', () => {
    const cache = new FitCache();
    for (const fold of folds) {
      const warm = new LogisticRegression({ C: 1, max_iter: 500 });
      warm.fit(dataset, dataset.y, fold.train, cache);
      const cold = new LogisticRegression({ C: 1, max_iter: 500 });
      cold.fit(dataset, dataset.y, fold.train);
      for (let j = 0; j < cold.coef.length; j++) assert.ok(Math.abs(warm.coef[j]! - cold.coef[j]!) < 1e-6, `coef[${j}]`);
      assert.ok(Math.abs(warm.intercept[0]! - cold.intercept[0]!) < 1e-6);
    }
    const refit = new LogisticRegression({ C: 1, max_iter: 500 });
    refit.fit(dataset, dataset.y, undefined, cache);
    const standalone = new LogisticRegression({ C: 1, max_iter: 500 });
    standalone.fit(dataset, dataset.y);
    assert.equal(JSON.stringify(refit.toJSON()), JSON.stringify(standalone.toJSON()));
  });
});
