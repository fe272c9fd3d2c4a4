import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GradientBoostingRegressor } from '../../../../shared/ml/models/tree/gradient-boosting-regressor.js';
import { matrix } from './tree-test-data.js';
import { r2Of, range, wavyRegression } from './regression-test-data.js';

const close = (actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-9): void => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `[${i}] ${actual[i]} vs ${expected[i]}`);
};

describe('GradientBoostingRegressor', () => {
  it('starts from the mean and fits leaf means of the residuals (squared error)', () => {
    // init = 6; residuals −5 −4 4 5; one depth-1 stage at learning rate 1 → leaf means −4.5 and 4.5.
    const X = matrix([[1, 2, 3, 4]]);
    const model = new GradientBoostingRegressor({ n_estimators: 1, learning_rate: 1, max_depth: 1 });
    model.fit(X, Float64Array.of(1, 2, 10, 11));
    assert.equal(model.initialPrediction, 6);
    close(model.predict(X), [1.5, 1.5, 10.5, 10.5]);
  });

  it('shrinks each stage by the learning rate', () => {
    const X = matrix([[1, 2, 3, 4]]);
    const model = new GradientBoostingRegressor({ n_estimators: 2, learning_rate: 0.5, max_depth: 1 });
    model.fit(X, Float64Array.of(1, 2, 10, 11));
    // Stage 1: ±4.5·0.5 → 3.75 / 8.25; stage 2 halves the remaining ±2.25 → 2.625 / 9.375.
    close(model.predict(X), [2.625, 2.625, 9.375, 9.375]);
  });

  it('matches scikit-learn 1.9.1 on Huber loss (median init, per-stage δ, leaf line search)', () => {
    // sklearn: GradientBoostingRegressor(loss='huber', alpha=0.5, learning_rate=1, max_depth=1) on a
    // constant feature: init 2.5 (numpy median), 1 stage → 2.125, 2 stages → 2.21875 (hand-checked:
    // δ = 0.5, leaf = median −0.5 + mean clip(r − median, ±δ) 0.125).
    const X = matrix([[1, 1, 1, 1]]);
    const y = Float64Array.of(1, 2, 3, 100);
    for (const [stages, expected] of [
      [1, 2.125],
      [2, 2.21875],
    ] as const) {
      const model = new GradientBoostingRegressor({ loss: 'huber', alpha: 0.5, n_estimators: stages, learning_rate: 1, max_depth: 1 });
      model.fit(X, y);
      assert.equal(model.initialPrediction, 2.5);
      close(model.predict(X, Uint32Array.of(0)), [expected], 1e-12);
    }
    // With splits: alpha 0.9, 3 stages, learning rate 0.5, depth 1 (sklearn's predictions).
    const X2 = matrix([[1, 2, 3, 4, 5, 6]]);
    const model = new GradientBoostingRegressor({ loss: 'huber', alpha: 0.9, n_estimators: 3, learning_rate: 0.5, max_depth: 1 });
    model.fit(X2, Float64Array.of(1, 1, 2, 8, 9, 30));
    close(model.predict(X2), [2.58, 2.58, 2.58, 7.596666666666667, 7.596666666666667, 25.441666666666666], 1e-9);
  });

  const variants = [{}, { subsample: 0.6 }, { max_features: 'sqrt' }, { loss: 'huber' }, { min_samples_leaf: 5, max_depth: 4 }];
  for (const params of variants) {
    it(`fits a non-linear target out of sample (${JSON.stringify(params)})`, () => {
      const data = wavyRegression(1000, 3, true);
      const model = new GradientBoostingRegressor({ n_estimators: 150, ...params }, 5);
      model.fit(data, data.y, range(0, 800));
      const r2 = r2Of(data.y.slice(800), model.predict(data, range(800, 1000)));
      assert.ok(r2 > 0.85, `r2 ${r2}`);
    });
  }

  it('is byte-identical for the same seed with subsampling, and differs for another', () => {
    const data = wavyRegression(200, 1);
    const fit = (seed: number): string => {
      const model = new GradientBoostingRegressor({ n_estimators: 10, subsample: 0.7, loss: 'huber' }, seed);
      model.fit(data, data.y);
      return JSON.stringify(model.toJSON());
    };
    assert.equal(fit(3), fit(3));
    assert.notEqual(fit(3), fit(4));
  });

  it('round-trips through JSON byte for byte and predicts identically', () => {
    const data = wavyRegression(200, 12, true);
    const model = new GradientBoostingRegressor({ n_estimators: 8, subsample: 0.8 }, 2);
    model.fit(data, data.y);
    const text = JSON.stringify(model.toJSON());
    const loaded = GradientBoostingRegressor.fromJSON(JSON.parse(text));
    assert.equal(JSON.stringify(loaded.toJSON()), text);
    assert.deepEqual(loaded.predict(data), model.predict(data));
  });

  it('rejects an artefact without an init value', () => {
    const data = wavyRegression(50, 1);
    const model = new GradientBoostingRegressor({ n_estimators: 2 });
    model.fit(data, data.y);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as Record<string, unknown>;
    assert.throws(() => GradientBoostingRegressor.fromJSON({ ...json, init: null }), { code: 'INVALID_ARTIFACT' });
  });
});
