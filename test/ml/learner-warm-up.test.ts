/**
 * The training process's idle warm-up (learner-warm-up.ts, issue 13 item 5) runs in small steps and
 * leaves nothing behind that a trial reads: a trial's results are the same after it as before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeClassification } from '../../shared/ml/dataset/make-classification.js';
import { takeRows } from '../../shared/ml/dataset/dataset.js';
import { trainTestSplit } from '../../shared/ml/dataset/train-test-split.js';
import { learnerWarmUp } from '../../shared/ml/learner-warm-up.js';
import { asTabular, runTrial, type TrialInput } from '../../shared/ml/run-trial.js';

function forestTrial(): TrialInput {
  const data = makeClassification({ n_samples: 400, n_features: 6, n_informative: 4, n_redundant: 1, random_state: 7 });
  const split = trainTestSplit(data.y, data.classes.length, { testSize: 0.25, randomState: 7, stratify: true });
  return {
    train: asTabular(takeRows(data, split.train)),
    test: asTabular(takeRows(data, split.test)),
    pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
    model: 'random_forest',
    params: { n_estimators: 5 },
    seed: 3,
    cv: { folds: 3, scoring: 'accuracy' },
  };
}

describe('learnerWarmUp', () => {
  it('runs in many small steps and changes no trial result', () => {
    const before = runTrial(forestTrial());
    let steps = 0;
    for (const _ of learnerWarmUp()) steps++;
    const after = runTrial(forestTrial());
    // One step per small fit: a task arriving mid-warm-up waits for one of them, not for the whole.
    assert.ok(steps >= 20, `expected many steps, got ${steps}`);
    assert.deepEqual(after.metrics, before.metrics);
    assert.deepEqual(after.cvScores, before.cvScores);
    assert.equal(JSON.stringify(after.pipeline), JSON.stringify(before.pipeline));
  });
});
