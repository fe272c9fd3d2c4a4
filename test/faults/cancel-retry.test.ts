/**
 * Guarantees of the operator commands across worker processes:
 * - `cancel` removes queued trials at once (their jobs are removed, later claims refuse) and aborts
 *   running ones within seconds (pub/sub → the training thread is terminated → fenced abort);
 * - `retry` re-enqueues only failed/cancelled trials (new job ids `<trialId>-r<n>`), never touching a
 *   completed one;
 * - `extend` appends trials to a finished sweep and keeps the old results;
 * - `cancel` of a completed sweep is a no-op.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { allTrials, assertCompletedExactlyOnce, forestSweepSpec, waitFor, type WorkerProcess } from './fault-harness.js';
import { FaultCluster } from './fault-cluster.js';

const TRIALS = 10;
const EXTRA = 3;
const N_ESTIMATORS = 60;

describe('cancel, retry and extend across two worker processes', () => {
  let cluster: FaultCluster;
  let workers: WorkerProcess[];
  let sweepId: string;
  /** Trials completed before the cancel, as recorded then. */
  let completedBeforeCancel: TrialRecord[] = [];

  before(async () => {
    cluster = await FaultCluster.start('cancel-retry', { env: { SWEEPQ_LOCK_DURATION_MS: '3000', SWEEPQ_STALLED_INTERVAL_MS: '1000' }, queue: true });
    workers = [cluster.fleet.spawn(), cluster.fleet.spawn()];
  });
  after(() => cluster.close());

  it('cancel removes queued trials and aborts running ones within seconds', async (t) => {
    const { service, index, queue } = cluster;
    sweepId = (await service.submit(forestSweepSpec({ name: 'cancel-retry', trials: TRIALS, nEstimators: N_ESTIMATORS }))).sweepId;
    await waitFor(
      'completed trials and both workers busy',
      async () => {
        const c = (await service.status(sweepId)).counts;
        return c.completed >= 2 && c.active === 2;
      },
      40_000,
      20,
    );
    const cancelAt = Date.now();
    const returned = await service.cancel(sweepId);
    const cancelCallMs = Date.now() - cancelAt;
    assert.equal(returned.state, 'cancelled');
    assert.equal(returned.counts.queued, 0, 'queued trials are cancelled by the call itself');

    const settled = await waitFor(
      'running trials to be aborted',
      async () => {
        const s = await service.status(sweepId);
        return s.counts.active === 0 ? s : undefined;
      },
      5000,
      20,
    );
    const abortMs = Date.now() - cancelAt;
    t.diagnostic(`cancel() returned in ${cancelCallMs} ms; running trials aborted ${abortMs} ms after the call`);
    assert.equal(settled.state, 'cancelled');
    assert.ok(settled.counts.cancelled > 0);
    assert.equal(settled.counts.queued, 0);
    assert.equal(settled.counts.completed + settled.counts.cancelled, TRIALS);
    assert.equal(await queue.getWaitingCount(), 0, 'no job of the sweep is left waiting');
    await waitFor('no active job', async () => (await queue.getActiveCount()) === 0, 5000);
    for (const w of workers) assert.ok(w.running, `worker ${w.pid} survives the cancel:\n${w.tail()}`);
    completedBeforeCancel = (await allTrials(index, sweepId, TRIALS)).filter((trial) => trial.status === 'completed');
    assert.equal(completedBeforeCancel.length, settled.counts.completed);
  });

  it('retry re-runs only cancelled trials; completed results stay as they were', async () => {
    const { service, redis, index } = cluster;
    const cancelled = (await service.status(sweepId)).counts.cancelled;
    const { requeued } = await service.retry(sweepId);
    assert.equal(requeued, cancelled);
    const status = await waitForSweep(service, sweepId, 40_000);
    assert.equal(status.state, 'completed');
    const trials = await assertCompletedExactlyOnce(service, index, redis, sweepId, TRIALS);
    for (const before of completedBeforeCancel) {
      assert.deepEqual(trials[before.index], before, `${before.name}: metrics, finishedAt, attempt unchanged`);
    }
    const retried = trials.filter((trial) => trial.retries === 1);
    assert.equal(retried.length, cancelled, 'each cancelled trial was retried once');
  });

  it('extend adds trials to the finished sweep, keeps old results, and completes again', async () => {
    const { service, redis, index } = cluster;
    const old = await allTrials(index, sweepId, TRIALS);
    const extended = await service.extend(sweepId, forestSweepSpec({ name: 'cancel-retry', trials: EXTRA, nEstimators: 20, first: TRIALS }));
    assert.equal(extended.total, TRIALS + EXTRA);
    const status = await waitForSweep(service, sweepId, 40_000);
    assert.equal(status.total, TRIALS + EXTRA);
    const trials = await assertCompletedExactlyOnce(service, index, redis, sweepId, TRIALS + EXTRA);
    for (const before of old) assert.deepEqual(trials[before.index], before, `${before.name} untouched by extend`);
  });

  it('cancel of a completed sweep is a no-op', async () => {
    const { service, index } = cluster;
    const before = await service.status(sweepId);
    assert.equal(before.state, 'completed');
    const returned = await service.cancel(sweepId);
    assert.deepEqual(returned, before);
    assert.deepEqual(await service.status(sweepId), before);
    assert.equal((await index.sweeps.get(sweepId))!.cancelled, false);
  });
});
