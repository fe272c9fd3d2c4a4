/**
 * Guarantee: an object-store outage delays trials but never completes one without its artefact.
 * The worker writes the artefact before the fenced commit, and the MinIO client retries transient
 * errors until SWEEPQ_STORE_DEADLINE_MS (the job lock keeps being renewed meanwhile), so during the
 * outage no trial completes and afterwards every completed trial's object exists.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createObjectStore, type ObjectStore } from '../../shared/store/index.js';
import { startMinioServer, type TestMinioServer } from '../support/servers.js';
import { allTrials, assertCompletedExactlyOnce, forestSweepSpec, sleep, waitFor, type WorkerProcess } from './fault-harness.js';
import { FaultCluster } from './fault-cluster.js';

const TRIALS = 12;
const OUTAGE_MS = 10_000;

describe('MinIO outage mid-sweep', () => {
  let minio: TestMinioServer;
  let store: ObjectStore;
  let cluster: FaultCluster;
  let workers: WorkerProcess[];

  before(async () => {
    minio = await startMinioServer();
    cluster = await FaultCluster.start('minio-outage', {
      env: {
        S3_ENDPOINT: minio.endpoint,
        S3_ACCESS_KEY: minio.accessKey,
        S3_SECRET_KEY: minio.secretKey,
        SWEEPQ_STORE_DEADLINE_MS: '60000',
        SWEEPQ_LOCK_DURATION_MS: '3000',
        SWEEPQ_STALLED_INTERVAL_MS: '1000',
      },
      // Workers keep their own dataset cache, as on other machines: the service's cache (filled at
      // submit) must not hand them a dataset the store could not serve.
      workerEnv: (setup) => ({ SWEEPQ_STATE_DIR: path.join(setup.stateDir, 'workers') }),
    });
    store = await createObjectStore(cluster.setup.config);
    await store.ensureReady();
    workers = [cluster.fleet.spawn(), cluster.fleet.spawn()];
  });
  after(async () => {
    await cluster.close();
    await store.close?.();
    await minio.stop();
  });

  it('completes no trial without its artefact while MinIO is down, then finishes the sweep', async (t) => {
    const { service, redis, index } = cluster;
    const submitted = await service.submit(forestSweepSpec({ name: 'minio-outage', trials: TRIALS, nEstimators: 30 }));
    await waitFor('two completed trials', async () => (await service.status(submitted.sweepId)).counts.completed >= 2, 40_000, 50);

    await minio.kill('SIGKILL');
    const downAt = Date.now();
    // Puts already acknowledged may still commit; after that, nothing can complete until MinIO is back.
    await sleep(1500);
    const completedEarly = (await service.status(submitted.sweepId)).counts.completed;
    await sleep(OUTAGE_MS - 2000);
    const during = await service.status(submitted.sweepId);
    assert.equal(during.counts.completed, completedEarly, 'no trial completed while its artefact could not be written');
    assert.ok(during.counts.active > 0, 'trials wait for the store instead of failing');
    assert.equal(during.counts.failed, 0);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
    await minio.restart();
    const upAt = Date.now();

    await waitFor('a completion after the outage', async () => (await service.status(submitted.sweepId)).counts.completed > completedEarly, 30_000, 50);
    t.diagnostic(`MinIO down ${upAt - downAt} ms; first completion ${Date.now() - upAt} ms after it came back`);
    const final = await waitFor(
      'the sweep to finish',
      async () => {
        const s = await service.status(submitted.sweepId);
        return s.state === 'completed' ? s : undefined;
      },
      40_000,
      100,
    );
    assert.equal(final.counts.completed, TRIALS);
    await assertCompletedExactlyOnce(service, index, redis, submitted.sweepId, TRIALS);
    for (const trial of await allTrials(index, submitted.sweepId, TRIALS)) {
      assert.ok(trial.artifact !== null && (await store.exists(trial.artifact)), `${trial.id}: its artefact object exists`);
    }
  });
  it('cancels trials still waiting for their dataset when the sweep is cancelled during an outage', async (t) => {
    const { service } = cluster;
    // Both workers past their start-up (which checks the store) and taking jobs: in the registry.
    await waitFor('both workers registered', async () => (await service.workers()).length === 2, 30_000, 50);
    // Pause the workers so the sweep is submitted (dataset uploaded) before MinIO goes down, then
    // let them claim trials that can only wait for the dataset download.
    for (const w of workers) w.signal('SIGSTOP');
    let sweepId: string;
    try {
      sweepId = (await service.submit(forestSweepSpec({ name: 'cancel-in-outage', trials: 4, nEstimators: 30, nSamples: 3000 }))).sweepId;
      await minio.kill('SIGKILL');
    } finally {
      for (const w of workers) w.signal('SIGCONT');
    }
    try {
      let counts: Record<string, number> = {};
      await waitFor(
        () => `both workers waiting on the dataset; last counts ${JSON.stringify(counts)}`,
        async () => {
          counts = (await service.status(sweepId)).counts;
          return counts.active === 2;
        },
        30_000,
        50,
      );
      const cancelled = await service.cancel(sweepId);
      assert.equal(cancelled.counts.queued, 0);
      await sleep(1000);
    } finally {
      await minio.restart();
    }
    const restartedAt = Date.now();
    const final = await waitFor(
      'the waiting trials to end',
      async () => {
        const s = await service.status(sweepId);
        return s.counts.active === 0 ? s : undefined;
      },
      30_000,
      50,
    );
    t.diagnostic(`trials waiting on the store ended ${Date.now() - restartedAt} ms after MinIO came back`);
    assert.deepEqual(
      final.counts,
      { queued: 0, active: 0, completed: 0, failed: 0, cancelled: 4, pruned: 0, quarantined: 0 },
      'nothing trains after its sweep was cancelled',
    );
  });
});
