/**
 * Stranded trials are repaired (issue 8, finding 3). Each case damages the queue/index agreement the
 * way a crash would — a job lost between the index and BullMQ, a retry interrupted between re-queueing
 * and enqueueing, a sweep dropped from the feeding set, an active trial whose attempt is gone — and
 * the reconciler (or `retry`) repairs it, after which the sweep finishes with every trial once.
 * On the code before the reconciler each of these sweeps stayed unfinished forever.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { trialJobId } from '../../shared/queue/index.js';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { FaultCluster } from './fault-cluster.js';
import { assertCompletedExactlyOnce, forestSweepSpec } from './fault-harness.js';

describe('reconciler', () => {
  let cluster: FaultCluster;

  before(async () => {
    cluster = await FaultCluster.start('reconciler', { queue: true, env: { SWEEPQ_RECONCILE_INTERVAL_MS: '3600000' } });
  });
  after(() => cluster.close());

  /** Two passes: the reconciler repairs a trial only when two consecutive passes find it stranded. */
  async function reconcileTwice(): Promise<{ rejobbed: number; reset: number; refed: number }> {
    const first = await cluster.service.reconciler.runOnce();
    const second = await cluster.service.reconciler.runOnce();
    assert.ok(first !== null && second !== null, 'the test service leads');
    return { rejobbed: first.rejobbed + second.rejobbed, reset: first.reset + second.reset, refed: first.refed + second.refed };
  }

  it('gives a queued trial whose job vanished a new job, and only after two passes', async () => {
    const { service, queue } = cluster;
    const { sweepId } = await service.submit(forestSweepSpec({ name: 'lost-job', trials: 3, nEstimators: 10 }));
    assert.equal(await queue.remove(trialJobId(`${sweepId}-t1`, 0)), 1, 'the job of trial 1 is lost');
    const first = await service.reconciler.runOnce();
    assert.equal(first?.rejobbed, 0, 'one pass only marks it a suspect');
    const second = await service.reconciler.runOnce();
    assert.equal(second?.rejobbed, 1);
    assert.equal(await queue.getJobState(trialJobId(`${sweepId}-t1`, 1)), 'waiting', 'its new job, with a fresh id');
    cluster.fleet.spawn();
    await waitForSweep(service, sweepId, 60_000);
    await assertCompletedExactlyOnce(service, cluster.index, cluster.redis, sweepId, 3);
  });

  it('lets `retry` repair trials a previous retry re-queued but never enqueued', async () => {
    const { service, index } = cluster;
    const { sweepId } = await service.submit(forestSweepSpec({ name: 'half-retry', trials: 2, nEstimators: 10 }));
    await waitForSweep(service, sweepId, 60_000);
    // A failed trial, and a retry that died after its Lua step: queued, retries bumped, no job.
    await cluster.redis.hset(index.keys.trial(sweepId, 0), 'status', 'failed');
    await cluster.redis.hincrby(index.keys.sweep(sweepId), 'completed', -1);
    await cluster.redis.hincrby(index.keys.sweep(sweepId), 'failed', 1);
    await index.transitions.requeue(sweepId);
    assert.equal((await index.trials.get(sweepId, 0))!.status, 'queued');
    const second = await service.retry(sweepId);
    assert.equal(second.requeued, 1, 'the stranded trial counts as repaired');
    await waitForSweep(service, sweepId, 60_000);
    assert.equal((await index.trials.get(sweepId, 0))!.status, 'completed');
  });

  it('puts a sweep that fell out of the feeding set back, and its remaining trials run', async () => {
    const { service, index } = cluster;
    const { sweepId } = await service.submit({ ...forestSweepSpec({ name: 'lost-feeding', trials: 30, nEstimators: 5 }), cv: { folds: 0 } });
    // Redis lost the feeding entry (the last second of writes after an acknowledged submit).
    await cluster.redis.srem(index.keys.feeding(), sweepId);
    await cluster.redis.hset(index.keys.sweep(sweepId), 'fed', 0);
    const repaired = await reconcileTwice();
    assert.ok(repaired.refed >= 1);
    await waitForSweep(service, sweepId, 60_000);
    await assertCompletedExactlyOnce(service, index, cluster.redis, sweepId, 30);
  });

  it('returns an active trial whose attempt is gone to the queue', async () => {
    const { service, index, queue } = cluster;
    await cluster.fleet.killAll();
    const { sweepId } = await service.submit(forestSweepSpec({ name: 'lost-attempt', trials: 1, nEstimators: 10 }));
    // A worker that is not alive claimed the trial, and its job is gone.
    await index.transitions.claim(sweepId, 0, 'token-of-a-dead-worker', 'dead-host-1');
    await queue.remove(trialJobId(`${sweepId}-t0`, 0));
    const repaired = await reconcileTwice();
    assert.equal(repaired.reset, 1);
    const trial = (await index.trials.get(sweepId, 0))!;
    assert.equal(trial.status, 'queued');
    assert.equal(trial.retries, 1);
    cluster.fleet.spawn();
    await waitForSweep(service, sweepId, 60_000);
    await assertCompletedExactlyOnce(service, index, cluster.redis, sweepId, 1);
  });

  it('leaves alone an active trial that a live worker is training', async () => {
    const { service, index } = cluster;
    const worker = cluster.fleet.workers.find((w) => w.running) ?? cluster.fleet.spawn();
    const { sweepId } = await service.submit(forestSweepSpec({ name: 'busy', trials: 1, nEstimators: 2000 }));
    for (let n = 0; n < 200 && (await index.trials.get(sweepId, 0))?.status !== 'active'; n++) await new Promise((r) => setTimeout(r, 50));
    // Make the job look lost while the worker trains: it must still not be reset.
    for (let n = 0; n < 100 && !(await index.workers.list()).some((w) => w.current.includes(`${sweepId}-t0`)); n++)
      await new Promise((r) => setTimeout(r, 100));
    await cluster.queue.remove(trialJobId(`${sweepId}-t0`, 0)).catch(() => 0);
    const repaired = await reconcileTwice();
    assert.equal(repaired.reset, 0, `the live attempt on ${worker.workerId} is not touched`);
    await service.cancel(sweepId);
  });
});
