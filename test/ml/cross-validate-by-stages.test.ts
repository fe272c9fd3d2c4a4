/**
 * CV by stages under a pruner: the folds grow in lockstep and are judged at each rung without a refit.
 * The scores at a rung must be those of the same model trained with n_estimators = the rung's
 * resource, and a trial that passes every rung must end with plain CV's scores exactly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { takeRows } from '../../shared/ml/dataset/dataset.js';
import { makeClassification } from '../../shared/ml/dataset/make-classification.js';
import { crossValidateByStages, type RungScores } from '../../shared/ml/cross-validate-by-stages.js';
import { runTrial, type TrialInput } from '../../shared/ml/run-trial.js';

const all = makeClassification({ n_samples: 160, n_features: 6, n_informative: 3, n_redundant: 1, random_state: 4 });
const train = takeRows(
  all,
  Uint32Array.from({ length: 120 }, (_, i) => i),
);
const test = takeRows(
  all,
  Uint32Array.from({ length: 40 }, (_, i) => 120 + i),
);

function input(model: 'gradient_boosting' | 'random_forest', nEstimators: number): TrialInput {
  return {
    train,
    test,
    pipeline: { imputer: { strategy: 'median', fill_value: 0 }, scaler: 'standard' },
    model,
    params: model === 'gradient_boosting' ? { n_estimators: nEstimators, max_depth: 2, subsample: 0.8 } : { n_estimators: nEstimators, max_depth: 4 },
    seed: 11,
    cv: { folds: 3, scoring: 'auc_roc' },
  };
}

describe('crossValidateByStages', () => {
  for (const model of ['gradient_boosting', 'random_forest'] as const) {
    it(`${model}: rung scores equal a model trained to the rung, and the final scores equal plain CV`, async () => {
      const seen: RungScores[] = [];
      const outcome = await crossValidateByStages(input(model, 18), [2, 6], (rung) => {
        seen.push(rung);
        return Promise.resolve({ action: 'continue' });
      });
      assert.equal(outcome.pruned, false);
      assert.deepEqual(
        seen.map((r) => r.resource),
        [2, 6],
      );
      for (const rung of seen) assert.deepEqual(rung.folds, runTrial(input(model, rung.resource)).cvScores, `rung ${rung.resource}`);
      if (!outcome.pruned) assert.deepEqual(outcome.cvScores, runTrial(input(model, 18)).cvScores);
    });
  }

  it('scaled_trees: a rung is a fresh fit of r trees at min(1, learning_rate · N / r), and the final scores equal plain CV', async () => {
    const full = { ...input('gradient_boosting', 18), params: { n_estimators: 18, max_depth: 2, subsample: 0.8, learning_rate: 0.05 } };
    const seen: RungScores[] = [];
    const outcome = await crossValidateByStages(
      full,
      [2, 6],
      (rung) => {
        seen.push(rung);
        return Promise.resolve({ action: 'continue' });
      },
      'scaled_trees',
    );
    // Rung 2: 0.05 · 18 / 2 = 0.45; rung 6: 0.15.
    const expected = [
      { trees: 2, rate: 0.45 },
      { trees: 6, rate: 0.15 },
    ];
    for (let i = 0; i < expected.length; i++) {
      const { trees, rate } = expected[i]!;
      const plain = runTrial({ ...full, params: { ...full.params, n_estimators: trees, learning_rate: rate } }).cvScores;
      for (let f = 0; f < plain.length; f++) assert.ok(Math.abs(seen[i]!.folds[f]! - plain[f]!) < 1e-12, `rung ${trees}, fold ${f}`);
      // Not the first r trees of the full model (those are the n_estimators resource's).
      assert.notDeepEqual(seen[i]!.folds, runTrial({ ...full, params: { ...full.params, n_estimators: trees } }).cvScores);
    }
    if (!outcome.pruned) assert.deepEqual(outcome.cvScores, runTrial(full).cvScores);
    else assert.fail('no rung stopped the trial');
  });

  it('stops at the rung whose verdict is stop, keeping the history so far', async () => {
    const outcome = await crossValidateByStages(input('random_forest', 30), [3, 9], (rung) =>
      Promise.resolve(rung.resource === 9 ? { action: 'stop', explanation: 'stopped at rung 1' } : { action: 'continue' }),
    );
    assert.equal(outcome.pruned, true);
    assert.deepEqual(
      outcome.history.map((r) => r.resource),
      [3, 9],
    );
    if (outcome.pruned) assert.equal(outcome.explanation, 'stopped at rung 1');
  });

  it('never judges a rung at or past the trial n_estimators', async () => {
    const seen: number[] = [];
    const outcome = await crossValidateByStages(input('gradient_boosting', 5), [2, 6], (rung) => {
      seen.push(rung.resource);
      return Promise.resolve({ action: 'continue' });
    });
    assert.deepEqual(seen, [2]);
    if (!outcome.pruned) assert.deepEqual(outcome.cvScores, runTrial(input('gradient_boosting', 5)).cvScores);
  });
});
