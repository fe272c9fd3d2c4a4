/**
 * Guarantee: sweepq's S3 store is not tied to MinIO (whose community edition is in maintenance mode,
 * issue 8). A whole sweep runs end to end against a second, independent S3 server — versitygw with its
 * posix backend — through the same client: the dataset is uploaded and downloaded, every artefact is
 * written as a file of the gateway's posix tree and read back, and a crash of the gateway mid-sweep is
 * ridden out by the store's retries exactly as with MinIO.
 */
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startVersitygwServer, uniquePrefix, versitygwUnavailableReason, type TestVersitygwServer } from '../support/servers.js';
import { allTrials, assertCompletedExactlyOnce, forestSweepSpec, sleep, waitFor } from './fault-harness.js';
import { cleanUp, guardOnExit } from './cleanup-guard.js';
import { FaultCluster } from './fault-cluster.js';

const TRIALS = 8;
const skip = (await versitygwUnavailableReason()) ?? false;

describe('a sweep against versitygw (a second S3 implementation)', { skip }, () => {
  let gateway: TestVersitygwServer | undefined;
  let cluster: FaultCluster | undefined;
  const unguard = guardOnExit(() => ({ clusters: [cluster], servers: [gateway] }));
  const bucket = uniquePrefix('vgw');

  before(async () => {
    gateway = await startVersitygwServer();
    cluster = await FaultCluster.start('versitygw', {
      env: {
        S3_ENDPOINT: gateway.endpoint,
        S3_ACCESS_KEY: gateway.accessKey,
        S3_SECRET_KEY: gateway.secretKey,
        S3_BUCKET: bucket,
        SWEEPQ_STORE_DEADLINE_MS: '60000',
        SWEEPQ_LOCK_DURATION_MS: '3000',
        SWEEPQ_STALLED_INTERVAL_MS: '1000',
      },
      // Workers keep their own dataset cache, so they really download the dataset from the gateway.
      workerEnv: (setup) => ({ SWEEPQ_STATE_DIR: path.join(setup.stateDir, 'workers') }),
    });
  });
  after(() =>
    cleanUp(
      () => cluster?.close(),
      () => gateway?.stop(),
      unguard,
    ),
  );

  it('runs every trial once, stores each artefact in the gateway, and rides out a gateway crash', async (t) => {
    assert.ok(cluster !== undefined && gateway !== undefined);
    const { service, redis, index, fleet } = cluster;
    const vgw = gateway;
    const started = Date.now();
    const submitted = await service.submit(forestSweepSpec({ name: 'versitygw', trials: TRIALS, nEstimators: 20 }));
    fleet.spawn();
    fleet.spawn();
    await waitFor('a completed trial', async () => (await service.status(submitted.sweepId)).counts.completed >= 1, 60_000, 50);

    await vgw.kill('SIGKILL');
    const downAt = Date.now();
    // Puts already answered may still commit; after that nothing completes without the gateway.
    await sleep(1000);
    const completedEarly = (await service.status(submitted.sweepId)).counts.completed;
    await waitFor(
      'a worker retrying a store call against the dead gateway',
      () => fleet.workers.some((w) => w.lines.some((l) => l.includes('object store call failed; retrying'))),
      30_000,
      50,
    );
    const during = await service.status(submitted.sweepId);
    assert.equal(during.counts.completed, completedEarly, 'no trial completed while its artefact could not be written');
    assert.equal(during.counts.failed, 0);
    await vgw.restart();
    t.diagnostic(`versitygw down ${Date.now() - downAt} ms`);

    const final = await waitFor(
      'the sweep to finish',
      async () => {
        const s = await service.status(submitted.sweepId);
        return s.state === 'completed' ? s : undefined;
      },
      60_000,
      100,
    );
    assert.equal(final.counts.completed, TRIALS);
    await assertCompletedExactlyOnce(service, index, redis, submitted.sweepId, TRIALS);
    // The posix backend maps bucket/key to a file: the artefacts are really in this gateway's tree.
    for (const trial of await allTrials(index, submitted.sweepId, TRIALS)) {
      assert.ok(trial.artifact !== null);
      await access(path.join(vgw.dir, bucket, trial.artifact));
    }
    t.diagnostic(`sweep of ${TRIALS} trials on versitygw in ${Date.now() - started} ms`);
  });
});
