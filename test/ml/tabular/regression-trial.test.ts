import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepqError } from '../../../shared/errors/index.js';
import { parseTable } from '../../../shared/ml/dataset/read-table.js';
import { takeTableRows } from '../../../shared/ml/dataset/table.js';
import { computeRegressionMetrics } from '../../../shared/ml/metrics/regression-metrics.js';
import { kFold } from '../../../shared/ml/model-selection/k-fold.js';
import { LinearRegression } from '../../../shared/ml/models/linear/linear-regression.js';
import { Ridge } from '../../../shared/ml/models/linear/ridge.js';
import { Pipeline } from '../../../shared/ml/pipeline.js';
import { runTrial } from '../../../shared/ml/run-trial.js';

const text =
  'x1,x2,kind,y\n' +
  Array.from(
    { length: 60 },
    (_, i) =>
      `${(i * 7) % 13},${i % 5 === 0 ? '' : (i * 3) % 11},${['a', 'b', 'c'][i % 3]},${1.5 * ((i * 7) % 13) - ((i * 3) % 11) + (i % 3) * 4 + ((i * 37) % 10) / 10}`,
  ).join('\n');
const data = parseTable(text, { target: 'y' });
const range = (from: number, to: number) => Uint32Array.from({ length: to - from }, (_, i) => from + i);

describe('linear regressors', () => {
  it('LinearRegression finds the minimum-norm solution of a rank-deficient design', () => {
    // Columns a and b are identical: sklearn (lstsq) splits the weight evenly.
    const a = Float64Array.from({ length: 20 }, (_, i) => i);
    const y = Float64Array.from(a, (v) => 3 * v + 1);
    const model = new LinearRegression();
    model.fit({ nRows: 20, columns: [a, a.slice()] }, y);
    assert.ok(Math.abs(model.coef![0]! - 1.5) < 1e-9 && Math.abs(model.coef![1]! - 1.5) < 1e-9, String(model.coef));
    assert.ok(Math.abs(model.intercept - 1) < 1e-9);
    assert.equal(model.rank, 1);
  });

  it('Ridge solves (XᵀX + αI)w = Xᵀy on centred data', () => {
    const x = Float64Array.from([1, 2, 3, 4]);
    const y = Float64Array.from([2, 4, 6, 8]);
    const model = new Ridge({ alpha: 5 });
    model.fit({ nRows: 4, columns: [x] }, y);
    // Centred: Σx² = 5, Σxy = 10 → w = 10 / (5 + 5) = 1; intercept = 5 − 2.5·1.
    assert.ok(Math.abs(model.coef![0]! - 1) < 1e-12);
    assert.ok(Math.abs(model.intercept - 2.5) < 1e-12);
  });

  it('fits on a row subset exactly as on a copy of those rows', () => {
    const rows = range(10, 50);
    const X = { nRows: 60, columns: [Float64Array.from({ length: 60 }, (_, i) => i), Float64Array.from({ length: 60 }, (_, i) => (i * 7) % 5)] };
    const y = Float64Array.from({ length: 60 }, (_, i) => i * 0.3 + ((i * 7) % 5));
    const a = new Ridge({ alpha: 0.5 });
    a.fit(X, y, rows);
    const b = new Ridge({ alpha: 0.5 });
    b.fit({ nRows: 40, columns: X.columns.map((c) => c.slice(10, 50)) }, y.slice(10, 50));
    assert.deepEqual(a.toJSON(), b.toJSON());
  });
});

describe('regression metrics (scikit-learn definitions)', () => {
  it('computes r2, rmse, mae and mape', () => {
    const m = computeRegressionMetrics(Float64Array.from([3, -0.5, 2, 7]), Float64Array.from([2.5, 0, 2, 8]));
    assert.ok(Math.abs(m.r2 - 0.9486081370449679) < 1e-15);
    assert.ok(Math.abs(m.rmse - Math.sqrt(0.375)) < 1e-15);
    assert.equal(m.mae, 0.5);
    assert.ok(Math.abs(m.mape - 0.3273809523809524) < 1e-15);
  });
  it('gives r2 = 1 for a perfect fit of a constant target and 0 otherwise (force_finite)', () => {
    assert.equal(computeRegressionMetrics(Float64Array.of(2, 2), Float64Array.of(2, 2)).r2, 1);
    assert.equal(computeRegressionMetrics(Float64Array.of(2, 2), Float64Array.of(2, 3)).r2, 0);
  });
});

describe('runTrial (regression)', () => {
  const input = {
    train: takeTableRows(data, range(0, 45)),
    test: takeTableRows(data, range(45, 60)),
    pipeline: { imputer: { strategy: 'median' as const }, scaler: 'standard' as const },
    model: 'ridge' as const,
    params: { alpha: 1 },
    seed: 0,
    cv: { folds: 5, scoring: 'rmse' as const },
  };

  it('reports the regression metrics and per-fold scores of KFold without shuffling', () => {
    const outcome = runTrial(input);
    assert.equal(outcome.task, 'regression');
    assert.deepEqual(Object.keys(outcome.metrics).sort(), ['cv_mean', 'cv_std', 'mae', 'mape', 'r2', 'rmse']);
    const folds = kFold(45, { nSplits: 5 });
    for (let f = 0; f < 5; f++) {
      const train = takeTableRows(input.train, folds[f]!.train);
      const held = takeTableRows(input.train, folds[f]!.test);
      const pipeline = Pipeline.create(input.pipeline, 'ridge', { alpha: 1 }, 0, 'regression').fit(train);
      const rmse = computeRegressionMetrics(held.target.y as Float64Array, pipeline.predictValues(held)).rmse;
      assert.ok(Math.abs(outcome.cvScores[f]! - rmse) < 1e-9, `fold ${f}`);
    }
  });

  it('refuses a classification scoring metric for a regression target', () => {
    assert.throws(
      () => runTrial({ ...input, cv: { folds: 3, scoring: 'accuracy' } }),
      (e: unknown) => e instanceof SweepqError && e.code === 'INVALID_SPEC' && /not a regression metric/.test(e.message),
    );
  });

  it('is deterministic', () => {
    assert.equal(JSON.stringify(runTrial(input).pipeline), JSON.stringify(runTrial(input).pipeline));
  });

  for (const [model, params] of [
    ['decision_tree', { max_depth: 4 }],
    ['random_forest', { n_estimators: 10 }],
    ['gradient_boosting', { n_estimators: 20, subsample: 0.8 }],
  ] as const) {
    it(`runs ${model} as a regressor: deterministic for a seed, artefact reloads byte for byte`, () => {
      const trial = { ...input, model, params, cv: { folds: 3, scoring: 'r2' as const } };
      const first = runTrial(trial);
      const second = runTrial(trial);
      assert.equal(JSON.stringify(first.pipeline), JSON.stringify(second.pipeline));
      assert.deepEqual(first.metrics, second.metrics);
      assert.equal((first.pipeline.model as { task: string }).task, 'regression');
      const loaded = Pipeline.fromJSON(JSON.parse(JSON.stringify(first.pipeline)) as unknown);
      assert.equal(JSON.stringify(loaded.toJSON()), JSON.stringify(first.pipeline));
      assert.ok(Number.isFinite(first.metrics.r2!));
    });
  }
});
