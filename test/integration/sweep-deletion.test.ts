/**
 * Deleting sweeps (issue 8): `delete` removes a finished or cancelled sweep's jobs, artefacts (MinIO)
 * and every index key, is refused while trials are queued, leaves other sweeps alone, finishes a
 * deletion cut short, and the retention pass deletes sweeps past SWEEPQ_RETENTION_DAYS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SweepqError } from '../../shared/errors/index.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { SweepDeletion } from '../../shared/sweep/sweep-deletion.js';
import { SweepRetention } from '../../shared/sweep/sweep-retention.js';
import { TrialQueue } from '../../shared/queue/index.js';
import { createObjectStore } from '../../shared/store/create-object-store.js';
import { startWorker, type RunningWorker } from '../../services/worker/worker-runtime.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';

const spec = (name: string, trials: number) => ({
  name,
  dataset: { make_classification: { n_samples: 200, n_features: 5, random_state: 1 } },
  cv: { folds: 2 },
  trials: Array.from({ length: trials }, (_, i) => ({ model: 'logistic_regression', params: { C: 0.1 * (i + 1) } })),
});

async function keysOf(service: SweepService, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await service.index.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<SweepqError> {
  const error = (await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  )) as SweepqError;
  assert.equal(error.code, code, error.message);
  return error;
}

describe('deleting sweeps', () => {
  let setup: TestSetup;
  let service: SweepService;
  let worker: RunningWorker | null = null;
  const prefix = (): string => setup.config.redis.prefix;

  before(async () => {
    setup = await makeTestSetup('deletion', { s3: true });
    service = await createSweepService({ config: setup.config, logger: setup.logger });
  });
  after(async () => {
    await worker?.close(1000);
    await service.close();
    await setup.cleanup();
  });

  it('refuses a sweep with queued trials, then deletes it once cancelled: no key, no job left', async () => {
    const { sweepId } = await service.submit(spec('queued_then_cancelled', 3));
    const refused = await expectCode(service.delete(sweepId), 'CONFLICT');
    assert.match(refused.message, /sweepq cancel/);
    assert.equal((await service.status(sweepId)).state, 'queued', 'a refused delete changes nothing');
    await service.cancel(sweepId);
    const report = await service.delete(sweepId);
    assert.deepEqual({ trials: report.trials, objects: report.objects }, { trials: 3, objects: 0 });
    assert.deepEqual(await keysOf(service, `${prefix()}:sweep:${sweepId}*`), []);
    assert.deepEqual(await keysOf(service, `${prefix()}:bull:*${sweepId}*`), []);
    await expectCode(service.status(sweepId), 'NOT_FOUND');
    await expectCode(service.delete(sweepId), 'NOT_FOUND');
  });

  it('deletes a completed sweep with its artefacts, keeps the other sweep of its experiment, drops the experiment with its last sweep', async () => {
    worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    const first = await service.submit(spec('shared_experiment', 2));
    const second = await service.submit(spec('shared_experiment', 2));
    await waitForSweep(service, first.sweepId, 60_000);
    await waitForSweep(service, second.sweepId, 60_000);
    const keptBest = await service.best(second.sweepId);

    const report = await service.delete(first.sweepId);
    assert.equal(report.trials, 2);
    assert.ok(report.objects >= 2, `every attempt's artefact is removed (${report.objects})`);
    const store = await createObjectStore(setup.config, setup.logger);
    assert.equal(await store.deleteFolder(`artifacts/${first.sweepId}`), 0, 'nothing of the sweep is left in MinIO');
    await store.close?.();
    assert.deepEqual(await keysOf(service, `${prefix()}:sweep:${first.sweepId}*`), []);

    assert.ok((await service.artifact(second.sweepId, keptBest.id)).length > 0, 'the other sweep keeps its artefacts');
    assert.deepEqual(
      (await service.listSweeps({ experiment: 'shared_experiment' })).map((s) => s.id),
      [second.sweepId],
    );
    assert.ok((await service.listExperiments()).some((e) => e.name === 'shared_experiment'));
    await service.delete(second.sweepId);
    assert.ok(!(await service.listExperiments()).some((e) => e.name === 'shared_experiment'), 'the experiment goes with its last sweep');
  });

  it('finishes a deletion cut short after marking: the sweep is already gone for readers', async () => {
    const { sweepId } = await service.submit(spec('interrupted', 2));
    await waitForSweep(service, sweepId, 60_000);
    const k = service.index.keys;
    // What the first step of a deletion leaves if the process dies right after it.
    await service.index.redis.multi().hset(k.sweep(sweepId), 'deleting', '1').sadd(k.deleting(), sweepId).zrem(k.sweeps(), sweepId).exec();
    await expectCode(service.status(sweepId), 'NOT_FOUND');
    assert.ok(!(await service.listSweeps()).some((s) => s.id === sweepId));
    const report = await service.delete(sweepId);
    assert.equal(report.trials, 2);
    assert.deepEqual(await keysOf(service, `${prefix()}:sweep:${sweepId}*`), []);
    assert.equal(await service.index.redis.sismember(k.deleting(), sweepId), 0);
  });

  it('retention deletes sweeps finished before the cutoff, only them, one scheduler at a time', async () => {
    const old = await service.submit(spec('retention', 1));
    await waitForSweep(service, old.sweepId, 60_000);
    const { finishedAt } = await service.status(old.sweepId);
    const running = await service.submit({ ...spec('retention', 1), trials: [{ model: 'random_forest', params: { n_estimators: 5 } }] });
    await service.cancel(running.sweepId);
    const store = await createObjectStore(setup.config, setup.logger);
    const queue = new TrialQueue(service.index.redis, prefix(), setup.config.queue);
    const deletion = new SweepDeletion(service.index, queue, store, setup.logger);
    const retention = new SweepRetention(deletion, service.index.redis, service.index.keys.retentionLock(), {
      retentionDays: 1,
      intervalMs: 60_000,
      logger: setup.logger,
    });
    try {
      assert.deepEqual(await retention.runOnce(finishedAt! + 3_600_000), [], 'one hour later nothing is a day old');
      await service.index.redis.set(service.index.keys.retentionLock(), 'another-scheduler', 'PX', 10_000);
      assert.equal(await retention.runOnce(finishedAt! + 2 * 86_400_000), null, 'another scheduler holds the lock');
      await service.index.redis.del(service.index.keys.retentionLock());
      const reports = await retention.runOnce(Date.now() + 2 * 86_400_000);
      const deleted = new Set(reports!.map((r) => r.sweepId));
      assert.ok(deleted.has(old.sweepId) && deleted.has(running.sweepId), 'finished and cancelled sweeps both expire');
      await expectCode(service.status(old.sweepId), 'NOT_FOUND');
    } finally {
      await queue.close();
      await store.close?.();
    }
  });
});
