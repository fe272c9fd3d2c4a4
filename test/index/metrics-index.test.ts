/**
 * The index on a real Redis: lazy creation under compare-and-set, atomic segment appends, cancel and
 * retry of created and uncreated trials, forced ends, leaderboard ties, the completion log, and the
 * index version (stamp, refusal, migration of version 1 data).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { ensureIndexVersion, INDEX_VERSION, MetricsIndex, type TrialCommit } from '../../shared/index/index.js';
import { createRedisConnection } from '../../shared/queue/index.js';
import { createTestSweep, TEST_CONTEXT, testSweepId } from '../support/index-fixtures.js';
import { testEnv, uniquePrefix } from '../support/servers.js';

function commitOf(token: string, metrics: Record<string, number | null>, goal: 'maximize' | 'minimize' = 'maximize', metric = 'accuracy'): TrialCommit {
  return {
    token,
    durationMs: 3,
    metrics,
    folds: [0.5, 0.75],
    timings: { fitMs: 1, cvMs: 1, evalMs: 1, totalMs: 3 },
    artifact: 'artifacts/x.json',
    objective: { metric, goal },
  };
}

describe('MetricsIndex', () => {
  let redis: Redis;
  let index: MetricsIndex;

  before(() => {
    redis = createRedisConnection(testEnv().redisUrl!, { name: 'index-test' });
    index = new MetricsIndex(redis, uniquePrefix('index'));
  });
  after(() => redis.quit());

  const claim = async (id: string, i: number, token: string): Promise<string> => (await index.transitions.claim(id, i, token, 'w1')).result;

  it('refuses claims after a cancel, counts uncreated trials cancelled, and retry undoes both', async () => {
    const id = await createTestSweep(index, { trials: 5, create: false });
    // Only the first 3 of 5 planned trials exist.
    const created = [0, 1, 2].map((i) => ({ name: `t${i}`, model: 'logistic_regression', entry: i, segment: 0, params: {}, seed: i }));
    assert.equal(await index.feed.createTrials(id, 0, created), 'ok');
    assert.equal(await claim(id, 0, 'token-a'), 'ok');
    assert.equal(await index.transitions.cancel(id), 2 + 2, 'two queued trials and two uncreated ones');
    assert.equal(await claim(id, 0, 'token-b'), 'cancelled', 'a re-delivered job must not run in a cancelled sweep');
    assert.equal(await index.feed.createTrials(id, 3, created.slice(0, 2)), 'cancelled', 'no trial is created in a cancelled sweep');
    const cancelled = (await index.sweeps.get(id))!;
    assert.deepEqual(cancelled.counts, { queued: 0, active: 0, completed: 0, failed: 0, cancelled: 5, pruned: 0, quarantined: 0 });
    assert.equal(cancelled.total, 5);
    assert.notEqual(cancelled.finishedAt, null, 'every planned trial is accounted for');

    const { requeued, resumed } = await index.transitions.requeue(id);
    assert.equal(requeued.length, 3);
    assert.equal(resumed, 2);
    const back = (await index.sweeps.get(id))!;
    assert.equal(back.cancelled, false);
    assert.equal(back.finishedAt, null);
    assert.deepEqual(back.counts, { queued: 5, active: 0, completed: 0, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
    assert.equal(await index.feed.createTrials(id, 3, created.slice(0, 2)), 'ok', 'the feeder creates the rest again');
    assert.equal(await claim(id, 4, 'token-c'), 'ok');
  });

  it('ends an abandoned trial once, only for the job that names it, as failed or quarantined', async () => {
    const id = await createTestSweep(index, { trials: 2 });
    assert.equal(await claim(id, 0, 'token-a'), 'ok');
    assert.equal(await index.transitions.forceFinish(id, 0, 1, 'failed', 'stalled'), 'stale', 'a job of another retry does not count');
    assert.equal(await index.transitions.forceFinish(id, 0, 0, 'quarantined', 'crashed workers'), 'ok');
    assert.equal(await index.transitions.forceFinish(id, 0, 0, 'failed', 'again'), 'stale', 'already ended');
    assert.equal(await index.transitions.commit(id, 0, commitOf('token-a', { accuracy: 1 })), 'stale', 'the lost attempt cannot commit');
    assert.equal(await claim(id, 0, 'token-b'), 'quarantined', 'a quarantined trial is not handed out again');
    const sweep = (await index.sweeps.get(id))!;
    assert.deepEqual(sweep.counts, { queued: 1, active: 0, completed: 0, failed: 0, cancelled: 0, pruned: 0, quarantined: 1 });
    const { requeued } = await index.transitions.requeue(id);
    assert.deepEqual(requeued, [{ index: 0, retries: 1 }], 'retry brings a quarantined trial back');
  });

  it('appends segments atomically with disjoint ranges, and refuses past the limit without a trace', async () => {
    const id = await createTestSweep(index, { trials: 0 });
    const plan = { kind: 'explicit' as const, size: 5, seed: 0, trials: [] };
    const starts = await Promise.all([1, 2, 3].map(() => index.feed.appendSegments(id, [plan, plan], 1000)));
    assert.deepEqual(
      [...starts].sort((a, b) => a - b),
      [0, 10, 20],
    );
    const segments = await index.feed.segments(id);
    assert.deepEqual(
      segments.map((s) => s.start).sort((a, b) => a - b),
      [0, 5, 10, 15, 20, 25],
    );
    await assert.rejects(index.feed.appendSegments(id, [plan, { ...plan, size: 1000 }], 1000), { code: 'LIMIT_EXCEEDED' });
    assert.equal((await index.sweeps.get(id))!.total, 30, 'a refused extension changes nothing');
    assert.equal(await redis.llen(index.keys.segments(id)), 6);
  });

  it('creates trials under compare-and-set: of two concurrent creators of the same range one wins', async () => {
    const id = await createTestSweep(index, { trials: 4, create: false });
    const batch = (tag: string) => [0, 1].map((i) => ({ name: `dup`, model: 'logistic_regression', entry: i, segment: 0, params: { tag }, seed: i }));
    const results = await Promise.all([index.feed.createTrials(id, 0, batch('a')), index.feed.createTrials(id, 0, batch('b'))]);
    assert.deepEqual([...results].sort(), ['moved', 'ok']);
    const trials = await index.trials.getMany(id, [0, 1]);
    assert.deepEqual(
      trials.map((t) => t.name),
      ['dup', 'dup#2'],
      'names are unique within the sweep',
    );
    assert.equal(new Set(trials.map((t) => (t.params as { tag: string }).tag)).size, 1, 'both trials come from the winner');
    assert.equal((await index.feed.state(id))!.created, 2);
  });

  for (const goal of ['maximize', 'minimize'] as const) {
    it(`ranks equal ${goal}d scores by lowest trial index first (12 trials, so "10" vs "9" would show)`, async () => {
      const id = await createTestSweep(index, { trials: 12, objective: { metric: 'log_loss', goal } });
      const value = (i: number): number => (i % 3 === 0 ? 0.5 : i % 3 === 1 ? 0.25 : 0.75);
      for (let i = 11; i >= 0; i--) {
        assert.equal(await claim(id, i, `t${i}`), 'ok');
        assert.equal(await index.transitions.commit(id, i, commitOf(`t${i}`, { log_loss: value(i) }, goal, 'log_loss')), 'ok');
      }
      const { indices, total } = await index.leaderboard(id, 0, 12);
      assert.equal(total, 12);
      const expected = [...Array(12).keys()].sort((a, b) => (goal === 'maximize' ? value(b) - value(a) : value(a) - value(b)) || a - b);
      assert.deepEqual(indices, expected);
    });
  }

  it('logs claims and results with params, metrics and per-fold scores', async () => {
    const id = await createTestSweep(index, { trials: 1 });
    assert.equal(await claim(id, 0, 'tok'), 'ok');
    assert.equal(await index.transitions.commit(id, 0, commitOf('tok', { accuracy: 0.8, auc_roc: Number.NaN })), 'ok');
    const events = await index.log.readAll(id);
    assert.deepEqual(
      events.map((e) => e.s),
      ['active', 'completed'],
    );
    const done = events[1]!;
    assert.deepEqual(done.p, { C: 1 });
    assert.deepEqual(done.m, { accuracy: 0.8, auc_roc: null }, 'NaN is stored as null');
    assert.deepEqual(done.f, [0.5, 0.75]);
    assert.equal(done.w, 'w1');
    assert.deepEqual((await index.trials.get(id, 0))!.folds, [0.5, 0.75]);
  });

  it('writes the result-cache entry with a completed commit only, never for a fenced, cancelled or pruned one', async () => {
    const id = await createTestSweep(index, { trials: 4 });
    const entry = (key: string) => ({ cacheEntry: { key, value: `{"from":"${key}"}` } });
    for (let i = 0; i < 4; i++) assert.equal(await claim(id, i, `tok${i}`), 'ok');
    assert.equal(await index.transitions.commit(id, 0, { ...commitOf('tok0', { accuracy: 0.8 }), ...entry('k-completed') }), 'ok');
    assert.equal(await index.transitions.commit(id, 1, { ...commitOf('stale-token', { accuracy: 0.8 }), ...entry('k-fenced') }), 'fenced');
    assert.equal(await index.transitions.commit(id, 2, { ...commitOf('tok2', { accuracy: 0.8 }), status: 'pruned', ...entry('k-pruned') }), 'ok');
    await index.transitions.flagCancelled(id);
    assert.equal(await index.transitions.commit(id, 3, { ...commitOf('tok3', { accuracy: 0.8 }), ...entry('k-cancelled') }), 'cancelled');
    const cache = await redis.hgetall(index.keys.resultCache());
    assert.deepEqual(cache, { 'k-completed': '{"from":"k-completed"}' });
  });

  it('claims a batch of trials, each with its own token, refusing finished and moved ones alone', async () => {
    const id = await createTestSweep(index, { trials: 5 });
    assert.equal(await claim(id, 1, 'earlier'), 'ok');
    assert.equal(await index.transitions.commit(id, 1, commitOf('earlier', { accuracy: 0.5 })), 'ok');
    assert.equal(await index.transitions.rejob(id, 3, 0), 1, 'trial 3 moved to a job of its own');
    const claims = [0, 1, 2, 3, 4].map((i) => ({ index: i, token: `batch-${i}` }));
    const outcomes = await index.transitions.claimBatch(id, claims, 'w1', Date.now(), 0);
    assert.deepEqual(
      outcomes.map((o) => o.result),
      ['ok', 'completed', 'ok', 'moved', 'ok'],
    );
    assert.deepEqual(outcomes[2]!.trial, { ...(await index.transitions.claim(id, 2, 'batch-2', 'w1', Date.now(), 0)).trial! });
    for (const i of [0, 2, 4]) {
      const trial = (await index.trials.get(id, i))!;
      assert.equal(trial.status, 'active');
      assert.equal(trial.attempt, i === 2 ? 2 : 1);
    }
    assert.equal((await index.sweeps.get(id))!.counts.active, 3, 'each claimed trial counts once');
  });

  it('commits a batch fenced per trial: a stale token is refused alone, the others commit once', async () => {
    const id = await createTestSweep(index, { trials: 4 });
    const outcomes = await index.transitions.claimBatch(
      id,
      [0, 1, 2, 3].map((i) => ({ index: i, token: `tok${i}` })),
      'w1',
    );
    assert.ok(outcomes.every((o) => o.result === 'ok'));
    // Trial 2's attempt was superseded (its lock was lost and another run claimed it again).
    assert.equal(await claim(id, 2, 'newer'), 'ok');
    const batch = [0, 1, 2, 3].map((i) => ({
      index: i,
      result: { ...commitOf(`tok${i}`, { accuracy: i / 10 }), cacheEntry: { key: `k${i}`, value: `{"i":${i}}` } },
    }));
    assert.deepEqual(await index.transitions.commitBatch(id, batch), ['ok', 'ok', 'fenced', 'ok']);
    assert.deepEqual(await index.transitions.commitBatch(id, batch.slice(0, 1)), ['stale'], 'a trial commits once');
    const sweep = (await index.sweeps.get(id))!;
    assert.deepEqual(sweep.counts, { queued: 0, active: 1, completed: 3, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
    assert.equal((await index.trials.get(id, 2))!.status, 'active', 'the superseding attempt still owns trial 2');
    const cache = await redis.hgetall(index.keys.resultCache());
    assert.equal(cache.k2, undefined, 'no cache entry from the refused commit');
    assert.equal(cache.k3, '{"i":3}');
    const done = (await index.log.readAll(id)).filter((e) => e.s === 'completed');
    assert.deepEqual(
      done.map((e) => e.i),
      [0, 1, 3],
    );
    assert.equal(await index.transitions.commit(id, 2, commitOf('newer', { accuracy: 1 })), 'ok');
    assert.notEqual((await index.sweeps.get(id))!.finishedAt, null, 'the sweep finishes with its last commit');
  });

  it('records a batch committed after a cancel as cancelled', async () => {
    const id = await createTestSweep(index, { trials: 2 });
    await index.transitions.claimBatch(
      id,
      [0, 1].map((i) => ({ index: i, token: `tok${i}` })),
      'w1',
    );
    await index.transitions.flagCancelled(id);
    const batch = [0, 1].map((i) => ({ index: i, result: commitOf(`tok${i}`, { accuracy: 0.5 }) }));
    assert.deepEqual(await index.transitions.commitBatch(id, batch), ['cancelled', 'cancelled']);
    assert.equal((await index.sweeps.get(id))!.counts.cancelled, 2);
    assert.deepEqual(
      (await index.transitions.claimBatch(id, [{ index: 0, token: 'x' }], 'w1')).map((o) => o.result),
      ['cancelled'],
    );
  });

  it('refuses more metrics than a trial may report', async () => {
    const id = await createTestSweep(index, { trials: 1 });
    assert.equal(await claim(id, 0, 'tok'), 'ok');
    const many: Record<string, number> = {};
    for (let i = 0; i < 65; i++) many[`m${i}`] = i;
    await assert.rejects(index.transitions.commit(id, 0, commitOf('tok', many)), { code: 'LIMIT_EXCEEDED' });
  });
});

describe('index version', () => {
  let redis: Redis;
  before(() => {
    redis = createRedisConnection(testEnv().redisUrl!, { name: 'index-version-test' });
  });
  after(() => redis.quit());

  it('stamps an empty Redis with the current version', async () => {
    const prefix = uniquePrefix('ver');
    await ensureIndexVersion(redis, prefix);
    assert.equal(await redis.hget(`${prefix}:meta`, 'indexVersion'), String(INDEX_VERSION));
  });

  it('refuses data written by a newer sweepq, naming the prefix', async () => {
    const prefix = uniquePrefix('ver');
    await redis.hset(`${prefix}:meta`, 'indexVersion', INDEX_VERSION + 1);
    await assert.rejects(
      ensureIndexVersion(redis, prefix),
      (error: Error & { code?: string }) => error.code === 'INDEX_VERSION' && error.message.includes(prefix) && /newer sweepq/.test(error.message),
    );
  });

  it('migrates version 1 data: segments, completion log, objective leaderboard, counters', async () => {
    const prefix = uniquePrefix('ver');
    const id = testSweepId();
    // A sweep as sweepq 0.1 wrote it: every trial created, per-metric leaderboards, no log.
    await redis.zadd(`${prefix}:sweeps`, 1, id);
    await redis.hset(`${prefix}:sweep:${id}`, {
      id,
      name: 'old',
      description: '',
      createdAt: 1,
      objectiveMetric: 'log_loss',
      objectiveGoal: 'minimize',
      seed: 0,
      context: JSON.stringify({ ...TEST_CONTEXT, cv: { folds: 5, scoring: 'accuracy', shuffle: false } }),
      spec: '{}',
      total: 3,
      active: 0,
      completed: 2,
      failed: 1,
      cancelled: 0,
      cancelledFlag: 0,
      finishedAt: 9,
      fed: 3,
      reserved: 3,
    });
    const trial = (i: number, status: string, metrics?: object) => ({
      id: `${id}-t${i}`,
      index: i,
      name: `lr${i}`,
      model: 'logistic_regression',
      params: JSON.stringify({ C: i }),
      seed: i,
      status,
      attempt: 1,
      retries: 0,
      finishedAt: 9,
      durationMs: 4,
      ...(metrics === undefined ? { error: 'boom' } : { metrics: JSON.stringify(metrics) }),
    });
    await redis.hset(`${prefix}:sweep:${id}:trial:0`, trial(0, 'completed', { log_loss: 0.3, accuracy: 0.9 }));
    await redis.hset(`${prefix}:sweep:${id}:trial:1`, trial(1, 'completed', { log_loss: 0.2, accuracy: 0.8 }));
    await redis.hset(`${prefix}:sweep:${id}:trial:2`, trial(2, 'failed'));
    await redis.zadd(`${prefix}:sweep:${id}:lb:accuracy`, 0.9, '0', 0.8, '1');

    await ensureIndexVersion(redis, prefix);
    const index = new MetricsIndex(redis, prefix);
    const sweep = (await index.sweeps.get(id))!;
    assert.equal(sweep.created, 3);
    assert.deepEqual(sweep.counts, { queued: 0, active: 0, completed: 2, failed: 1, cancelled: 0, pruned: 0, quarantined: 0 });
    assert.deepEqual(sweep.objective, { metric: 'log_loss', goal: 'minimize' });
    assert.equal(sweep.metrics.goal('cv_mean'), 'maximize', 'cv_mean follows cv.scoring (accuracy)');
    assert.deepEqual((await index.leaderboard(id, 0, 10)).indices, [1, 0], 'lowest log loss first');
    assert.deepEqual(
      (await index.log.readAll(id)).map((e) => [e.i, e.s]),
      [
        [0, 'completed'],
        [1, 'completed'],
        [2, 'failed'],
      ],
    );
    assert.equal(await redis.exists(`${prefix}:sweep:${id}:lb:accuracy`), 0, 'old leaderboards removed');
    const segments = await index.feed.segments(id);
    assert.equal(segments.length, 1);
    assert.equal(segments[0]!.size, 3);
    assert.equal(await redis.hget(`${prefix}:meta`, 'indexVersion'), String(INDEX_VERSION));
  });
});
