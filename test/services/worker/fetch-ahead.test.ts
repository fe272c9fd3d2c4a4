/**
 * FetchAhead: off at start; a training shorter than SHORT_TRIAL_MS turns it on (more jobs than slots);
 * a training running past it turns it off there and then and sends the waiting jobs back; depth 0
 * never fetches ahead; block jobs hold one more job per slot, and a block that only commits holds no
 * place. Time is node:test's mocked clock, so nothing here depends on the machine's speed.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { FetchAhead, SHORT_TRIAL_MS } from '../../../services/worker/fetch-ahead.js';

function recorder(slots: number, depth: number): { fetchAhead: FetchAhead; concurrency: number[]; handBacks: number } {
  const state = { concurrency: [] as number[], handBacks: 0, fetchAhead: undefined as unknown as FetchAhead };
  state.fetchAhead = new FetchAhead({
    slots,
    depth,
    setConcurrency: (jobs) => state.concurrency.push(jobs),
    handBackWaiting: () => state.handBacks++,
  });
  return state;
}

describe('FetchAhead', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('turns on after a short training and holds slots × (1 + depth) jobs', () => {
    const r = recorder(2, 8);
    const ended = r.fetchAhead.watchTraining();
    mock.timers.tick(SHORT_TRIAL_MS - 1);
    ended();
    assert.deepEqual(r.concurrency, [18]);
    // Already on: another short training changes nothing.
    r.fetchAhead.watchTraining()();
    assert.deepEqual(r.concurrency, [18]);
    assert.equal(r.handBacks, 0);
  });

  it('turns off as soon as a training runs past the threshold and sends the waiting jobs back', () => {
    const r = recorder(1, 4);
    r.fetchAhead.watchTraining()();
    const ended = r.fetchAhead.watchTraining();
    mock.timers.tick(SHORT_TRIAL_MS);
    assert.deepEqual(r.concurrency, [5, 1], 'off while the long trial still trains');
    assert.equal(r.handBacks, 1);
    ended();
    assert.deepEqual(r.concurrency, [5, 1], 'the long trial ending does not turn it back on');
    r.fetchAhead.watchTraining()();
    assert.deepEqual(r.concurrency, [5, 1, 5], 'the next short trial does');
  });

  it('holds one block job per slot ahead, not counting blocks that only commit', () => {
    const r = recorder(1, 8);
    r.fetchAhead.blockStarted();
    assert.deepEqual(r.concurrency, [2]);
    const first = r.fetchAhead.blockCommitting();
    assert.deepEqual(r.concurrency, [2, 3], 'a block past its trainings frees its place for the next one');
    const second = r.fetchAhead.blockCommitting();
    first();
    first();
    assert.deepEqual(r.concurrency, [2, 3, 4, 3], 'each committed block gives its place back once');
    second();
    assert.deepEqual(r.concurrency, [2, 3, 4, 3, 2]);
  });

  it('never fetches ahead with depth 0', () => {
    const r = recorder(3, 0);
    r.fetchAhead.watchTraining()();
    const ended = r.fetchAhead.watchTraining();
    mock.timers.tick(SHORT_TRIAL_MS * 2);
    ended();
    r.fetchAhead.blockStarted();
    r.fetchAhead.blockCommitting()();
    assert.deepEqual(r.concurrency, []);
    assert.equal(r.handBacks, 0);
  });
});
