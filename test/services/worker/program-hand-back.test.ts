/**
 * A worker that may not run a sweep's program hands its trials back to the queue untouched (no
 * claim, no attempt spent) for a worker that may: one started without `--programs`, and one whose
 * `--allow-programs` list does not name the program's executable.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DelayedError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { MetricsIndex } from '../../../shared/index/index.js';
import { BundleCache } from '../../../shared/program/program-bundle.js';
import { createRedisConnection } from '../../../shared/queue/index.js';
import type { TrialJob } from '../../../shared/schemas/trial.schema.js';
import { createObjectStore } from '../../../shared/store/index.js';
import type { ObjectStore } from '../../../shared/store/object-store.js';
import { DatasetCache } from '../../../shared/sweep/dataset-cache.js';
import { createSweepService, type SweepService } from '../../../shared/sweep/sweep-service.js';
import { ProgramRunner } from '../../../services/worker/program/program-runner.js';
import { SlotPool } from '../../../services/worker/slot-pool.js';
import { TrainingSlot } from '../../../services/worker/training-slot.js';
import { TrialProcessor } from '../../../services/worker/trial.processor.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';

describe('program trials on a worker that may not run them', () => {
  let setup: TestSetup;
  let service: SweepService;
  let redis: Redis;
  let index: MetricsIndex;
  let store: ObjectStore;
  let slot: TrainingSlot;
  let sweepId: string;

  before(async () => {
    setup = await makeTestSetup('program-hand-back');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    redis = createRedisConnection(setup.config.redis.url!, { name: 'program-hand-back-test' });
    index = new MetricsIndex(redis, setup.config.redis.prefix);
    store = await createObjectStore(setup.config, setup.logger);
    slot = new TrainingSlot();
    sweepId = (
      await service.submit({
        name: 'hand_back',
        program: { command: [process.execPath, 'train.js', '${params.lr}'], workdir: setup.stateDir },
        objective: { metric: 'val_loss', goal: 'minimize' },
        trials: [{ params: { lr: 0.1 } }],
      })
    ).sweepId;
  });
  after(async () => {
    await slot.close();
    redis.disconnect();
    await service.close();
    await setup.cleanup();
  });

  function processor(programs: ProgramRunner | null): TrialProcessor {
    return new TrialProcessor({
      index,
      store,
      datasets: new DatasetCache(store, path.join(setup.stateDir, 'cache')),
      slots: new SlotPool([slot]),
      defaultLimits: { memoryMb: 1024, timeoutS: 300 },
      workerId: 'no-programs-worker',
      logger: setup.logger,
      programs,
    });
  }

  async function handedBack(programs: ProgramRunner | null): Promise<void> {
    const job = {
      id: `${sweepId}-t0`,
      data: { v: 1, sweepId, trialId: `${sweepId}-t0`, index: 0 },
      opts: { attempts: 3 },
      attemptsMade: 0,
      delayedUntil: 0,
      async moveToDelayed(until: number): Promise<void> {
        job.delayedUntil = until;
      },
    };
    await assert.rejects(processor(programs).process(job as unknown as Job<TrialJob>, 'lock-token'), DelayedError);
    assert.ok(job.delayedUntil > Date.now(), 'the job waits in the queue for another worker');
    const trial = (await index.trials.get(sweepId, 0))!;
    assert.equal(trial.status, 'queued', 'the trial was not claimed');
    assert.equal(trial.worker, null);
    assert.equal(trial.attempt, 0, 'no attempt spent');
  }

  it('a worker started without --programs hands the trial back', async () => {
    await handedBack(null);
  });

  it('a worker whose --allow-programs does not name the executable hands it back', async () => {
    const runner = new ProgramRunner(
      { allow: new Set(['python3']) },
      store,
      path.join(setup.stateDir, 'runs'),
      process.env,
      new BundleCache(store, path.join(setup.stateDir, 'bundles')),
    );
    await handedBack(runner);
  });
});
