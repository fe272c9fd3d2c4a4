/**
 * The index's state transitions on a real Redis: cancel is durable for later claims, retry restores
 * counters, and force-fail only touches the job it names.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { MetricsIndex } from '../../shared/index/index.js';
import { createRedisConnection } from '../../shared/queue/index.js';
import type { SweepContext } from '../../shared/schemas/sweep-context.schema.js';
import { testEnv, uniquePrefix } from '../support/servers.js';

const CONTEXT: SweepContext = {
  v: 1,
  dataset: { train: 'a'.repeat(64), test: null, target: 'target', split: { test_size: 0.2, random_state: 0, stratify: false } },
  pipeline: { imputer: null, scaler: null },
  cv: { folds: 0, scoring: 'accuracy', shuffle: false },
};

describe('MetricsIndex transitions', () => {
  let redis: Redis;
  let index: MetricsIndex;
  let n = 0;

  before(() => {
    redis = createRedisConnection(testEnv().redisUrl!, { name: 'index-test' });
    index = new MetricsIndex(redis, uniquePrefix('index'));
  });
  after(() => redis.quit());

  async function sweepWith(trials: number): Promise<string> {
    const id = `s-indextest${(n++).toString().padStart(4, '0')}`;
    await index.createSweep({ id, name: 'index_test', description: '', createdAt: Date.now(), objective: { metric: 'accuracy', goal: 'maximize' }, seed: 0, context: CONTEXT, spec: {} });
    const list = [];
    for (let i = 0; i < trials; i++) list.push({ index: i, id: `${id}-t${i}`, name: `t${i}`, model: 'logistic_regression', params: {}, seed: i });
    await index.addTrials(id, list);
    return id;
  }

  it('refuses claims after a cancel, whatever the cancelled count, and retry undoes it', async () => {
    const id = await sweepWith(3);
    assert.equal(await index.claim(id, 0, 'token-a', 'w1'), 'ok');
    assert.equal(await index.cancel(id, 3), 2, 'the two queued trials are cancelled');
    // A re-delivered job (its worker died) must not run in a cancelled sweep.
    assert.equal(await index.claim(id, 0, 'token-b', 'w2'), 'cancelled');
    const cancelled = (await index.getSweep(id))!;
    assert.deepEqual(cancelled.counts, { queued: 0, active: 0, completed: 0, failed: 0, cancelled: 3 });
    assert.equal(cancelled.cancelled, true);

    assert.equal((await index.requeue(id, 3)).length, 3);
    const resumed = (await index.getSweep(id))!;
    assert.equal(resumed.cancelled, false);
    assert.deepEqual(resumed.counts, { queued: 3, active: 0, completed: 0, failed: 0, cancelled: 0 });
    assert.equal(await index.claim(id, 1, 'token-c', 'w1'), 'ok', 'a resumed sweep runs again');
  });

  it('force-fails an abandoned trial once, and only for the job that names it', async () => {
    const id = await sweepWith(2);
    assert.equal(await index.claim(id, 0, 'token-a', 'w1'), 'ok');
    assert.equal(await index.forceFail(id, 0, 1, 'stalled'), 'stale', 'a job of another retry does not count');
    assert.equal(await index.forceFail(id, 0, 0, 'stalled'), 'ok');
    assert.equal(await index.forceFail(id, 0, 0, 'stalled'), 'stale', 'already failed');
    assert.equal(await index.commit(id, 0, { token: 'token-a', durationMs: 1, metrics: {}, timings: {}, artifact: 'x' }), 'stale', 'the lost attempt cannot commit');
    const sweep = (await index.getSweep(id))!;
    assert.deepEqual(sweep.counts, { queued: 1, active: 0, completed: 0, failed: 1, cancelled: 0 });
  });

  it('reserves disjoint index ranges for concurrent extensions', async () => {
    const id = await sweepWith(0);
    const starts = await Promise.all([index.reserveIndices(id, 5), index.reserveIndices(id, 5), index.reserveIndices(id, 5)]);
    assert.deepEqual([...starts].sort((a, b) => a - b), [0, 5, 10]);
  });
});
