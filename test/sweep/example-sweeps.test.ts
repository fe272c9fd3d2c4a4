/** The example sweeps in sweeps/ must always load and expand: they are the documentation users copy. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { expandTrials } from '../../shared/search/expand-trials.js';
import { loadSweepFile } from '../../shared/sweep/load-sweep-file.js';

const SWEEPS = resolve(process.cwd(), 'sweeps');
const EXPECTED_TRIALS: Record<string, number> = {
  'loan-default.yaml': 5,
  'loan-default-sklearn.yaml': 5,
  'rf-grid.yaml': 12,
  'random-search.yaml': 20,
  'penguins-species.yaml': 7,
  'penguins-mass.yaml': 8,
  'tpe-boosting.yaml': 40,
  'asha-forest.yaml': 24,
  'asha-boosting.yaml': 30,
};

describe('example sweeps', () => {
  it('lists every example here', () => {
    const files = readdirSync(SWEEPS)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    assert.deepEqual(files, Object.keys(EXPECTED_TRIALS).sort());
  });

  for (const [file, trials] of Object.entries(EXPECTED_TRIALS)) {
    it(`${file} loads and expands to ${trials} trials`, async () => {
      const { spec } = await loadSweepFile(resolve(SWEEPS, file));
      const plans = expandTrials(spec, { maxTrials: 10_000 });
      assert.equal(plans.length, trials);
      assert.equal(new Set(plans.map((p) => p.name)).size, trials);
    });
  }

  it('loan-default.yaml reproduces the seed experiment', async () => {
    const { spec, files } = await loadSweepFile(resolve(SWEEPS, 'loan-default.yaml'));
    assert.deepEqual(files, []);
    assert.equal(spec.name, 'loan_default_predictor');
    assert.deepEqual(spec.dataset.missing, [
      { column: 2, rows: [50, 70] },
      { column: 7, rows: [200, 220] },
    ]);
    assert.deepEqual(spec.objective, { metric: 'auc_roc', goal: 'maximize' });
    assert.deepEqual(
      expandTrials(spec, { maxTrials: 10 }).map((p) => [p.name, p.params]),
      [
        ['LogisticRegression_C1', { C: 1.0, max_iter: 500 }],
        ['LogisticRegression_C0.1', { C: 0.1, max_iter: 500 }],
        ['RandomForest_100', { n_estimators: 100, max_depth: null }],
        ['RandomForest_d5', { n_estimators: 100, max_depth: 5 }],
        ['GradientBoosting', { n_estimators: 100, learning_rate: 0.1 }],
      ],
    );
  });
});
