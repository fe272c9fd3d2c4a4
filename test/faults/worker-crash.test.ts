/**
 * Guarantee: a worker that dies mid-trial (kill -9) loses nothing and duplicates nothing. Its BullMQ
 * lock expires, the stalled check of a surviving worker re-queues the job, the next claim takes a new
 * attempt token, and the sweep completes with every trial counted exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { activeTrialOf, assertCompletedExactlyOnce, forestSweepSpec, waitFor } from './fault-harness.js';
import { FaultCluster } from './fault-cluster.js';

const LOCK_MS = 2000;
const TRIALS = 5;

describe('worker crash (kill -9 mid-trial)', () => {
  let cluster: FaultCluster;

  before(async () => {
    cluster = await FaultCluster.start('worker-crash', {
      env: { SWEEPQ_LOCK_DURATION_MS: String(LOCK_MS), SWEEPQ_STALLED_INTERVAL_MS: '1000' },
      queue: true,
    });
  });
  after(() => cluster.close());

  it('re-runs the killed worker’s trial on another worker and completes every trial exactly once', async (t) => {
    const { service, redis, index, queue, fleet } = cluster;
    // ~2 s per trial: long enough to be killed mid-flight, short enough for a quick sweep.
    const submitted = await service.submit(forestSweepSpec({ name: 'crash', trials: TRIALS, nEstimators: 60 }));
    const victim = fleet.spawn();
    const survivor = fleet.spawn();

    const running = await waitFor('a trial active on the victim', () => activeTrialOf(index, submitted.sweepId, TRIALS, victim.workerId), 30_000, 20);
    victim.signal('SIGKILL');
    const killedAt = Date.now();
    await victim.exited;

    // The job leaves `active` when the stalled check notices the expired lock…
    const jobId = running.id;
    let detectedMs = -1;
    const claimed = await waitFor(
      'the killed trial to be re-claimed by the survivor',
      async () => {
        if (detectedMs < 0) {
          const state = await queue.getJobState(jobId);
          const trial = await index.trials.get(submitted.sweepId, running.index);
          if (state !== 'active' || trial?.worker === survivor.workerId) detectedMs = Date.now() - killedAt;
        }
        const trial = await index.trials.get(submitted.sweepId, running.index);
        return trial !== null && trial.worker === survivor.workerId ? trial : undefined;
      },
      20_000,
      20,
    );
    const reclaimedMs = Date.now() - killedAt;
    t.diagnostic(
      `lock expiry detected ${detectedMs} ms after kill -9; re-claimed by the survivor after ${reclaimedMs} ms (lock ${LOCK_MS} ms, stalled interval 1000 ms)`,
    );
    // Expected: lock (2 s) + up to two stalled-check periods (1 s each); slack for a loaded CI machine.
    assert.ok(detectedMs >= 0 && detectedMs <= 10_000, `stalled job detected within seconds (took ${detectedMs} ms)`);
    assert.ok(claimed.attempt >= 2, 'the re-run is a new attempt');

    const status = await waitForSweep(service, submitted.sweepId, 45_000);
    assert.equal(status.state, 'completed', survivor.tail());
    const trials = await assertCompletedExactlyOnce(service, index, redis, submitted.sweepId, TRIALS);
    const rerun = trials.find((trial) => trial.index === running.index)!;
    assert.equal(rerun.worker, survivor.workerId, 'the survivor committed the killed trial');
    assert.equal(rerun.attempt, 2, 'killed attempt + the successful one');
    for (const trial of trials) {
      if (trial.index !== running.index) assert.equal(trial.attempt, 1, `${trial.name} ran once`);
    }
  });
});
