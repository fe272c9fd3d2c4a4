/**
 * A cancel cannot be lost (issue 8, finding 7): running trials also poll the cancelled flag, so a
 * cancel whose pub/sub message never arrived still stops them; a result committed after the cancel is
 * recorded as cancelled; and a late cancel message older than a `retry` does not abort the retried
 * attempts (the message carries the cancel's epoch). Before: one pub/sub message was all there was, a
 * reconnecting subscriber missed it and the sweep trained on, and commit ignored the flag.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { FaultCluster } from './fault-cluster.js';
import { forestSweepSpec, waitFor } from './fault-harness.js';

describe('cancel robustness', () => {
  let cluster: FaultCluster;

  before(async () => {
    cluster = await FaultCluster.start('cancel-robust', { env: { SWEEPQ_CANCEL_POLL_MS: '200' } });
    cluster.fleet.spawn();
  });
  after(() => cluster.close());

  async function activeTrial(sweepId: string): Promise<number> {
    return waitFor(
      'a trial to train',
      async () => {
        for (let i = 0; i < 3; i++) if ((await cluster.index.trials.get(sweepId, i))?.status === 'active') return i;
        return undefined;
      },
      30_000,
    );
  }

  it('stops running trials when only the flag says cancelled (the message was lost)', async () => {
    const { service, index, redis } = cluster;
    const { sweepId } = await service.submit(forestSweepSpec({ name: 'lost-message', trials: 3, nEstimators: 3000 }));
    const i = await activeTrial(sweepId);
    // What a missed message leaves behind: the flag, and nothing else.
    await redis.hset(index.keys.sweep(sweepId), 'cancelledFlag', 1);
    const started = Date.now();
    await waitFor('the trial to stop', async () => (await index.trials.get(sweepId, i))?.status === 'cancelled', 10_000);
    assert.ok(Date.now() - started < 5000, `stopped within ${Date.now() - started} ms`);
  });

  it('records a result committed after the cancel as cancelled, off the leaderboard', async () => {
    const { service, index } = cluster;
    const { sweepId } = await service.submit({ ...forestSweepSpec({ name: 'late-commit', trials: 1, nEstimators: 10 }), objective: { metric: 'accuracy' } });
    await service.cancel(sweepId);
    // An attempt that was already training when the cancel came (claimed with its own token).
    await cluster.redis.hset(index.keys.trial(sweepId, 0), 'status', 'active', 'token', 'late');
    const result = await index.transitions.commit(sweepId, 0, {
      token: 'late',
      durationMs: 1,
      metrics: { accuracy: 0.9 },
      folds: [],
      timings: { fitMs: 1, cvMs: 0, evalMs: 0, totalMs: 1 },
      artifact: 'artifacts/x.json',
      objective: { metric: 'accuracy', goal: 'maximize' },
    });
    assert.equal(result, 'cancelled');
    assert.equal((await index.trials.get(sweepId, 0))!.status, 'cancelled');
    assert.equal((await index.leaderboard(sweepId, 0, 10)).total, 0);
  });

  it('ignores a late cancel message older than the retry that resumed the sweep', async () => {
    const { service, index, redis } = cluster;
    const { sweepId } = await service.submit(forestSweepSpec({ name: 'late-message', trials: 1, nEstimators: 600 }));
    await service.cancel(sweepId);
    // A trial already claimed when the cancel came ends asynchronously (its worker aborts it).
    await waitFor('the cancel to settle', async () => (await index.trials.get(sweepId, 0))?.status === 'cancelled', 10_000);
    const epoch = Number(await redis.hget(index.keys.sweep(sweepId), 'cancelEpoch'));
    assert.equal((await service.retry(sweepId)).requeued, 1);
    const i = await activeTrial(sweepId);
    // The first cancel's message, delivered late (a slow subscriber), must not touch the new attempt.
    await redis.publish(index.keys.cancelChannel(), `${sweepId}:${epoch}`);
    const status = await waitForSweep(service, sweepId, 60_000);
    assert.equal(status.state, 'completed');
    assert.equal((await index.trials.get(sweepId, i))!.status, 'completed');
  });

  it('keeps a cancelled sweep cancelled when retry has nothing to bring back', async () => {
    const { service, index, redis } = cluster;
    const { sweepId } = await service.submit(forestSweepSpec({ name: 'nothing-to-retry', trials: 1, nEstimators: 10 }));
    await waitForSweep(service, sweepId, 60_000);
    // Cancelled after its last trial completed (the flag only): retry must not relabel it.
    await redis.hset(index.keys.sweep(sweepId), 'cancelledFlag', 1);
    assert.equal((await service.retry(sweepId)).requeued, 0);
    assert.equal((await service.status(sweepId)).state, 'cancelled');
  });
});
