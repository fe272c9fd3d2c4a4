/**
 * Guarantee: Redis can crash or restart mid-sweep. With AOF (appendfsync everysec) every trial that
 * was reported completed more than an fsync period before a crash (and every one at all before a
 * graceful stop) is still completed afterwards; workers and the service reconnect by themselves
 * (ioredis retry strategy, blocking worker connections wait instead of failing), trials whose commit
 * was lost are re-run through the stalled check and the fenced claim, and the sweep finishes with
 * every trial counted once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MetricsIndex } from '../../shared/index/index.js';
import type { SweepStatus } from '../../shared/schemas/sweep-status.schema.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import type { SweepService } from '../../shared/sweep/sweep-service.js';
import { startRedisServer, type TestRedisServer } from '../support/servers.js';
import { allTrials, assertCompletedExactlyOnce, forestSweepSpec, sleep, waitFor } from './fault-harness.js';
import { FaultCluster } from './fault-cluster.js';

const TRIALS = 14;

/** Status through the service, tolerating the moments when Redis is still coming back. */
function waitForState(service: SweepService, sweepId: string, accept: (s: SweepStatus) => boolean, timeoutMs: number): Promise<SweepStatus> {
  return waitFor(
    `sweep ${sweepId} to reach the expected state`,
    async () => {
      const status = await service.status(sweepId);
      return accept(status) ? status : undefined;
    },
    timeoutMs,
    100,
  );
}

/** Completed trials by index, read once Redis answers again. */
function readCompleted(index: MetricsIndex, sweepId: string): Promise<Map<number, TrialRecord>> {
  return waitFor('the trial records', async () => completedOf(await allTrials(index, sweepId, TRIALS)), 10_000, 100);
}

function completedOf(trials: readonly TrialRecord[]): Map<number, TrialRecord> {
  const out = new Map<number, TrialRecord>();
  for (const t of trials) if (t.status === 'completed') out.set(t.index, t);
  return out;
}

describe('Redis crash and restart mid-sweep (AOF everysec)', () => {
  let server: TestRedisServer;
  let cluster: FaultCluster;

  before(async () => {
    server = await startRedisServer({ appendonly: true });
    cluster = await FaultCluster.start('redis-restart', {
      env: { REDIS_URL: server.url, SWEEPQ_LOCK_DURATION_MS: '3000', SWEEPQ_STALLED_INTERVAL_MS: '1000' },
    });
    cluster.redis.on('error', () => undefined); // refused reconnects while Redis is down are expected here
  });
  after(async () => {
    await cluster.close();
    await server.stop();
  });

  it('keeps every reported result across a crash and a restart, and finishes the sweep', async (t) => {
    const { service, redis, index, fleet } = cluster;
    const submitted = await service.submit(forestSweepSpec({ name: 'redis-restart', trials: TRIALS, nEstimators: 40 }));
    fleet.spawn();
    fleet.spawn();

    // 1. Crash (SIGKILL). What a client saw completed 1.5 s before the crash is past the everysec fsync.
    await waitForState(service, submitted.sweepId, (s) => s.counts.completed >= 2, 40_000);
    const seenBeforeCrash = await readCompleted(index, submitted.sweepId);
    await sleep(1500);
    await server.kill('SIGKILL');
    const crashedAt = Date.now();
    await sleep(1000);
    await server.restart();
    const upAfterCrashMs = Date.now() - crashedAt;

    const afterCrash = await readCompleted(index, submitted.sweepId);
    for (const [i, before] of seenBeforeCrash) assert.deepEqual(afterCrash.get(i), before, `trial ${i} survived the crash unchanged`);
    const progressed = await waitForState(service, submitted.sweepId, (s) => s.counts.completed > afterCrash.size, 30_000);
    t.diagnostic(
      `crash: ${seenBeforeCrash.size} results kept, Redis back after ${upAfterCrashMs} ms, new completion ${Date.now() - crashedAt} ms after the crash`,
    );
    assert.ok(progressed.counts.completed > afterCrash.size, 'workers reconnected by themselves');

    // 2. Graceful restart (SIGTERM flushes the AOF): nothing completed before it is lost.
    const seenBeforeStop = await readCompleted(index, submitted.sweepId);
    if (seenBeforeStop.size < TRIALS) {
      const stoppedAt = Date.now();
      await server.kill('SIGTERM');
      await sleep(1000);
      await server.restart();
      const afterStop = await readCompleted(index, submitted.sweepId);
      for (const [i, before] of seenBeforeStop) assert.deepEqual(afterStop.get(i), before, `trial ${i} survived the restart unchanged`);
      t.diagnostic(`graceful restart: ${seenBeforeStop.size} results kept, down ${Date.now() - stoppedAt} ms`);
    }

    const final = await waitForState(service, submitted.sweepId, (s) => s.state === 'completed', 50_000);
    assert.equal(final.counts.completed, TRIALS);
    const trials = await assertCompletedExactlyOnce(service, index, redis, submitted.sweepId, TRIALS);
    const rerun = trials.filter((trial) => trial.attempt > 1).length;
    t.diagnostic(`sweep finished; ${rerun} trial(s) re-ran after losing their lock or commit`);

    // The in-process service keeps working on the restarted server: a new sweep end to end.
    const again = await service.submit(forestSweepSpec({ name: 'after-restart', trials: 2, nEstimators: 10 }));
    const done = await waitForState(service, again.sweepId, (s) => s.state === 'completed', 30_000);
    assert.equal(done.counts.completed, 2);
  });

  it('lets one long trial survive three Redis restarts while it trains: completed, not failed or quarantined', async (t) => {
    const { service, index, fleet } = cluster;
    // One trial of several seconds on one worker: every restart lands while it trains.
    const submitted = await service.submit(forestSweepSpec({ name: 'restarts-during-trial', trials: 1, nEstimators: 400, nSamples: 6000 }));
    fleet.spawn();
    await waitForState(service, submitted.sweepId, (s) => s.counts.active === 1, 30_000);
    for (let restart = 1; restart <= 3; restart++) {
      await sleep(800);
      const status = await service.status(submitted.sweepId).catch(() => null);
      if (status?.state === 'completed') break;
      await server.kill('SIGTERM');
      await sleep(restart === 2 ? 4000 : 800); // the second outage outlasts the 3 s lock
      await server.restart();
      t.diagnostic(`restart ${restart} while the trial trained`);
    }
    const final = await waitForState(service, submitted.sweepId, (s) => s.state === 'completed' || s.counts.failed + s.counts.quarantined > 0, 120_000);
    assert.deepEqual(
      { completed: final.counts.completed, failed: final.counts.failed, quarantined: final.counts.quarantined },
      { completed: 1, failed: 0, quarantined: 0 },
    );
    const [trial] = await allTrials(index, submitted.sweepId, 1);
    t.diagnostic(`the trial completed on attempt ${trial!.attempt}`);
  });
});
