/**
 * Fold jobs (issue 13 item 5): a trial split into one job per CV fold plus the final fit, shared by
 * worker processes through a BullMQ flow. Real Redis, real worker processes.
 * - same seed → the split trial's fold scores, metrics and artefact (its final fit run as two tree
 *   ranges and a merge) equal the unsplit trial's;
 * - kill -9 of a worker mid tree range of the final fit: the range re-runs on the survivor, the trial
 *   completes once with every tree;
 * - cancel of a split trial stops its running parts and records it cancelled once;
 * - a late part result from a superseded run (or an earlier flow) is refused;
 * - a part running at shutdown is handed back and re-runs inside the same split attempt.
 * The workers' reconciler runs every 0.5 s: it must leave a split trial alone while its flow waits for
 * its parts (a repair would show as a second attempt).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { FoldLedger, foldHashKey } from '../../shared/folds/fold-ledger.js';
import { flowToken, foldJobId, treePartKey, type FoldJob } from '../../shared/folds/fold-job.schema.js';
import { createObjectStore } from '../../shared/store/index.js';
import { trialJobId } from '../../shared/queue/index.js';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { allTrials, assertCompletedExactlyOnce, forestSweepSpec, waitFor } from './fault-harness.js';
import { FaultCluster } from './fault-cluster.js';

const LOCK_MS = 2000;

/**
 * Resolves with the fold-hash field of a part running on one of `workerIds` (its run's worker, no
 * result yet) and that worker; `part` narrows to parts whose name matches (e.g. the final fit's tree
 * ranges).
 */
function partRunningOn(redis: Redis, foldKey: string, workerIds: readonly string[], part = /./): Promise<{ field: string; workerId: string }> {
  return waitFor(
    `a part running on ${workerIds.join(' or ')}`,
    async () => {
      const fields = await redis.hgetall(foldKey);
      for (const [field, value] of Object.entries(fields)) {
        const name = field.split(':')[1] ?? '';
        if (field.endsWith(':worker') && workerIds.includes(value) && part.test(name) && fields[field.replace(/:worker$/, ':result')] === undefined) {
          return { field, workerId: value };
        }
      }
      return undefined;
    },
    30_000,
    20,
  );
}

/** A forest sweep with `cv.split_folds` set: split trials run as 4 fold jobs + the fit. */
function splitSpec(name: string, split: 'always' | 'never', trials: number, nEstimators: number): Record<string, unknown> {
  const spec = forestSweepSpec({ name, trials, nEstimators, folds: 4 });
  return { ...spec, cv: { ...(spec.cv as object), split_folds: split } };
}

describe('fold jobs (a trial split across workers)', () => {
  let cluster: FaultCluster;

  before(async () => {
    cluster = await FaultCluster.start('fold-jobs', {
      env: { SWEEPQ_LOCK_DURATION_MS: String(LOCK_MS), SWEEPQ_STALLED_INTERVAL_MS: '1000', WORKER_CONCURRENCY: '1', SWEEPQ_RECONCILE_INTERVAL_MS: '500' },
      queue: true,
    });
  });
  after(() => cluster.close());

  it('refuses a part result from a superseded run or an earlier flow, and any after the commit; cancel removes a queued flow', async () => {
    // No workers yet: the test plays the parts' runs itself against the real scripts.
    const { service, index, redis, queue } = cluster;
    const submitted = await service.submit(splitSpec('fold-fencing', 'always', 2, 5));
    const queuedFlow = trialJobId(`${submitted.sweepId}-t1`, 0);
    assert.equal(await queue.getJobState(queuedFlow), 'waiting-children', 'a split trial is queued as a flow');
    assert.equal(await queue.getJobState(foldJobId(queuedFlow, { kind: 'fold', fold: 3 })), 'waiting');
    assert.equal(await queue.getJobState(foldJobId(queuedFlow, { kind: 'fit' })), 'waiting-children', 'the fit waits for its tree ranges');
    assert.equal(await queue.getJobState(foldJobId(queuedFlow, { kind: 'trees', start: 2, end: 5 })), 'waiting');
    const trialId = `${submitted.sweepId}-t0`;
    const ledger = new FoldLedger(redis, index.keys);
    const flow = flowToken(trialJobId(trialId, 0));
    const part: FoldJob = { v: 1, sweepId: submitted.sweepId, trialId, index: 0, retries: 0, folds: 4, part: { kind: 'fold', fold: 0 } };
    const result = { kind: 'fold' as const, fold: 0, score: 0.5, cvMs: 1, worker: 'w' };

    assert.equal((await ledger.claim(part, flow, 'run-a', 'worker-a')).result, 'ok');
    const trial = await index.trials.get(submitted.sweepId, 0);
    assert.equal(trial?.status, 'active', 'the first part to start makes the trial active');
    // The part is re-run (its worker was thought dead): the first run's result comes too late.
    assert.equal((await ledger.claim(part, flow, 'run-b', 'worker-b')).result, 'ok');
    assert.equal(await ledger.record(part, flow, 'run-a', result), 'fenced');
    assert.equal(await ledger.record(part, flow, 'run-b', { ...result, score: 0.75 }), 'ok');
    assert.equal((await ledger.results(submitted.sweepId, 0, flow, [part.part])).get('f0')?.kind, 'fold');
    // A flow of another job of the trial (an earlier retry) can neither claim nor record.
    const stale = flowToken(trialJobId(trialId, 1));
    assert.equal((await ledger.claim({ ...part, retries: 1 }, stale, 'run-c', 'worker-c')).result, 'fenced');
    assert.equal(await ledger.record(part, stale, 'run-b', result), 'fenced');
    // Once the trial is finished (here cancelled), no part records anything.
    await service.cancel(submitted.sweepId);
    await index.transitions.abort(submitted.sweepId, 0, flow);
    assert.equal(await ledger.record({ ...part, part: { kind: 'fold', fold: 1 } }, flow, 'run-d', result), 'stale');
    assert.equal((await index.trials.get(submitted.sweepId, 0))?.status, 'cancelled');
    // The trial that was still queued: its flow left the queue with all its parts.
    assert.equal((await index.trials.get(submitted.sweepId, 1))?.status, 'cancelled');
    assert.equal(await queue.getJobState(queuedFlow), 'unknown');
    assert.equal(await queue.getJobState(foldJobId(queuedFlow, { kind: 'fit' })), 'unknown');
    assert.equal(await queue.getJobState(foldJobId(queuedFlow, { kind: 'trees', start: 2, end: 5 })), 'unknown');
    assert.equal(await queue.getJobState(foldJobId(queuedFlow, { kind: 'fold', fold: 3 })), 'unknown');
  });

  it('completes a split trial with the fold scores, metrics and artefact of the unsplit one', async () => {
    const { service, index, redis, fleet } = cluster;
    fleet.spawn();
    fleet.spawn();
    const split = await service.submit(splitSpec('fold-split', 'always', 1, 30));
    const whole = await service.submit(splitSpec('fold-whole', 'never', 1, 30));
    assert.equal((await waitForSweep(service, split.sweepId, 60_000)).state, 'completed');
    assert.equal((await waitForSweep(service, whole.sweepId, 60_000)).state, 'completed');
    const [a] = await assertCompletedExactlyOnce(service, index, redis, split.sweepId, 1);
    const [b] = await assertCompletedExactlyOnce(service, index, redis, whole.sweepId, 1);
    assert.equal(a!.folds?.length, 4);
    assert.deepEqual(a!.folds, b!.folds, 'same seed, same fold scores');
    assert.deepEqual(a!.metrics, b!.metrics, 'same test metrics and CV summary');
    assert.deepEqual(await service.artifact(split.sweepId, a!.id), await service.artifact(whole.sweepId, b!.id), 'byte-identical fitted pipeline');
    assert.equal(a!.attempt, 1, 'one split attempt');
    assert.equal(a!.split?.parts, 7, 'four folds, the final fit and its two tree ranges');
    assert.equal(a!.split?.done, 7);
    assert.ok((a!.split?.workers?.length ?? 0) >= 1, 'the record names the workers that ran the parts');
    assert.equal(b!.split, undefined, 'the unsplit trial ran as one job');
    assert.equal(await redis.exists(foldHashKey(index.keys, split.sweepId, 0)), 0, 'the fold hash is cleared after the commit');
  });

  it('fills the result cache from a split trial and answers split and whole repeats from it', async () => {
    const { service, index, redis } = cluster;
    const cachedSpec = (name: string, split: 'always' | 'never'): Record<string, unknown> => ({ ...splitSpec(name, split, 1, 10), cache: true });
    const first = await service.submit(cachedSpec('fold-cache-1', 'always'));
    assert.equal((await waitForSweep(service, first.sweepId, 60_000)).state, 'completed');
    const [original] = await assertCompletedExactlyOnce(service, index, redis, first.sweepId, 1);
    assert.equal(original!.cachedFrom, undefined, 'the first one trained');
    for (const [name, split] of [
      ['fold-cache-2', 'always'],
      ['fold-cache-3', 'never'],
    ] as const) {
      const repeat = await service.submit(cachedSpec(name, split));
      assert.equal((await waitForSweep(service, repeat.sweepId, 60_000)).state, 'completed');
      const [trial] = await assertCompletedExactlyOnce(service, index, redis, repeat.sweepId, 1);
      assert.deepEqual(trial!.cachedFrom, { sweepId: first.sweepId, trialId: original!.id }, `${name} reused the split trial's result`);
      assert.deepEqual(trial!.metrics, original!.metrics);
    }
  });

  it('re-runs a tree range of the final fit killed with -9 elsewhere and completes the trial once, with every tree', async (t) => {
    const { service, index, redis, fleet, setup } = cluster;
    const submitted = await service.submit(splitSpec('fold-crash', 'always', 1, 150));
    // Whichever worker runs a range is the victim: which one takes the ranges is the queue's choice (a
    // worker whose fetch-ahead was on from the earlier tests' short trials may hold both, and then
    // runs them both if they train fast — waiting for a range on one given worker timed out then).
    const foldKey = foldHashKey(index.keys, submitted.sweepId, 0);
    const running = await partRunningOn(
      redis,
      foldKey,
      fleet.workers.map((w) => w.workerId),
      /^t\d+-\d+$/,
    );
    const victim = fleet.workers.find((w) => w.workerId === running.workerId)!;
    const survivor = fleet.workers.find((w) => w !== victim)!;
    victim.signal('SIGKILL');
    await victim.exited;
    const status = await waitForSweep(service, submitted.sweepId, 90_000);
    assert.equal(status.state, 'completed', survivor.tail());
    const [trial] = await assertCompletedExactlyOnce(service, index, redis, submitted.sweepId, 1);
    assert.equal(trial!.folds?.length, 4);
    assert.equal(trial!.attempt, 1, 'the split attempt survived the crash of one of its parts');
    const artefact = JSON.parse((await service.artifact(submitted.sweepId, trial!.id)).toString('utf8')) as { model: { roots: number[] } };
    assert.equal(artefact.model.roots.length, 150, 'the merged forest has the trees of both ranges');
    const store = await createObjectStore(setup.config);
    const flow = flowToken(trialJobId(trial!.id, 0));
    for (const [start, end] of [
      [0, 75],
      [75, 150],
    ] as const) {
      assert.equal(
        await store.exists(treePartKey(submitted.sweepId, trial!.id, flow, { kind: 'trees', start, end })),
        false,
        'the partial pipelines are deleted',
      );
    }
    t.diagnostic(`killed ${victim.workerId} while it ran ${running.field}; trial completed in ${trial!.durationMs} ms`);
  });

  it('cancels a split trial: running parts stop, the trial is cancelled once', async () => {
    const { service, index, fleet, queue } = cluster;
    const survivor = fleet.workers.find((w) => w.running)!;
    const extra = fleet.spawn();
    const submitted = await service.submit(splitSpec('fold-cancel', 'always', 1, 400));
    await waitFor('the split trial to be active', async () => (await index.trials.get(submitted.sweepId, 0))?.status === 'active', 30_000, 20);
    await service.cancel(submitted.sweepId);
    // The sweep reads `cancelled` at once; its running parts stop within the cancel message (or poll).
    const status = await waitFor(
      'the split trial to stop',
      async () => {
        const now = await service.status(submitted.sweepId);
        return now.counts.active === 0 ? now : undefined;
      },
      20_000,
    );
    assert.equal(status.state, 'cancelled');
    assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 0, failed: 0, cancelled: 1, pruned: 0, quarantined: 0 });
    // The flow ends: stopped parts, parts that found the trial cancelled, then the parent.
    await waitFor(
      'the flow to end',
      async () => {
        const state = await queue.getJobState(trialJobId(`${submitted.sweepId}-t0`, 0));
        return state === 'completed' || state === 'unknown';
      },
      30_000,
    );
    const [trial] = await allTrials(index, submitted.sweepId, 1);
    assert.equal(trial!.status, 'cancelled');
    assert.equal(trial!.artifact, null);
    const events = (await index.log.readAll(submitted.sweepId)).filter((e) => e.s === 'cancelled');
    assert.equal(events.length, 1, 'one cancelled event');
    assert.ok(survivor.running && extra.running, 'workers stay up');
  });

  it('hands a part back at shutdown without spending the split attempt', async () => {
    const { service, index, redis, fleet } = cluster;
    const leaving = fleet.spawn({ SWEEPQ_SHUTDOWN_GRACE_MS: '200' });
    const submitted = await service.submit(splitSpec('fold-shutdown', 'always', 1, 150));
    await partRunningOn(redis, foldHashKey(index.keys, submitted.sweepId, 0), [leaving.workerId]);
    leaving.signal('SIGTERM');
    assert.equal((await leaving.exited).code, 0, leaving.tail());
    assert.equal((await waitForSweep(service, submitted.sweepId, 90_000)).state, 'completed');
    const [trial] = await assertCompletedExactlyOnce(service, index, redis, submitted.sweepId, 1);
    assert.equal(trial!.attempt, 1, 'the handed-back part re-ran inside the same split attempt');
  });
});
