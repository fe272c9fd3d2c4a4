/**
 * How `sweepq run` sees its sweep end without waiting for the next poll (issue 13, fixed costs): the
 * PollWaker alone, then `followSweep` on a real sweep whose worker rings it when its job ends — with a
 * poll interval far longer than the test's timeout, so only the ring can end the wait.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { followSweep } from '../../../services/cli/commands/watch.js';
import { PollWaker } from '../../../services/cli/poll-waker.js';
import { startWorker, type RunningWorker } from '../../../services/worker/worker-runtime.js';
import { createSweepService, type SweepService } from '../../../shared/sweep/sweep-service.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';

/** Longer than any test here may take: a wait that is not cut short fails the test by its timeout. */
const NEVER_MS = 600_000;

describe('PollWaker', () => {
  it('ends a wait under way when rung', { timeout: 10_000 }, async () => {
    const waker = new PollWaker();
    const waiting = waker.wait(NEVER_MS);
    waker.ring();
    await waiting;
  });

  it('ends the next wait at once when rung between waits, and only that one', { timeout: 10_000 }, async () => {
    const waker = new PollWaker();
    waker.ring();
    await waker.wait(NEVER_MS);
    const controller = new AbortController();
    const second = waker.wait(NEVER_MS, controller.signal);
    controller.abort(new Error('stopped'));
    await assert.rejects(second, /stopped/);
  });

  it('waits out the interval when nobody rings', { timeout: 10_000 }, async () => {
    await new PollWaker().wait(5);
  });
});

describe('followSweep rung by a worker', () => {
  let setup: TestSetup;
  let service: SweepService;
  let worker: RunningWorker | undefined;
  // Ends a wait nobody rang (the failure this test exists for) when the test times out.
  const stop = new AbortController();

  before(async () => {
    setup = await makeTestSetup('poll-waker');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
  });
  after(async () => {
    stop.abort(new Error('test over'));
    await worker?.close(1000);
    await service.close();
    await setup.cleanup();
  });

  it('returns the finished sweep when its job ends, not at the next poll', { timeout: 30_000 }, async () => {
    const waker = new PollWaker();
    const ended: string[] = [];
    worker = await startWorker({
      config: setup.config,
      logger: setup.logger,
      concurrency: 1,
      onJobEnded: (sweepId) => {
        ended.push(sweepId);
        waker.ring();
      },
    });
    const { sweepId } = await service.submit({
      name: 'rung',
      dataset: { make_classification: { n_samples: 60, n_features: 3, n_informative: 2, n_redundant: 0, random_state: 1 }, target: 'target' },
      pipeline: { imputer: null, scaler: null },
      cv: { folds: 0 },
      trials: [{ model: 'logistic_regression', params: { max_iter: 5 } }],
    });
    const status = await followSweep(service, sweepId, { intervalMs: NEVER_MS, waker, signal: stop.signal });
    assert.equal(status.state, 'completed');
    assert.equal(status.counts.completed, 1);
    assert.deepEqual(ended, [sweepId]);
  });
});
