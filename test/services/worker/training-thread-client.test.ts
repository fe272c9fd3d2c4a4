import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrainingThreadClient } from '../../../services/worker/training-thread-client.js';

describe('TrainingThreadClient', () => {
  it('is reserved by one trial at a time, synchronously', () => {
    const thread = new TrainingThreadClient();
    assert.equal(thread.tryReserve(), true);
    assert.equal(thread.busy, true);
    assert.equal(thread.tryReserve(), false, 'a second trial cannot take it while the first downloads its data');
    thread.unreserve();
    assert.equal(thread.tryReserve(), true);
    thread.unreserve();
  });
});
