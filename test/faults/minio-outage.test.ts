/**
 * Guarantee: an object-store outage delays trials but never completes one without its artefact.
 * The worker writes the artefact before the fenced commit, and the MinIO client retries transient
 * errors until SWEEPQ_STORE_DEADLINE_MS (the job lock keeps being renewed meanwhile), so during the
 * outage no trial completes and afterwards every completed trial's object exists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { MetricsIndex } from '../../shared/index/index.js';
import { createRedisConnection } from '../../shared/queue/index.js';
import { createObjectStore, type ObjectStore } from '../../shared/store/index.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { startMinioServer, type TestMinioServer } from '../support/servers.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { allTrials, assertCompletedExactlyOnce, forestSweepSpec, sleep, waitFor, WorkerFleet } from './fault-harness.js';

const TRIALS = 12;
const OUTAGE_MS = 10_000;

describe('MinIO outage mid-sweep', () => {
  let minio: TestMinioServer;
  let setup: TestSetup;
  let service: SweepService;
  let store: ObjectStore;
  let redis: Redis;
  let index: MetricsIndex;
  let fleet: WorkerFleet;

  before(async () => {
    minio = await startMinioServer();
    setup = await makeTestSetup('minio-outage', {
      env: {
        S3_ENDPOINT: minio.endpoint,
        S3_ACCESS_KEY: minio.accessKey,
        S3_SECRET_KEY: minio.secretKey,
        SWEEPQ_STORE_DEADLINE_MS: '60000',
        SWEEPQ_LOCK_DURATION_MS: '3000',
        SWEEPQ_STALLED_INTERVAL_MS: '1000',
      },
    });
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    store = createObjectStore(setup.config);
    await store.ensureReady();
    redis = createRedisConnection(setup.env.REDIS_URL!, { name: 'fault-test' });
    index = new MetricsIndex(redis, setup.config.redis.prefix);
    fleet = new WorkerFleet(setup.env);
  });
  after(async () => {
    await fleet.killAll();
    await service.close();
    await store.close?.();
    redis.disconnect();
    await minio.stop();
    await setup.cleanup();
  });

  it('completes no trial without its artefact while MinIO is down, then finishes the sweep', async (t) => {
    const submitted = await service.submit(forestSweepSpec({ name: 'minio-outage', trials: TRIALS, nEstimators: 30 }));
    fleet.spawn();
    fleet.spawn();
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
    const final = await waitFor('the sweep to finish', async () => {
      const s = await service.status(submitted.sweepId);
      return s.state === 'completed' ? s : undefined;
    }, 40_000, 100);
    assert.equal(final.counts.completed, TRIALS);
    await assertCompletedExactlyOnce(service, index, redis, submitted.sweepId, TRIALS);
    for (const trial of await allTrials(index, submitted.sweepId, TRIALS)) {
      assert.ok(trial.artifact !== null && (await store.exists(trial.artifact)), `${trial.id}: its artefact object exists`);
    }
  });
});
