/** The leaderboard `sweepq run` and `sweepq trials` print: which columns a sweep's trials get. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTrialTable } from '../../../../services/cli/format/trial-table.js';
import type { TrialRecord } from '../../../../shared/schemas/trial.schema.js';
import { trialRecord } from '../../../support/trial-record.js';

function trial(index: number, model: TrialRecord['model'], metrics: Record<string, number>): TrialRecord {
  return trialRecord(index, { model, metrics });
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

  it("labels a pruned trial's CV with the rung it stopped at, so it is not read as a full score", () => {
    const full = { ...trial(0, 'random_forest', { accuracy: 0.9, cv_mean: 0.88, cv_std: 0.01 }), params: { n_estimators: 81 } };
    const rungs = [
      { resource: 9, mean: 0.9, folds: [0.9] },
      { resource: 27, mean: 0.95, folds: [0.95] },
    ];
    const stopped: TrialRecord = {
      ...trial(1, 'random_forest', { cv_mean: 0.95, cv_std: 0.02 }),
      status: 'pruned',
      params: { n_estimators: 81 },
      pruning: { reason: 'stopped at rung 1 (resource 27): …', rungs, scoredAt: { rung: 1, resource: 27 } },
    };
    // A record from a server without scoredAt: the last rung says the same.
    const older: TrialRecord = { ...stopped, index: 2, id: 's-abc123def-t2', pruning: { rungs } };
    const lines = renderTrialTable([full, stopped, older]).split('\n');
    assert.match(lines[1]!, / 0\.8800±0\.0100 +1\.2s$/);
    assert.match(lines[2]!, / 0\.9500±0\.0200 @ rung 1 \(27 of 81 trees\) +1\.2s$/);
    assert.match(lines[3]!, / 0\.9500±0\.0200 @ rung 1 \(27 of 81 trees\) +1\.2s$/);
    const program = renderTrialTable([{ ...stopped, model: 'program', metrics: { loss: 0.1, cv_mean: 0.5 } }]);
    assert.match(program, /0\.5000 @ step 27/);
  });
});
