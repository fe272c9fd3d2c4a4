/**
 * programRunOf (issue 14 item 2): how a program trial's record reads on the trial page and in the CLI —
 * a completed trial's kept tails and exit code; a failed one's reason, exit or signal and quoted tail
 * taken apart from the error the worker wrote (services/worker/program/program-trial.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastLines, programRunOf } from '../../shared/program/program-run.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';

function trial(change: Partial<TrialRecord>): TrialRecord {
  return {
    id: 's-abc123def-t4',
    sweepId: 's-abc123def',
    index: 4,
    name: 'program(lr=0.1)',
    model: 'program',
    entry: 0,
    status: 'failed',
    params: { lr: 0.1, depth: 4 },
    seed: 1,
    metrics: null,
    folds: null,
    timings: null,
    durationMs: null,
    artifact: null,
    attempt: 1,
    retries: 0,
    worker: 'w1',
    startedAt: 1000,
    finishedAt: 3500,
    error: null,
    ...change,
  };
}

describe('programRunOf', () => {
  const failures: Array<[string, string, Partial<ReturnType<typeof programRunOf>>]> = [
    [
      'a non-zero exit quoting stderr',
      'PROGRAM_FAILED: the program exited with code 1; last stderr lines:\nTraceback\nValueError: bad lr\n',
      { failure: 'PROGRAM_FAILED: the program exited with code 1', exitCode: 1, signal: null, stderr: 'Traceback\nValueError: bad lr\n', stdout: null },
    ],
    [
      'an exit 0 without the objective quoting stdout',
      'PROGRAM_FAILED: the program exited 0 without reporting the objective val_auc (print …); last stdout lines:\nepoch 1\n',
      { failure: 'PROGRAM_FAILED: the program exited 0 without reporting the objective val_auc (print …)', exitCode: null, stdout: 'epoch 1\n', stderr: null },
    ],
    [
      'a quarantined crash: the note after the quote stays with the reason',
      'TRAINING_CRASHED: the program was killed by SIGKILL (possibly the kernel OOM killer); last stderr lines:\nallocating\n (crashed 2 times; `sweepq retry` runs it again)',
      {
        failure: 'TRAINING_CRASHED: the program was killed by SIGKILL (possibly the kernel OOM killer) (crashed 2 times; `sweepq retry` runs it again)',
        signal: 'SIGKILL',
        exitCode: null,
        stderr: 'allocating\n',
      },
    ],
    [
      'a program that could not start (no quote)',
      'PROGRAM_FAILED: the program "nope" could not be started: ENOENT',
      { failure: 'PROGRAM_FAILED: the program "nope" could not be started: ENOENT', stderr: null, stdout: null },
    ],
  ];
  for (const [label, error, expected] of failures) {
    it(`reads ${label}`, () => {
      const run = programRunOf(trial({ error }), 'val_auc', null);
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(run[key as keyof typeof run], value, key);
      assert.equal(run.durationMs, 2500, 'a failed trial shows its attempt start to end');
    });
  }

  it("reads a completed trial's kept tails, history and exit, and renders its command", () => {
    const program = {
      history: { val_auc: [[0, 0.5] as [number, number], [1, 0.7] as [number, number]] },
      stdout: 'ok\n',
      stderr: '',
      exitCode: 0,
      files: 1,
      invalidReports: 0,
      firstInvalidReport: null,
    };
    const run = programRunOf(trial({ status: 'completed', durationMs: 900, program }), 'val_auc', [
      'python3',
      'train.py',
      '--lr=${params.lr}',
      '${params.depth}',
    ]);
    assert.deepEqual(run.command, ['python3', 'train.py', '--lr=0.1', '4']);
    assert.equal(run.exitCode, 0);
    assert.equal(run.durationMs, 900);
    assert.equal(run.stderr, '');
    assert.deepEqual(run.history, program.history);
    assert.equal(run.failure, null);
  });

  it('shows no command when the trial lacks a param the command names', () => {
    assert.equal(programRunOf(trial({}), 'val_auc', ['python3', '${params.missing}']).command, null);
  });

  it('lastLines keeps the last N lines, a trailing newline not counting as one', () => {
    assert.deepEqual(lastLines('a\nb\nc\n', 2), ['b', 'c']);
    assert.deepEqual(lastLines('a\n', 5), ['a']);
  });
});
