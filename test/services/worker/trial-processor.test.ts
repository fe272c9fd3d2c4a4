/**
 * TrialProcessor, one job at a time, without BullMQ: a real Redis index, a local store, a real
 * training thread, and a job object carrying only what the processor reads. Each path of a trial's
 * attempt — completed, skipped, fenced, cancelled, retried, failed, bad payload — leaves the index in
 * the state the lifecycle promises.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { MetricsIndex } from '../../../shared/index/index.js';
import { createRedisConnection } from '../../../shared/queue/index.js';
import type { TrialJob } from '../../../shared/schemas/trial.schema.js';
import { createObjectStore } from '../../../shared/store/index.js';
import { DatasetCache } from '../../../shared/sweep/dataset-cache.js';
import { createSweepService, type SweepService } from '../../../shared/sweep/sweep-service.js';
import { SlotPool } from '../../../services/worker/slot-pool.js';
import { TrainingSlot } from '../../../services/worker/training-slot.js';
import { TrialProcessor } from '../../../services/worker/trial.processor.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';

const SPEC = {
  name: 'processor_test',
  dataset: { make_classification: { n_samples: 200, n_features: 6, n_informative: 4, n_redundant: 1, random_state: 3 } },
  cv: { folds: 3, scoring: 'accuracy' },
  objective: { metric: 'accuracy' },
  trials: [
    { model: 'logistic_regression', params: { C: 1 } },
    // Long enough (seconds) to be interrupted while training.
    { model: 'random_forest', params: { n_estimators: 1500, max_depth: null } },
    { model: 'random_forest', params: { n_estimators: 1500, max_depth: null } },
    { model: 'logistic_regression', params: { C: 0.25 } },
    { model: 'random_forest', params: { n_estimators: 1500, max_depth: null } },
  ],
};

/** The part of a BullMQ job the processor reads. */
function fakeJob(data: unknown, options: { attemptsMade?: number; attempts?: number } = {}): Job<TrialJob> & { delayed: number } {
  const job = {
    id: (data as { trialId?: string }).trialId ?? 'bad',
    data,
    opts: { attempts: options.attempts ?? 3 },
    attemptsMade: options.attemptsMade ?? 0,
    delayed: 0,
    async moveToDelayed(): Promise<void> {
      job.delayed++;
    },
  };
  return job as unknown as Job<TrialJob> & { delayed: number };
}

describe('TrialProcessor', () => {
  let setup: TestSetup;
  let service: SweepService;
  let redis: Redis;
  let index: MetricsIndex;
  let thread: TrainingSlot;
  let processor: TrialProcessor;
  let sweepId: string;

  before(async () => {
    setup = await makeTestSetup('processor');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    redis = createRedisConnection(setup.config.redis.url!, { name: 'processor-test' });
    index = new MetricsIndex(redis, setup.config.redis.prefix);
    const store = await createObjectStore(setup.config, setup.logger);
    thread = new TrainingSlot();
    processor = new TrialProcessor({
      index,
      store,
      datasets: new DatasetCache(store, path.join(setup.stateDir, 'cache')),
      slots: new SlotPool([thread]),
      defaultLimits: { memoryMb: 1024, timeoutS: 300 },
      workerId: 'unit-worker',
      logger: setup.logger,
    });
    sweepId = (await service.submit(SPEC)).sweepId;
  });
  after(async () => {
    await thread.close();
    redis.disconnect();
    await service.close();
    await setup.cleanup();
  });

  /** Waits until our attempt of trial `i` is active (claimed and training). */
  async function training(i: number): Promise<void> {
    for (let n = 0; n < 500; n++) {
      const trial = await index.trials.get(sweepId, i);
      if (trial?.status === 'active' && trial.worker === 'unit-worker') return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`trial ${i} never started`);
  }

  const job = (i: number, options?: { attemptsMade?: number; attempts?: number }) => fakeJob({ v: 1, sweepId, trialId: `${sweepId}-t${i}`, index: i }, options);

  it('trains, stores the artefact, then commits once: a completed trial with metrics and folds', async () => {
    assert.deepEqual(await processor.process(job(0)), { outcome: 'completed' });
    const trial = (await index.trials.get(sweepId, 0))!;
    assert.equal(trial.status, 'completed');
    assert.equal(trial.worker, 'unit-worker');
    assert.equal(trial.folds?.length, 3, 'one CV score per fold');
    assert.ok(typeof trial.metrics?.accuracy === 'number');
    assert.ok((await service.artifact(sweepId, trial.id)).length > 100, 'the artefact was stored before the commit');
    assert.equal(thread.busy, false, 'the thread is free again');
  });

  it('skips a trial that is already finished (a duplicate job)', async () => {
    assert.deepEqual(await processor.process(job(0)), { outcome: 'skipped', detail: 'completed' });
  });

  it('reports fenced when another attempt took the trial while this one trained', async () => {
    // Another worker claims trial 1 while ours trains: our commit carries a superseded token.
    const running = processor.process(job(1));
    await training(1);
    await index.transitions.claim(sweepId, 1, randomUUID(), 'other-worker');
    const outcome = await running;
    assert.equal(outcome.outcome, 'fenced');
    assert.equal((await index.trials.get(sweepId, 1))!.worker, 'other-worker', 'the winner keeps the trial');
  });

  it('refuses an invalid payload and an unknown sweep without retrying', async () => {
    await assert.rejects(processor.process(fakeJob({ v: 1, sweepId: 'nope' })), UnrecoverableError);
    await assert.rejects(processor.process(fakeJob({ v: 1, sweepId: 's-000000000000', trialId: 's-000000000000-t0', index: 0 })), UnrecoverableError);
  });

  it('hands the trial back without spending an attempt when the worker shuts down mid-trial', async () => {
    const running = processor.process(job(2));
    await training(2);
    const handedBack = assert.rejects(running, DelayedError);
    await processor.abortAll();
    await handedBack;
    assert.equal((await index.trials.get(sweepId, 2))!.status, 'queued');
  });

  it('sends a job waiting for the slot back to the queue unclaimed when the worker stops', async () => {
    const pool = new SlotPool([thread]);
    const ahead = new TrialProcessor({
      index,
      store: await createObjectStore(setup.config, setup.logger),
      datasets: new DatasetCache(await createObjectStore(setup.config, setup.logger), path.join(setup.stateDir, 'cache')),
      slots: pool,
      defaultLimits: { memoryMb: 1024, timeoutS: 300 },
      workerId: 'unit-worker',
      logger: setup.logger,
    });
    const before = (await index.trials.get(sweepId, 4))!;
    const first = ahead.process(job(2));
    await training(2);
    const waitingJob = job(4);
    const waiting = assert.rejects(ahead.process(waitingJob, 'lock-token'), DelayedError);
    pool.close();
    await waiting;
    assert.equal(waitingJob.delayed, 1, 'moved back to the queue');
    const after = (await index.trials.get(sweepId, 4))!;
    assert.equal(after.status, 'queued');
    assert.equal(after.attempt, before.attempt, 'never claimed');
    const firstBack = assert.rejects(first, DelayedError);
    await ahead.abortAll();
    await firstBack;
  });

  it('releases on a retryable error before the last attempt, and fails on the last', async () => {
    // The dataset object disappears: a transient store error (retryable) on the next download.
    const broken = new TrialProcessor({
      index,
      store: {
        ...(await createObjectStore(setup.config, setup.logger)),
        get: async () => {
          throw Object.assign(new Error('store down'), { code: 'STORE_UNAVAILABLE' });
        },
      },
      datasets: new DatasetCache(
        {
          getToFile: async () => {
            throw new (await import('../../../shared/errors/index.js')).SweepqError('STORE_UNAVAILABLE', 'store down');
          },
        } as never,
        path.join(setup.stateDir, 'cache-broken'),
      ),
      slots: new SlotPool([thread]),
      defaultLimits: { memoryMb: 1024, timeoutS: 300 },
      workerId: 'unit-worker',
      logger: setup.logger,
    });
    await assert.rejects(broken.process(job(3, { attemptsMade: 0, attempts: 2 })), /store down/);
    assert.equal((await index.trials.get(sweepId, 3))!.status, 'queued', 'released for the retry');
    await assert.rejects(broken.process(job(3, { attemptsMade: 1, attempts: 2 })), UnrecoverableError);
    const failed = (await index.trials.get(sweepId, 3))!;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /^STORE_UNAVAILABLE: /);
  });

  it('records cancelled when the sweep is cancelled while the trial trains', async () => {
    const running = processor.process(job(4));
    await training(4);
    await processor.abortSweep(sweepId);
    assert.equal((await running).outcome, 'cancelled');
    assert.equal((await index.trials.get(sweepId, 4))!.status, 'cancelled');
  });
});
