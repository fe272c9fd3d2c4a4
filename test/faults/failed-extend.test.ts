/**
 * Guarantee (issue 8, finding 2): a refused `extend` leaves nothing behind. Segments are appended in
 * one Lua script with the sweep's total, so an extension past the trial limit reserves no index the
 * feeder could wait on forever: the sweep still finishes on exactly its trials, and a valid extension
 * afterwards runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SweepqError } from '../../shared/errors/index.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { startWorker, type RunningWorker } from '../../services/worker/worker-runtime.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';

const spec = (first: number, trials: number) => ({
  name: 'failed_extend',
  dataset: { make_classification: { n_samples: 200, n_features: 5, random_state: 1 } },
  cv: { folds: 2 },
  trials: Array.from({ length: trials }, (_, i) => ({ name: `lr_${first + i}`, model: 'logistic_regression', params: { C: first + i + 1 } })),
});

describe('a refused extend', () => {
  let setup: TestSetup;
  let service: SweepService;
  let worker: RunningWorker;

  before(async () => {
    setup = await makeTestSetup('failed-extend', { env: { SWEEPQ_MAX_TRIALS: '5' } });
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
  });
  after(async () => {
    await worker.close(1000);
    await service.close();
    await setup.cleanup();
  });

  it('reserves nothing: the sweep finishes on its own trials, and a valid extension runs after it', async () => {
    const { sweepId } = await service.submit(spec(0, 3));
    const refused = (await service.extend(sweepId, spec(3, 3)).then(
      () => assert.fail('an extension past SWEEPQ_MAX_TRIALS must be refused'),
      (e: unknown) => e,
    )) as SweepqError;
    assert.equal(refused.code, 'LIMIT_EXCEEDED', refused.message);
    const finished = await waitForSweep(service, sweepId, 60_000);
    assert.deepEqual({ state: finished.state, total: finished.total, completed: finished.counts.completed }, { state: 'completed', total: 3, completed: 3 });

    await service.extend(sweepId, spec(3, 2));
    const extended = await waitForSweep(service, sweepId, 60_000);
    assert.deepEqual({ state: extended.state, total: extended.total, completed: extended.counts.completed }, { state: 'completed', total: 5, completed: 5 });
    const names = (await service.trials(sweepId, { limit: 10 })).trials.map((t) => t.name).sort();
    assert.deepEqual(names, ['lr_0', 'lr_1', 'lr_2', 'lr_3', 'lr_4']);
  });
});
