/**
 * Stop rules through the real feeder and worker (issue 11): a reached target stops the sweep, the
 * trials not started are cancelled, the running ones finish, the counts add up and the sweep records
 * why it stopped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { startWorker } from '../../services/worker/worker-runtime.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';

describe('stop rules', () => {
  let setup: TestSetup;
  let service: SweepService;

  before(async () => {
    setup = await makeTestSetup('stop-rules');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
  });
  after(async () => {
    await service.close();
    await setup.cleanup();
  });

  it('stops at the target and records why', async () => {
    const { sweepId } = await service.submit({
      name: 'stop_at_target',
      dataset: { make_classification: { n_samples: 120, n_features: 4, n_informative: 2, n_redundant: 1, random_state: 3 }, target: 'target' },
      pipeline: { imputer: null, scaler: null },
      cv: { folds: 0, scoring: 'accuracy' },
      objective: { metric: 'accuracy', goal: 'maximize' },
      search: {
        method: 'tpe',
        max_trials: 40,
        seed: 1,
        stop: { target: 0.5 },
        space: [{ model: 'logistic_regression', params: { C: { distribution: 'log_uniform', min: 0.01, max: 10 } } }],
      },
    });
    const worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    try {
      const status = await waitForSweep(service, sweepId, 60_000);
      assert.equal(status.state, 'completed');
      assert.match(status.stopReason ?? '', /^target reached: accuracy [\d.]+ \(trial \d+\) ≥ 0\.5$/);
      const c = status.counts;
      assert.ok(c.completed >= 1 && c.completed < 40, `stopped early: ${JSON.stringify(c)}`);
      assert.equal(c.completed + c.cancelled, 40, 'the trials not started are cancelled, and the counts add up');
    } finally {
      await worker.close(1000);
    }
  });
});
