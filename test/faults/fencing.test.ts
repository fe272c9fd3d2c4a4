/**
 * Guarantee: only the current attempt of a trial can record its outcome. A worker that was paused
 * (SIGSTOP) past its lock and wakes up after another worker finished the trial has its late commit
 * refused by the fenced Lua transition: the winner's metrics, attempt and worker stay, and the
 * completed counter counts the trial once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { MetricsIndex, type TrialCommit } from '../../shared/index/index.js';
import { createRedisConnection } from '../../shared/queue/index.js';
import { createTestSweep } from '../support/index-fixtures.js';
import { uniquePrefix } from '../support/servers.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { forestSweepSpec, waitFor, type WorkerProcess } from './fault-harness.js';
import { FaultCluster } from './fault-cluster.js';

describe('fencing of a paused worker (SIGSTOP past its lock, then SIGCONT)', () => {
  let cluster: FaultCluster;

  before(async () => {
    cluster = await FaultCluster.start('fencing', { env: { SWEEPQ_LOCK_DURATION_MS: '2000', SWEEPQ_STALLED_INTERVAL_MS: '1000' } });
  });
  after(() => cluster.close());

  it('refuses the late commit of the paused attempt and keeps the winner’s result', async (t) => {
    const { service, redis, index, fleet } = cluster;
    const submitted = await service.submit(forestSweepSpec({ name: 'fencing', trials: 1, nEstimators: 80 }));
    const workers = [fleet.spawn(), fleet.spawn()];
    const active = await waitFor(
      'the trial to become active',
      async () => {
        const trial = await index.trials.get(submitted.sweepId, 0);
        return trial?.status === 'active' && trial.worker !== null ? trial : undefined;
      },
      30_000,
      20,
    );
    const paused = workers.find((w) => w.workerId === active.worker)!;
    const winner = workers.find((w) => w !== paused) as WorkerProcess;
    paused.signal('SIGSTOP');
    const pausedAt = Date.now();

    const status = await waitForSweep(service, submitted.sweepId, 40_000);
    t.diagnostic(`the other worker completed the trial ${Date.now() - pausedAt} ms after the pause`);
    assert.equal(status.state, 'completed');
    const won = (await index.trials.get(submitted.sweepId, 0))!;
    assert.equal(won.worker, winner.workerId);
    assert.equal(won.attempt, 2);
    const artefact = await service.artifact(submitted.sweepId, won.id);

    paused.signal('SIGCONT');
    // The paused attempt finishes training, rewrites the same artefact key, and its commit is refused.
    await paused.waitForLine(/this attempt was superseded/, 30_000);
    assert.ok(paused.running, `the fenced worker keeps running:\n${paused.tail()}`);
    assert.match(
      paused.lines.find((l) => /superseded/.test(l))!,
      /"committed":"stale"/,
    );

    assert.deepEqual(await index.trials.get(submitted.sweepId, 0), won, 'trial record unchanged by the late attempt');
    const after = await service.status(submitted.sweepId);
    assert.deepEqual(after.counts, { queued: 0, active: 0, completed: 1, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
    assert.equal(await redis.zcard(index.keys.best(submitted.sweepId)), 1);
    assert.ok((await service.artifact(submitted.sweepId, won.id)).equals(artefact), 'the late rewrite left identical bytes');
  });
});

describe('MetricsIndex fenced transitions (Lua)', () => {
  let setup: TestSetup;
  let redis: Redis;
  let index: MetricsIndex;

  before(async () => {
    setup = await makeTestSetup('fencing-lua');
    redis = createRedisConnection(setup.env.REDIS_URL!, { name: 'fault-test' });
    index = new MetricsIndex(redis, uniquePrefix('fence'));
  });
  after(async () => {
    redis.disconnect();
    await setup.cleanup();
  });

  function sweepWithOneTrial(): Promise<string> {
    return createTestSweep(index, { trials: 1, names: () => 'lr' });
  }

  const claim = async (sweepId: string, token: string, worker: string): Promise<string> => (await index.transitions.claim(sweepId, 0, token, worker)).result;

  function result(token: string, accuracy: number): TrialCommit {
    return {
      token,
      durationMs: 5,
      metrics: { accuracy },
      folds: [],
      timings: { fitMs: 1, cvMs: 1, evalMs: 1, totalMs: 3 },
      artifact: 'artifacts/x.json',
      objective: { metric: 'accuracy', goal: 'maximize' },
    };
  }

  const staleTokenTransitions: Array<{ name: string; run(sweepId: string, token: string): Promise<string> }> = [
    { name: 'commit', run: (sweepId, token) => index.transitions.commit(sweepId, 0, result(token, 0.1)) },
    { name: 'fail', run: (sweepId, token) => index.transitions.fail(sweepId, 0, token, 'late failure') },
    { name: 'release', run: (sweepId, token) => index.transitions.release(sweepId, 0, token) },
    { name: 'abort', run: (sweepId, token) => index.transitions.abort(sweepId, 0, token) },
    { name: 'quarantine', run: (sweepId, token) => index.transitions.finish(sweepId, 0, token, 'quarantined', 'crashed workers') },
    { name: 'prune', run: (sweepId, token) => index.transitions.commit(sweepId, 0, { ...result(token, 0.1), status: 'pruned' }) },
  ];

  for (const transition of staleTokenTransitions) {
    it(`refuses ${transition.name} with a superseded token ('fenced') and changes nothing`, async () => {
      const sweepId = await sweepWithOneTrial();
      assert.equal(await claim(sweepId, 'token-1', 'worker-a'), 'ok');
      assert.equal(await claim(sweepId, 'token-2', 'worker-b'), 'ok', 're-delivery after a lost lock');
      const before = await redis.hgetall(index.keys.trial(sweepId, 0));
      const sweepBefore = await redis.hgetall(index.keys.sweep(sweepId));
      assert.equal(await transition.run(sweepId, 'token-1'), 'fenced');
      assert.deepEqual(await redis.hgetall(index.keys.trial(sweepId, 0)), before);
      assert.deepEqual(await redis.hgetall(index.keys.sweep(sweepId)), sweepBefore);
      assert.equal(before.attempt, '2');
      assert.equal(sweepBefore.active, '1', 'a re-claim of an active trial does not count it twice');
    });
  }

  it('commits the current token once; a second commit is stale and counters stay put', async () => {
    const sweepId = await sweepWithOneTrial();
    assert.equal(await claim(sweepId, 'token-1', 'worker-a'), 'ok');
    assert.equal(await claim(sweepId, 'token-2', 'worker-b'), 'ok');
    assert.equal(await index.transitions.commit(sweepId, 0, result('token-1', 0.1)), 'fenced');
    assert.equal(await index.transitions.commit(sweepId, 0, result('token-2', 0.9)), 'ok');
    const sweepAfterCommit = await redis.hgetall(index.keys.sweep(sweepId));
    assert.equal(await index.transitions.commit(sweepId, 0, result('token-2', 0.5)), 'stale', 'double commit');
    assert.equal(await index.transitions.commit(sweepId, 0, result('token-1', 0.1)), 'stale');
    assert.equal(await claim(sweepId, 'token-3', 'worker-c'), 'completed', 'a completed trial is never claimed again');

    assert.deepEqual(await redis.hgetall(index.keys.sweep(sweepId)), sweepAfterCommit);
    const sweep = (await index.sweeps.get(sweepId))!;
    assert.deepEqual(sweep.counts, { queued: 0, active: 0, completed: 1, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
    assert.notEqual(sweep.finishedAt, null);
    const trial = (await index.trials.get(sweepId, 0))!;
    assert.equal(trial.status, 'completed');
    assert.equal(trial.worker, 'worker-b');
    assert.equal(trial.metrics?.accuracy, 0.9);
    const board = await redis.zrange(index.keys.best(sweepId), 0, -1, 'WITHSCORES');
    assert.equal(board.length, 2, 'one leaderboard entry');
    assert.equal(board[0], '00000000');
    assert.equal(Number(board[1]), -0.9, 'the winner’s score, negated: accuracy is maximized');
    const completions = (await index.log.readAll(sweepId)).filter((e) => e.s === 'completed');
    assert.equal(completions.length, 1, 'one completed event in the completion log');
    assert.equal(completions[0]!.m?.accuracy, 0.9);
  });
});
