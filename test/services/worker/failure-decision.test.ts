import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepqError } from '../../../shared/errors/index.js';
import { decideFailure } from '../../../services/worker/failure-decision.js';
import { LOCAL_FAULT_DELAY_MS, QUARANTINE_AFTER_CRASHES, type RunningAttempt } from '../../../services/worker/running-attempt.js';

function attempt(abortReason: RunningAttempt['abortReason'] = null): RunningAttempt {
  return { sweepId: 's', cancelEpoch: 0, stop: () => Promise.resolve(), abortReason, pastWork: false };
}

/** A crash counter that has seen `before` crashes and counts calls. */
function crashes(before: number): { count: () => Promise<number>; calls: number } {
  const counter = { calls: 0, count: () => Promise.resolve(before + ++counter.calls) };
  return counter;
}

describe('decideFailure', () => {
  it('aborts on a cancel whatever the error, and hands back on a shutdown without counting a crash', async () => {
    const counter = crashes(5);
    const crashed = new SweepqError('TRAINING_CRASHED', 'killed');
    assert.deepEqual(await decideFailure(attempt('cancel'), crashed, { lastAttempt: true, countCrash: counter.count }), { kind: 'cancel' });
    const back = await decideFailure(attempt('shutdown'), crashed, { lastAttempt: true, countCrash: counter.count });
    assert.equal(back.kind, 'hand-back');
    assert.equal(back.kind === 'hand-back' && back.delayMs, 0);
    assert.equal(counter.calls, 0);
  });

  it('hands a local disk fault back after a delay, naming the fault for the worker to pause on', async () => {
    const fault = new SweepqError('LOCAL_IO', 'ENOSPC');
    const decision = await decideFailure(attempt(), fault, { lastAttempt: true, countCrash: crashes(0).count });
    assert.deepEqual(decision, { kind: 'hand-back', code: 'LOCAL_IO', message: 'ENOSPC', delayMs: LOCAL_FAULT_DELAY_MS, localFault: fault });
  });

  it(`retries a first training crash and quarantines the trial at crash ${QUARANTINE_AFTER_CRASHES}`, async () => {
    const crashed = new SweepqError('TRAINING_CRASHED', 'killed by SIGSEGV');
    assert.equal((await decideFailure(attempt(), crashed, { lastAttempt: false, countCrash: crashes(0).count })).kind, 'retry');
    const quarantined = await decideFailure(attempt(), crashed, { lastAttempt: false, countCrash: crashes(QUARANTINE_AFTER_CRASHES - 1).count });
    assert.equal(quarantined.kind, 'quarantine');
    assert.match(
      quarantined.kind === 'quarantine' ? quarantined.reason : '',
      /^TRAINING_CRASHED: killed by SIGSEGV \(crashed \d+ times; `sweepq retry` runs it again\)$/,
    );
  });

  it('fails a retryable error on the last attempt, and a non-retryable one at once', async () => {
    const flaky = new SweepqError('TRAINING_CRASHED', 'gone');
    assert.equal((await decideFailure(attempt(), flaky, { lastAttempt: true, countCrash: crashes(0).count })).kind, 'fail');
    const bad = await decideFailure(attempt(), new SweepqError('INVALID_SPEC', 'no such column'), { lastAttempt: false, countCrash: crashes(0).count });
    assert.deepEqual(bad, { kind: 'fail', code: 'INVALID_SPEC', message: 'no such column', reason: 'INVALID_SPEC: no such column' });
    // An unexpected error is INTERNAL: retried while attempts remain, then failed.
    assert.equal((await decideFailure(attempt(), new Error('boom'), { lastAttempt: false, countCrash: crashes(0).count })).kind, 'retry');
    const plain = await decideFailure(attempt(), new Error('boom'), { lastAttempt: true, countCrash: crashes(0).count });
    assert.equal(plain.kind === 'fail' && plain.reason, 'INTERNAL: boom');
  });
});
