/**
 * sweeps/program-example runs as a user runs it: `sweepq run` on the embedded default, its own two
 * workers running the user's standard-library Python script in the sweep's folder (issue 14).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SweepStatus } from '../../shared/schemas/sweep-status.schema.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import { runCli } from '../support/processes.js';

describe('sweeps/program-example', () => {
  let stateDir: string;
  before(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-program-example-'));
  });
  after(() => rm(stateDir, { recursive: true, force: true }));

  it('runs with `sweepq run`: every trial completes with its per-epoch history', async () => {
    const result = await runCli(['run', 'sweeps/program-example/sweep.yaml', '--workers', '2', '--json'], { SWEEPQ_STATE_DIR: stateDir }, 240_000);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { status: SweepStatus; trials: TrialRecord[]; best: TrialRecord | null; artifact?: string };
    assert.equal(out.status.task, 'program');
    assert.equal(out.status.counts.completed, 6, JSON.stringify(out.status.counts));
    assert.equal(out.artifact, undefined, 'a program trial is not saved as a model to predict with');
    for (const trial of out.trials) {
      assert.equal(trial.model, 'program');
      const epochs = trial.params.epochs as number;
      assert.equal(trial.program?.history.val_accuracy?.length, epochs);
      assert.equal(trial.program?.files, 1, 'weights.json stored');
      assert.match(trial.program?.stdout ?? '', /epoch \d+: accuracy/);
      assert.ok((trial.metrics?.val_accuracy ?? 0) > 0.5, `${trial.name}: ${trial.metrics?.val_accuracy}`);
    }
    assert.equal(out.best?.id, out.trials[0]!.id, 'trials are listed best first');
  });
});
