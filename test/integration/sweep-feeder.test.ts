/**
 * Windowed feeding: a sweep's trials reach the job queue a window at a time, topped up as trials
 * finish, and cancel/retry work on fed and unfed trials alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { createRedisConnection } from '../../shared/queue/index.js';
import { bullPrefix } from '../../shared/queue/trial-queue.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { startWorker, type RunningWorker } from '../../services/worker/worker-runtime.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';

const WINDOW = 10;

function tinySweep(trials: number) {
  return {
    name: 'feeder',
    dataset: { make_classification: { n_samples: 120, n_features: 4, n_informative: 2, n_redundant: 1, random_state: 3 }, target: 'target' },
    pipeline: { imputer: null, scaler: null },
    cv: { folds: 0, scoring: 'accuracy' },
    objective: { metric: 'accuracy', goal: 'maximize' },
    search: {
      method: 'random',
      max_trials: trials,
      seed: 5,
      space: [{ model: 'logistic_regression', params: { C: { distribution: 'log_uniform', min: 0.01, max: 10 } } }],
    },
  };
}

describe('SweepFeeder', () => {
  let setup: TestSetup;
  let service: SweepService;
  let queue: Queue;
  let connection: ReturnType<typeof createRedisConnection>;

  before(async () => {
    setup = await makeTestSetup('feeder', { env: { SWEEPQ_FEED_WINDOW: String(WINDOW), SWEEPQ_FEED_INTERVAL_MS: '200' } });
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    connection = createRedisConnection(setup.env.REDIS_URL!, { name: 'feeder-test' });
    queue = new Queue(setup.config.queue.name, { connection, prefix: bullPrefix(setup.config.redis.prefix) });
  });
  after(async () => {
    await queue.close();
    await service.close();
    connection.disconnect();
    await setup.cleanup();
  });

  it('enqueues only a window of jobs at submit and feeds the rest as trials finish', async () => {
    const { sweepId, total } = await service.submit(tinySweep(60));
    assert.equal(total, 60);
    assert.equal(await queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized'), WINDOW, 'only the window is queued');
    const worker: RunningWorker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    try {
      const status = await waitForSweep(service, sweepId, 60_000);
      assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 60, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
      const { trials } = await service.trials(sweepId, { limit: 100 });
      for (const t of trials) assert.equal(t.attempt, 1, `${t.id} ran once`);
    } finally {
      await worker.close(1000);
    }
  });

  it('refuses an extension with another pipeline or cv, naming what differs', async () => {
    const { sweepId } = await service.submit(tinySweep(2));
    await assert.rejects(service.extend(sweepId, { ...tinySweep(1), pipeline: { imputer: null, scaler: 'standard' }, cv: { folds: 3, scoring: 'accuracy' } }), {
      code: 'INVALID_SPEC',
      message: new RegExp(
        `^extending sweep ${sweepId} needs the same dataset, split, pipeline and cv as the sweep, but this file's pipeline, cv differ from the sweep's`,
      ),
    });
  });

  it('enqueues one trial per model first (their cold starts), then the costliest first, indices unchanged', async () => {
    const { search: _search, ...base } = tinySweep(1);
    const spec = {
      ...base,
      trials: [
        { name: 'lr', model: 'logistic_regression', params: {} },
        { name: 'rf_small', model: 'random_forest', params: { n_estimators: 10, max_depth: 3 } },
        { name: 'gb', model: 'gradient_boosting', params: { n_estimators: 100 } },
        { name: 'rf_big', model: 'random_forest', params: { n_estimators: 200 } },
      ],
    };
    const { sweepId } = await service.submit(spec);
    const waiting = await queue.getJobs(['waiting'], 0, -1, true);
    const order = waiting.filter((j) => (j.data as { sweepId: string }).sweepId === sweepId).map((j) => (j.data as { index: number }).index);
    // The sweep's first step on 120 × 4 rows: each model's cold start on a fresh training process
    // outweighs the fits (trial-queue-order.ts), so one trial per model first — boosting's cold start is
    // the largest —, then the rest longest first.
    assert.deepEqual(order, [2, 3, 0, 1], 'gb, rf_big, lr, rf_small');
    const { trials } = await service.trials(sweepId, { limit: 10 });
    assert.deepEqual(
      trials.map((t) => [t.index, t.name]),
      [
        [0, 'lr'],
        [1, 'rf_small'],
        [2, 'gb'],
        [3, 'rf_big'],
      ],
      'trial indices and names stay those of the file',
    );
    await service.cancel(sweepId);
  });

  it('runs two concurrent extensions of one sweep completely, each trial once', async () => {
    const { sweepId } = await service.submit(tinySweep(6));
    const results = await Promise.all([service.extend(sweepId, tinySweep(7)), service.extend(sweepId, tinySweep(8))]);
    assert.equal(Math.max(...results.map((r) => r.total)), 21);
    const worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    try {
      const status = await waitForSweep(service, sweepId, 60_000);
      assert.equal(status.total, 21);
      assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 21, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
      const { trials } = await service.trials(sweepId, { limit: 100 });
      assert.deepEqual(
        trials.map((t) => t.index),
        Array.from({ length: 21 }, (_, i) => i),
      );
    } finally {
      await worker.close(1000);
    }
  });

  it('cancels fed and unfed trials, and retry runs them all to completion', async () => {
    const { sweepId } = await service.submit(tinySweep(40));
    const cancelled = await service.cancel(sweepId);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.counts.cancelled, 40);
    assert.equal(await queue.getJobCountByTypes('waiting', 'delayed', 'prioritized'), 0, 'fed jobs were removed');

    assert.deepEqual(await service.retry(sweepId), { requeued: 40 });
    const worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    try {
      const status = await waitForSweep(service, sweepId, 60_000);
      assert.equal(status.state, 'completed');
      assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 40, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
    } finally {
      await worker.close(1000);
    }
  });
});
