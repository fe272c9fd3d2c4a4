import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MetricsIndex } from '../../shared/index/index.js';
import type { Segment } from '../../shared/search/search-segment.js';
import { ObservationReader } from '../../shared/sweep/observation-reader.js';
import { testEnv, uniquePrefix } from '../support/servers.js';

const SWEEP = 'reader';
const space = [{ model: 'gradient_boosting' as const, params: { max_depth: { values: [1, 2, 3] } } }];
const segment = (start: number, size: number): Segment => ({ kind: 'tpe', start, size, seed: 0, searchSeed: 0, maxTrials: size, space });

describe('ObservationReader', () => {
  let redis: Redis;
  let index: MetricsIndex;
  let step = 0;

  before(() => {
    const url = testEnv().redisUrl;
    if (!url) throw new Error('TEST_REDIS_URL is not set: run tests through `npm test` (scripts/run-tests.mjs)');
    redis = new Redis(url, { maxRetriesPerRequest: null });
    index = new MetricsIndex(redis, uniquePrefix('observation-reader'));
  });

  after(() => redis.disconnect());

  /** Logs one event for trial i (and keeps its definition, read for pending trials). */
  async function log(i: number, s: string, value?: number): Promise<void> {
    const params = { max_depth: (i % 3) + 1 };
    await redis.hset(index.keys.trial(SWEEP, i), { entry: '0', params: JSON.stringify(params), status: s });
    const event = { i, s, t: ++step, e: 0, p: params, ...(value === undefined ? {} : { m: { score: value } }) };
    await redis.rpush(index.keys.log(SWEEP), JSON.stringify(event));
  }

  it('keeps a segment’s observations in index order through out-of-order results, retries and requeues', async () => {
    const kept = new ObservationReader(index);
    const whole = segment(0, 100);
    const values = (o: { observations: readonly { value: number | null }[] }): (number | null)[] => o.observations.map((x) => x.value);
    for (const i of [0, 1, 2, 3, 4, 5])
      await redis.hset(index.keys.trial(SWEEP, i), { entry: '0', params: JSON.stringify({ max_depth: (i % 3) + 1 }), status: 'running' });
    await log(1, 'completed', 0.1);
    await log(0, 'completed', 0.0);
    let seen = await kept.snapshot(SWEEP, whole, 'score', 6);
    assert.deepEqual(values(seen), [0.0, 0.1]);
    assert.equal(seen.pending.length, 4);
    // Trial 3 finishes before 2; trial 1 is retried with a new result; trial 0 is sent back to the queue.
    await log(3, 'completed', 0.3);
    await log(2, 'failed');
    await log(1, 'completed', 0.15);
    await log(0, 'queued');
    await log(5, 'pruned', 0.5);
    seen = await kept.snapshot(SWEEP, whole, 'score', 6);
    assert.deepEqual(values(seen), [0.15, null, 0.3, 0.5]);
    assert.deepEqual(
      seen.observations.map((o) => o.status),
      ['completed', 'failed', 'completed', 'pruned'],
    );
    // Pending: 0 (sent back) and 4.
    assert.deepEqual(
      seen.pending.map((p) => p.params.max_depth),
      [1, 2],
    );
    // A fresh reader (a restarted feeder) reads the same from the whole log, and a later segment sees only its own trials.
    const fresh = await new ObservationReader(index).snapshot(SWEEP, whole, 'score', 6);
    assert.deepEqual(values(fresh), values(seen));
    assert.deepEqual(values(await kept.snapshot(SWEEP, segment(3, 10), 'score', 6)), [0.3, 0.5]);
  });
});
