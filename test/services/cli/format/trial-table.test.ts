/** The leaderboard `sweepq run` and `sweepq trials` print: which columns a sweep's trials get. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTrialTable } from '../../../../services/cli/format/trial-table.js';
import type { TrialRecord } from '../../../../shared/schemas/trial.schema.js';

function trial(index: number, model: TrialRecord['model'], metrics: Record<string, number>): TrialRecord {
  return {
    id: `s-abc123def-t${index}`,
    sweepId: 's-abc123def',
    index,
    name: `trial_${index}`,
    model,
    entry: 0,
    status: 'completed',
    params: {},
    seed: index,
    metrics,
    folds: null,
    timings: null,
    durationMs: 1200,
    artifact: null,
    attempt: 1,
    retries: 0,
    worker: null,
    startedAt: null,
    finishedAt: null,
    error: null,
  };
}

describe('renderTrialTable', () => {
  it('shows the cv column when trials have CV scores, and none of dashes when no trial has one (program sweeps)', () => {
    const trained = renderTrialTable([trial(0, 'random_forest', { accuracy: 0.9, cv_mean: 0.88, cv_std: 0.01 })]);
    assert.match(trained.split('\n')[0]!, / cv +duration$/);
    assert.match(trained.split('\n')[1]!, /0\.8800±0\.0100 +1\.2s$/);
    const program = renderTrialTable([trial(0, 'program', { val_loss: 0.2 }), trial(1, 'program', { val_loss: 0.3 })]);
    assert.doesNotMatch(program.split('\n')[0]!, / cv /);
    assert.match(program.split('\n')[1]!, /0\.2000 +1\.2s$/);
  });
});
