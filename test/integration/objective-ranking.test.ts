/**
 * Ranking follows the metric registry end to end (issue 7): with `cv.scoring: log_loss` and
 * `objective: {metric: cv_mean}` the objective minimizes, `best` is the lowest CV log loss, and every
 * ordering — leaderboard, `best`, `--sort`, `order_by`, filters — puts equal scores in trial-index order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { startWorker, type RunningWorker } from '../../services/worker/worker-runtime.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';

const DATASET = { make_classification: { n_samples: 300, n_features: 8, n_informative: 5, n_redundant: 1, random_state: 4 } };

describe('objective direction and ties', () => {
  let setup: TestSetup;
  let service: SweepService;
  let worker: RunningWorker;
  let sweepId: string;

  before(async () => {
    setup = await makeTestSetup('ranking');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    // Trials 1 and 3 are the same pipeline with the same seed: their scores tie exactly.
    const { sweepId: id } = await service.submit({
      name: 'log_loss_ranking',
      dataset: DATASET,
      cv: { folds: 3, scoring: 'log_loss' },
      objective: { metric: 'cv_mean' },
      seed: 5,
      trials: [
        { name: 'weak', model: 'logistic_regression', params: { C: 0.0001 } },
        { name: 'twin-a', model: 'logistic_regression', params: { C: 1 } },
        { name: 'tree', model: 'decision_tree', params: { max_depth: 2 } },
        { name: 'twin-b', model: 'logistic_regression', params: { C: 1 } },
        { name: 'mid', model: 'logistic_regression', params: { C: 0.01 } },
      ],
    });
    sweepId = id;
    await waitForSweep(service, sweepId, 60_000);
  });
  after(async () => {
    await worker.close(1000);
    await service.close();
    await setup.cleanup();
  });

  it('takes cv_mean’s direction from cv.scoring: best is the lowest CV log loss', async () => {
    const status = await service.status(sweepId);
    assert.deepEqual(status.objective, { metric: 'cv_mean', goal: 'minimize' });
    const { trials } = await service.trials(sweepId, { limit: 10 });
    assert.equal(trials.length, 5);
    const lowest = Math.min(...trials.map((t) => t.metrics!.cv_mean!));
    const best = await service.best(sweepId);
    assert.equal(best.metrics!.cv_mean, lowest);
    assert.equal(best.name, 'twin-a', 'of two equal bests, the lower trial index wins');
    assert.equal(status.best?.id, best.id);
    for (const t of trials) assert.equal(t.folds?.length, 3, 'per-fold log losses are kept');
  });

  it('orders ties by trial index in every ordering', async () => {
    const names = (page: { trials: Array<{ name: string }> }): string[] => page.trials.map((t) => t.name);
    const sorted = names(await service.trials(sweepId, { sort: 'cv_mean' }));
    assert.equal(sorted.indexOf('twin-a') + 1, sorted.indexOf('twin-b'), `twins adjacent, index order: ${sorted.join(', ')}`);
    const ascending = names(await service.trials(sweepId, { orderBy: ['metrics.cv_mean ASC'] }));
    const descending = names(await service.trials(sweepId, { orderBy: ['metrics.cv_mean DESC'] }));
    assert.deepEqual(ascending, sorted, 'the objective metric sorts in its own (minimize) direction by default');
    assert.ok(descending.indexOf('twin-a') < descending.indexOf('twin-b'), 'ties keep index order in the other direction too');
    const twins = names(await service.trials(sweepId, { filter: "attributes.name LIKE 'twin%'", sort: 'accuracy' }));
    assert.deepEqual(twins, ['twin-a', 'twin-b']);
    const board = await service.index.leaderboard(sweepId, 0, 5);
    assert.ok(board.indices.indexOf(1) < board.indices.indexOf(3));
    // A metric's own direction: accuracy maximizes, log_loss (test) minimizes.
    const byAccuracy = (await service.trials(sweepId, { sort: 'accuracy' })).trials.map((t) => t.metrics!.accuracy!);
    assert.deepEqual(
      byAccuracy,
      [...byAccuracy].sort((a, b) => b - a),
    );
    const byLoss = (await service.trials(sweepId, { sort: 'log_loss' })).trials.map((t) => t.metrics!.log_loss!);
    assert.deepEqual(
      byLoss,
      [...byLoss].sort((a, b) => a - b),
    );
  });

  it('filters with OR and parentheses, comparing numbers numerically', async () => {
    const page = await service.trials(sweepId, { filter: "(params.C = '1' or params.max_depth = 2) and attributes.status = 'completed'" });
    assert.deepEqual(
      page.trials.map((t) => t.name),
      ['twin-a', 'tree', 'twin-b'],
    );
    await assert.rejects(
      service.trials(sweepId, { filter: 'metrics.cv_mean >> 1' }),
      (e: Error & { code?: string }) => e.code === 'INVALID_FILTER' && /column 17/.test(e.message),
    );
  });
});
