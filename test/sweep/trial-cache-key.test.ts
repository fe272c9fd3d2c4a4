import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SweepContext } from '../../shared/schemas/sweep-context.schema.js';
import { trialCacheKey } from '../../shared/sweep/result-cache.js';

const classification: SweepContext = {
  v: 1,
  dataset: { train: 'a'.repeat(64), test: null, target: 'target', split: { test_size: 0.2, random_state: 0, stratify: true } },
  pipeline: { imputer: { strategy: 'mean' }, scaler: 'standard' },
  cv: { folds: 5, scoring: 'auc_roc', shuffle: false, split_folds: 'auto' },
} as SweepContext;

const regression: SweepContext = {
  v: 1,
  dataset: {
    train: 'b'.repeat(64),
    test: 'c'.repeat(64),
    formats: { train: 'csv', test: 'parquet' },
    target: 'y',
    columns: { drop: ['id'] },
    delimiter: ';',
    max_classes: 3,
    split: null,
  },
  pipeline: { scaler: 'none' },
  cv: { folds: 0, scoring: 'r2', shuffle: true },
  task: 'regression',
  limits: { memory_mb: 512, timeout_s: 10 },
} as SweepContext;

describe('trialCacheKey', () => {
  // Keys computed by the version before the per-context frame (round 5): cached results stay found.
  const cases: Array<[string, SweepContext, Parameters<typeof trialCacheKey>[1], string, string]> = [
    [
      'a classification trial',
      classification,
      { model: 'logistic_regression', params: { C: 0.5, max_iter: 100 }, seed: 7 },
      'h1',
      'df89d38ea9ccc0ed9eeeca06baf9b67bd416536a84d6ec5bd6d11d3586804c52',
    ],
    [
      'nested and null params',
      classification,
      { model: 'random_forest', params: { n_estimators: 10, max_depth: null, z: [1, 2], a: { y: 1, b: 'x' } }, seed: 0 },
      'h1',
      '1313d02ce9a31c3a2592301386532a7fd0065d7fe7b233d3020b677368a1e93b',
    ],
    [
      'every dataset field, another learner hash',
      regression,
      { model: 'ridge', params: {}, seed: 4294967295 },
      'other-hash',
      '4961dd3271fd28a629bdfed10a0a2451d69b65b41069a5964b0700499178d335',
    ],
    [
      'the same context with another learner hash',
      regression,
      { model: 'ridge', params: { alpha: 1e-7 }, seed: 1.5 },
      'h1',
      'fc6d0f123851e785892a79dfc95f065126bc92226b48169ea402c1347f50d013',
    ],
  ];
  for (const [what, context, trial, learnerHash, key] of cases) {
    it(`keeps the key of ${what}`, () => {
      assert.equal(trialCacheKey(context, trial, learnerHash), key);
      // Twice: the second call uses the context's cached frame.
      assert.equal(trialCacheKey(context, trial, learnerHash), key);
    });
  }

  it('changes with the context, not only with the trial', () => {
    const trial = { model: 'logistic_regression', params: { C: 1 }, seed: 1 };
    const other = { ...classification, cv: { ...classification.cv, folds: 3 } };
    assert.notEqual(trialCacheKey(classification, trial, 'h'), trialCacheKey(other, trial, 'h'));
  });
});
