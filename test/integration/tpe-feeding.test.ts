/**
 * TPE through the feeder (issue 11): trials are proposed when a feeder tops up a small window, under
 * the `created` compare-and-set, with the running trials as the constant liar's pending set. Four
 * feeders racing on one sweep while a worker completes its trials never hand out the same point
 * twice before the finite space is used up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MetricsIndex } from '../../shared/index/index.js';
import { createRedisConnection, TrialQueue } from '../../shared/queue/index.js';
import { SweepFeeder } from '../../shared/sweep/sweep-feeder.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { startWorker } from '../../services/worker/worker-runtime.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';

const FEEDERS = 4;

/** A 3 × 3 discrete space, asked for more trials than it has points. */
function tpeSweep(options: { warmStart?: boolean; dataSeed?: number } = {}) {
  return {
    name: 'tpe_feeding',
    dataset: {
      make_classification: { n_samples: 120, n_features: 4, n_informative: 2, n_redundant: 1, random_state: options.dataSeed ?? 3 },
      target: 'target',
    },
    pipeline: { imputer: null, scaler: null },
    cv: { folds: 0, scoring: 'accuracy' },
    objective: { metric: 'accuracy', goal: 'maximize' },
    search: {
      method: 'tpe',
      max_trials: 12,
      seed: 7,
      tpe: { n_startup_trials: 2 },
      ...(options.warmStart === true ? { warm_start: {} } : {}),
      space: [{ model: 'logistic_regression', params: { C: { values: [0.01, 1, 100] }, max_iter: { values: [50, 100, 200] } } }],
    },
  };
}

describe('TPE feeding', () => {
  let setup: TestSetup;
  let service: SweepService;

  before(async () => {
    setup = await makeTestSetup('tpe-feeding', { env: { SWEEPQ_FEED_INTERVAL_MS: '200' } });
    service = await createSweepService({ config: setup.config, logger: setup.logger });
  });
  after(async () => {
    await service.close();
    await setup.cleanup();
  });

  it('plans min(max_trials, space size) trials and queues only a small window', async () => {
    const { sweepId, total } = await service.submit(tpeSweep());
    assert.equal(total, 9, 'the 3 × 3 space has 9 points');
    const status = await service.status(sweepId);
    assert.ok(status.counts.queued === 9);
    const { trials } = await service.trials(sweepId, { limit: 100 });
    assert.ok(trials.length > 0 && trials.length <= 4, `a small window was created at submit, got ${trials.length}`);
    await service.cancel(sweepId);
  });

  let finishedSweep = '';

  it('four racing feeders never hand out a repeated point until the space is exhausted', async () => {
    const { sweepId } = await service.submit(tpeSweep());
    finishedSweep = sweepId;
    const connections = Array.from({ length: FEEDERS }, (_, i) => createRedisConnection(setup.env.REDIS_URL!, { name: `tpe-feeder-${i}` }));
    const feeders = connections.map(
      (c) =>
        new SweepFeeder(new MetricsIndex(c, setup.config.redis.prefix), new TrialQueue(c, setup.config.redis.prefix, setup.config.queue), 10, setup.logger, 2),
    );
    let racing = true;
    const races = feeders.map(async (feeder) => {
      while (racing) {
        await feeder.feed(sweepId);
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    const worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 2 });
    try {
      const status = await waitForSweep(service, sweepId, 60_000);
      assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 9, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
      const { trials } = await service.trials(sweepId, { limit: 100 });
      const points = trials.map((t) => JSON.stringify([t.params.C, t.params.max_iter]));
      assert.equal(points.length, 9);
      assert.equal(new Set(points).size, 9, `every point once: ${points.join(' ')}`);
    } finally {
      racing = false;
      await Promise.all(races);
      await worker.close(1000);
      for (const c of connections) c.disconnect();
    }
  });

  it('warm-starts from the earlier sweep on the same data, which here leaves no point untried', async () => {
    assert.ok(finishedSweep !== '', 'runs after the racing test');
    const connection = createRedisConnection(setup.env.REDIS_URL!, { name: 'tpe-warm' });
    const index = new MetricsIndex(connection, setup.config.redis.prefix);
    try {
      const earlier = (await service.trials(finishedSweep, { limit: 100 })).trials.map((t) => t.metrics?.accuracy).sort();
      const { sweepId } = await service.submit(tpeSweep({ warmStart: true }));
      const segment = (await index.feed.segments(sweepId)).at(-1)!;
      assert.equal(segment.kind, 'tpe');
      const warm = segment.kind === 'tpe' ? (segment.warm ?? []) : [];
      assert.deepEqual(warm.map((w) => w.value).sort(), earlier, 'the earlier completed trials, valued by the objective');
      // All 9 points were tried by the earlier sweep and TPE never repeats one: the sweep ends at once.
      const status = await waitForSweep(service, sweepId, 10_000);
      assert.equal(status.state, 'completed');
      assert.match(status.stopReason ?? '', /^search space exhausted after 0 trials/);
      assert.equal(status.counts.cancelled, 9);

      const other = await service.submit(tpeSweep({ warmStart: true, dataSeed: 4 }));
      const otherSegment = (await index.feed.segments(other.sweepId)).at(-1)!;
      assert.equal(otherSegment.kind === 'tpe' ? otherSegment.warm : 'not tpe', undefined, 'other data: nothing to learn from');
      await service.cancel(other.sweepId);
    } finally {
      connection.disconnect();
    }
  });
});
