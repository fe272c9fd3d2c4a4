/**
 * SlotPool: training slots handed out first come, first served; a freed slot goes straight to the
 * next waiting job; waiters are sent away (their jobs back to the queue) on demand and on close.
 * The slots are real TrainingSlots that never start a process (no trial runs here).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlotPool } from '../../../services/worker/slot-pool.js';
import { TrainingSlot } from '../../../services/worker/training-slot.js';
import { SweepqError } from '../../../shared/errors/index.js';

const isCancelled = (error: unknown): boolean => error instanceof SweepqError && error.code === 'CANCELLED';

describe('SlotPool', () => {
  it('hands out free slots at once, then queues requests and serves them in order as slots free up', async () => {
    const a = new TrainingSlot();
    const b = new TrainingSlot();
    const pool = new SlotPool([a, b]);
    assert.equal(await pool.acquire(), a);
    assert.equal(await pool.acquire(), b);
    const served: string[] = [];
    const first = pool.acquire().then((slot) => served.push(`first:${slot === a ? 'a' : 'b'}`));
    const second = pool.acquire().then((slot) => served.push(`second:${slot === a ? 'a' : 'b'}`));
    assert.equal(pool.waiting, 2);
    pool.release(b);
    await first;
    assert.equal(b.busy, true, 'handed straight on: still reserved');
    pool.release(a);
    await second;
    assert.deepEqual(served, ['first:b', 'second:a']);
    pool.release(a);
    pool.release(b);
    assert.equal(a.busy || b.busy, false, 'freed when nobody waits');
  });

  it('sends waiters away on demand and stays usable', async () => {
    const slot = new TrainingSlot();
    const pool = new SlotPool([slot]);
    await pool.acquire();
    const waiting = pool.acquire();
    pool.handBackWaiting();
    await assert.rejects(waiting, isCancelled);
    assert.equal(pool.waiting, 0);
    pool.release(slot);
    assert.equal(await pool.acquire(), slot);
  });

  it('refuses requests after close and sends waiters away', async () => {
    const slot = new TrainingSlot();
    const pool = new SlotPool([slot]);
    await pool.acquire();
    const waiting = pool.acquire();
    pool.close();
    await assert.rejects(waiting, isCancelled);
    pool.release(slot);
    await assert.rejects(pool.acquire(), isCancelled);
  });
});
