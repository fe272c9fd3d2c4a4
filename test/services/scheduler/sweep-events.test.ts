import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SweepStatus } from '../../../shared/schemas/sweep-status.schema.js';
import { SweepEventHub } from '../../../services/scheduler/sweep-events.js';

const INTERVAL_MS = 20;

/** A status with just what the hub reads (state) and a counter that the test moves. */
function statusOf(completed: number): SweepStatus {
  return { state: 'running', counts: { completed } } as unknown as SweepStatus;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('SweepEventHub', () => {
  it('reads a watched sweep once per interval for every page and pushes only changes', async () => {
    let reads = 0;
    let completed = 0;
    const hub = new SweepEventHub({ status: async () => (reads++, statusOf(completed)), intervalMs: INTERVAL_MS, onError: () => undefined });
    const a: string[] = [];
    const b: string[] = [];
    const started = Date.now();
    const stopA = hub.subscribe('s-abcdef1', (_event, data) => a.push(data));
    const stopB = hub.subscribe('s-abcdef1', (_event, data) => b.push(data));
    await until(() => reads >= 4, 'four status reads');
    const elapsed = Date.now() - started;
    // Two pages with a poll each would read about twice per interval.
    assert.ok(reads <= Math.ceil(elapsed / INTERVAL_MS) + 1, `one shared poll: ${reads} reads in ${elapsed} ms`);
    assert.equal(a.length, 1, 'an unchanged status is sent once');
    assert.deepEqual(b, a);
    completed = 1;
    await until(() => a.length === 2 && b.length === 2, 'the change pushed to both pages');
    stopA();
    stopB();
    const readsAtStop = reads;
    await sleep(INTERVAL_MS * 5);
    assert.ok(reads <= readsAtStop + 1, 'the poll stops when the last page leaves');
    hub.close();
  });
});
