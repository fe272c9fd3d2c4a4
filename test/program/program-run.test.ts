/**
 * programRunOf (issue 14 item 2): how a program trial's record reads on the trial page and in the CLI —
 * the structured run record its commit or its failure stored, or, for a failure recorded by an older
 * version (no record), its error text alone.
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
  const record = {
    history: { val_auc: [[0, 0.5] as [number, number]] },
    stdout: 'epoch 1\n',
    stderr: 'Traceback\nValueError: bad lr\n',
    exitCode: 1,
    signal: null,
    durationMs: 2100,
    reason: 'exit' as const,
    files: 0,
    invalidReports: 0,
    firstInvalidReport: null,
  };

  it("reads a failed trial's run record: exit, signal, reason, tails and duration as stored, its error as the failure", () => {
    const error = 'PROGRAM_FAILED: the program exited with code 1';
    const run = programRunOf(trial({ error, program: record }), 'val_auc', null);
    assert.deepEqual(
      {
        exitCode: run.exitCode,
        signal: run.signal,
        reason: run.reason,
        durationMs: run.durationMs,
        stdout: run.stdout,
        stderr: run.stderr,
        failure: run.failure,
      },
      { exitCode: 1, signal: null, reason: 'exit', durationMs: 2100, stdout: 'epoch 1\n', stderr: record.stderr, failure: error },
    );
    assert.deepEqual(run.history, record.history, 'what it reported before failing');
  });

  it("reads a timed-out run's signal and reason", () => {
    const run = programRunOf(
      trial({ error: 'LIMIT_EXCEEDED: …', program: { ...record, exitCode: null, signal: 'SIGTERM', reason: 'timeout' } }),
      'val_auc',
      null,
    );
    assert.deepEqual([run.exitCode, run.signal, run.reason], [null, 'SIGTERM', 'timeout']);
  });

  it('shows an older failed record (no run record) as its error text only, never parsing it', () => {
    const error = 'PROGRAM_FAILED: the program exited with code 1; last stderr lines:\nTraceback\nValueError: bad lr\n';
    const run = programRunOf(trial({ error }), 'val_auc', null);
    assert.deepEqual(
      { exitCode: run.exitCode, signal: run.signal, reason: run.reason, stdout: run.stdout, stderr: run.stderr, failure: run.failure },
      { exitCode: null, signal: null, reason: null, stdout: null, stderr: null, failure: error },
    );
    assert.equal(run.durationMs, 2500, 'without a record, the attempt start to end');
  });

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
