/**
 * A worker whose local disk fails is not a black hole (issue 8, finding 8). Before, a worker that
 * could not write its dataset cache failed every job it took in milliseconds and ate the retries of
 * the whole fleet. Now a local I/O fault hands the trial back without spending an attempt and pauses
 * that worker (reported in the registry) while a healthy one runs the sweep; and a cached dataset
 * deleted behind a worker's back is downloaded again instead of failing trials.
 */
import assert from 'node:assert/strict';
import { readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { FaultCluster } from './fault-cluster.js';
import { assertCompletedExactlyOnce, forestSweepSpec, waitFor } from './fault-harness.js';

describe('a worker with a broken disk', () => {
  let cluster: FaultCluster;

  before(async () => {
    // Objects in MinIO: the broken worker has a state folder of its own but the same store.
    cluster = await FaultCluster.start('black-hole', { env: { SWEEPQ_HEARTBEAT_MS: '500' }, s3: true });
  });
  after(() => cluster.close());

  it('pauses itself and hands trials back while a healthy worker runs the whole sweep', async () => {
    // The broken worker's cache folder cannot exist: its path is a file (ENOTDIR on every write).
    const brokenState = path.join(cluster.setup.stateDir, 'broken-worker');
    await mkdir(brokenState, { recursive: true });
    await writeFile(path.join(brokenState, 'cache'), 'not a directory');
    const broken = cluster.fleet.spawn({ SWEEPQ_STATE_DIR: brokenState });
    const { sweepId } = await cluster.service.submit(forestSweepSpec({ name: 'black-hole', trials: 8, nEstimators: 20 }));
    await waitFor(
      'the broken worker to pause',
      async () => (await cluster.index.workers.list()).some((w) => w.id === broken.workerId && w.health === 'paused'),
      30_000,
    );
    const healthy = cluster.fleet.spawn();
    const status = await waitForSweep(cluster.service, sweepId, 90_000);
    assert.equal(status.counts.failed, 0, 'no trial failed because of the broken disk');
    const trials = await assertCompletedExactlyOnce(cluster.service, cluster.index, cluster.redis, sweepId, 8);
    for (const t of trials) assert.equal(t.worker, healthy.workerId, `${t.id} was trained by the healthy worker`);
    assert.ok(broken.running, 'the broken worker stays up, paused');
    const info = (await cluster.index.workers.list()).find((w) => w.id === broken.workerId);
    assert.equal(info?.health, 'paused');
    assert.match(info?.lastError ?? '', /LOCAL_IO|ENOTDIR|cannot write the dataset cache/);
  });

  it('downloads a cached dataset again when its file was deleted', async () => {
    const spec = forestSweepSpec({ name: 'deleted-cache', trials: 2, nEstimators: 10 });
    const first = await cluster.service.submit(spec);
    await waitForSweep(cluster.service, first.sweepId, 60_000);
    const cacheDir = path.join(cluster.setup.stateDir, 'cache', 'datasets');
    for (const name of await readdir(cacheDir)) await rm(path.join(cacheDir, name), { force: true });
    const second = await cluster.service.submit(spec);
    const status = await waitForSweep(cluster.service, second.sweepId, 60_000);
    assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 2, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
  });
});
