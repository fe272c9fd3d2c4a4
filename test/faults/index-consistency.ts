/**
 * The agreement a fault must never break, checked on whatever state Redis holds at the moment (also a
 * mid-sweep state restored from a crash), not only on a finished sweep: the sweep's counters equal
 * the statuses of its trial hashes, the completion log has exactly one terminal event per terminal
 * trial (and none for the others), the leaderboard holds exactly the completed trials, and every
 * completed trial's artefact can be read from the store.
 * Not a test file itself (no `.test.` in the name), so the runner does not execute it.
 */
import assert from 'node:assert/strict';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MetricsIndex } from '../../shared/index/index.js';
import type { TrialRecord, TrialStatus } from '../../shared/schemas/trial.schema.js';
import type { SweepService } from '../../shared/sweep/sweep-service.js';
import { waitFor } from './fault-harness.js';

/** Statuses that end a trial (a sweep is finished when their counts reach its total). */
export const TERMINAL_STATUSES: ReadonlySet<TrialStatus> = new Set(['completed', 'failed', 'cancelled', 'pruned', 'quarantined']);

const COUNTED: readonly TrialStatus[] = ['active', 'completed', 'failed', 'cancelled', 'pruned', 'quarantined'];

export interface IndexSnapshot {
  trials: TrialRecord[];
  /** Raw counters of the sweep hash. */
  counters: Record<TrialStatus, number>;
  created: number;
  total: number;
}

/** Asserts the agreement above for one sweep and returns what it read. */
export async function assertIndexConsistent(service: SweepService, index: MetricsIndex, redis: Redis, sweepId: string): Promise<IndexSnapshot> {
  const hash = await redis.hgetall(index.keys.sweep(sweepId));
  const total = Number(hash.total);
  const created = Number(hash.created ?? 0);
  assert.ok(Number.isInteger(total) && total > 0, `sweep ${sweepId} has a total`);
  const indices: number[] = [];
  for (let i = 0; i < created; i++) indices.push(i);
  const trials = await index.trials.getMany(sweepId, indices);
  assert.equal(trials.length, created, 'a hash for every created trial');

  const byStatus = new Map<TrialStatus, number>();
  for (const t of trials) byStatus.set(t.status, (byStatus.get(t.status) ?? 0) + 1);
  const counters = {} as Record<TrialStatus, number>;
  for (const status of COUNTED) {
    counters[status] = Number(hash[status] ?? 0);
    // Uncreated trials of a cancelled sweep are counted as cancelled without a hash.
    const uncounted = status === 'cancelled' ? Number(hash.uncreatedCancelled ?? 0) : 0;
    assert.equal(counters[status], (byStatus.get(status) ?? 0) + uncounted, `counter ${status} = trial hashes in status ${status}`);
  }
  counters.queued = total - COUNTED.reduce((sum, s) => sum + counters[s], 0);
  assert.ok(counters.queued >= 0, 'the counters never exceed the total');

  const terminalEvents = new Map<number, number>();
  for (const event of await index.log.readAll(sweepId)) {
    if (TERMINAL_STATUSES.has(event.s) && event.u === undefined) terminalEvents.set(event.i, (terminalEvents.get(event.i) ?? 0) + 1);
  }
  for (const t of trials) {
    const expected = TERMINAL_STATUSES.has(t.status) ? 1 : 0;
    assert.equal(terminalEvents.get(t.index) ?? 0, expected, `trial ${t.index} (${t.status}) has ${expected} terminal event(s) in the completion log`);
  }
  for (const i of terminalEvents.keys()) assert.ok(i < created, `terminal event of uncreated trial ${i}`);

  const completed = trials.filter((t) => t.status === 'completed');
  const board = await redis.zrange(index.keys.best(sweepId), 0, -1);
  assert.deepEqual(
    board.map(Number).sort((x, y) => x - y),
    completed.map((t) => t.index),
    'the leaderboard holds exactly the completed trials',
  );
  for (const t of completed) {
    assert.ok(t.metrics !== null, `${t.id} has metrics`);
    assert.ok((await service.artifact(sweepId, t.id)).length > 0, `${t.id} has its artefact in the store`);
  }
  return { trials, counters, created, total };
}

/**
 * Nothing is left behind in BullMQ once a sweep finished: no job waiting, active, delayed or
 * prioritized (the last job's move to completed may trail the commit by a round trip, hence the wait).
 */
export async function assertQueueDrained(queue: Queue, timeoutMs = 15_000): Promise<void> {
  let last: Record<string, number> = {};
  try {
    await waitFor(
      'the trial queue to drain',
      async () => {
        last = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
        return Object.values(last).every((n) => n === 0);
      },
      timeoutMs,
      100,
    );
  } catch (error) {
    throw new Error(`jobs left in the queue after the sweep finished: ${JSON.stringify(last)}`, { cause: error });
  }
}
