import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepqError } from '../../shared/errors/index.js';
import { takeRows, type Dataset } from '../../shared/ml/dataset/dataset.js';
import { makeClassification } from '../../shared/ml/dataset/make-classification.js';
import { computeMetrics } from '../../shared/ml/metrics/metric-names.js';
import { stratifiedKFold } from '../../shared/ml/model-selection/stratified-k-fold.js';
import { Pipeline } from '../../shared/ml/pipeline.js';
import { runTrial, type TrialInput } from '../../shared/ml/run-trial.js';

const all = makeClassification({ n_samples: 200, n_features: 6, n_informative: 3, n_redundant: 1, random_state: 9 });
const train = takeRows(
  all,
  Uint32Array.from({ length: 150 }, (_, i) => i),
);
const test = takeRows(
  all,
  Uint32Array.from({ length: 50 }, (_, i) => 150 + i),
);

function input(overrides: Partial<TrialInput> = {}): TrialInput {
  return {
    train,
    test,
    pipeline: { imputer: { strategy: 'median', fill_value: 0 }, scaler: 'standard' },
    model: 'logistic_regression',
    params: { C: 1 },
    seed: 3,
    cv: { folds: 5, scoring: 'accuracy' },
    ...overrides,
  };
}

describe('runTrial', () => {
  it('reports test metrics and the CV mean/std of per-fold scores', () => {
    const outcome = runTrial(input());
    assert.equal(outcome.cvScores.length, 5);
    for (const key of ['accuracy', 'precision', 'recall', 'f1_score', 'auc_roc', 'log_loss', 'cv_mean', 'cv_std']) {
      assert.equal(typeof outcome.metrics[key as keyof typeof outcome.metrics], 'number', key);
    }
    const mean = outcome.cvScores.reduce((s, v) => s + v, 0) / 5;
    assert.ok(Math.abs(outcome.metrics.cv_mean! - mean) < 1e-12);
  });

  it('scores each fold with a pipeline fitted on that fold only', () => {
    const outcome = runTrial(input({ cv: { folds: 3, scoring: 'auc_roc' } }));
    const folds = stratifiedKFold(train.y, 2, { nSplits: 3 });
    for (let f = 0; f < folds.length; f++) {
      const fold = folds[f]!;
      const pipeline = Pipeline.create(input().pipeline, 'logistic_regression', { C: 1 }, 3).fit(takeRows(train, fold.train));
      const held = takeRows(train, fold.test);
      assert.equal(outcome.cvScores[f], computeMetrics(held.y, pipeline.predictProba(held), 2).auc_roc);
    }
  });

  for (const folds of [0, 1]) {
    it(`skips cross-validation when folds is ${folds}`, () => {
      const outcome = runTrial(input({ cv: { folds, scoring: 'accuracy' } }));
      assert.deepEqual(outcome.cvScores, []);
      assert.equal('cv_mean' in outcome.metrics, false);
      assert.equal('cv_std' in outcome.metrics, false);
    });
  }

  it('is deterministic: same input, byte-identical pipeline and metrics', () => {
    const a = runTrial(input({ model: 'random_forest', params: { n_estimators: 5 } }));
    const b = runTrial(input({ model: 'random_forest', params: { n_estimators: 5 } }));
    assert.equal(JSON.stringify(a.pipeline), JSON.stringify(b.pipeline));
    assert.equal(JSON.stringify(a.metrics), JSON.stringify(b.metrics));
  });

  it('reports progress for every fold, the refit and the evaluation', () => {
    const stages: string[] = [];
    runTrial(input({ cv: { folds: 3, scoring: 'accuracy' } }), { onProgress: (stage, fraction) => stages.push(`${stage}:${fraction.toFixed(2)}`) });
    assert.deepEqual(stages, ['cv:0.33', 'cv:0.67', 'cv:1.00', 'fit:1.00', 'eval:1.00']);
  });

  it('maps test labels onto the training classes by name', () => {
    // Same rows, but the test set lists its classes in reverse order.
    const flipped: Dataset = { ...test, classes: ['1', '0'], y: Int32Array.from(test.y, (k) => 1 - k) };
    assert.deepEqual(runTrial(input({ test: flipped })).metrics, runTrial(input()).metrics);
  });

  it('rejects a test set with a class the training set lacks (INVALID_CSV)', () => {
    const extra: Dataset = { ...test, classes: ['0', '1', '2'], y: Int32Array.from(test.y, (k, i) => (i === 0 ? 2 : k)) };
    assert.throws(
      () => runTrial(input({ test: extra })),
      (error: unknown) => error instanceof SweepqError && error.code === 'INVALID_CSV',
    );
  });

  it('runs a three-class trial (multinomial logistic regression)', () => {
    const three = makeClassification({ n_samples: 240, n_features: 5, n_informative: 3, n_redundant: 0, n_classes: 3, random_state: 4 });
    const outcome = runTrial(
      input({
        train: takeRows(
          three,
          Uint32Array.from({ length: 180 }, (_, i) => i),
        ),
        test: takeRows(
          three,
          Uint32Array.from({ length: 60 }, (_, i) => 180 + i),
        ),
        cv: { folds: 3, scoring: 'auc_roc' },
      }),
    );
    assert.equal(outcome.pipeline.classes.length, 3);
    assert.ok(outcome.metrics.accuracy! > 0.5, `accuracy ${outcome.metrics.accuracy}`);
    assert.ok(outcome.metrics.cv_mean! > 0.6, `cv auc ${outcome.metrics.cv_mean}`);
  });

  it('rejects bad params with INVALID_MODEL before doing any work', () => {
    assert.throws(
      () => runTrial(input({ params: { C: -1 } })),
      (error: unknown) => error instanceof SweepqError && error.code === 'INVALID_MODEL',
    );
  });
});
