/**
 * The trials page of one sweep (SweepReadModel.recordPageById, behind GET /sweeps/:id/trials) picks its
 * rows from the cached snapshot and reads their records together with the index's news in one round
 * trip. These tests change the sweep between pages — a commit that takes the top, a failure that
 * leaves a filter — and check that the next page already shows it, rows and records alike.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';

const TRIALS = 8;

describe('SweepReadModel.recordPageById', () => {
  let setup: TestSetup;
  let service: SweepService;
  let sweepId: string;

  /** Claims and finishes trial `i` through the real Lua transitions: completed with `auc`, or failed. */
  async function finish(i: number, auc: number | null): Promise<void> {
    const token = randomUUID();
    const claimed = await service.index.transitions.claim(sweepId, i, token, 'test-worker');
    assert.equal(claimed.result, 'ok');
    if (auc === null) {
      const failed = await service.index.transitions.fail(sweepId, i, token, 'boom');
      assert.equal(failed, 'ok');
      return;
    }
    const committed = await service.index.transitions.commit(sweepId, i, {
      token,
      durationMs: 5,
      metrics: { auc_roc: auc, accuracy: auc - 0.1 },
      folds: [auc, auc],
      timings: { fitMs: 1, cvMs: 1, evalMs: 1, totalMs: 3 },
      artifact: `artifacts/${sweepId}/${sweepId}-t${i}.json`,
      objective: { metric: 'auc_roc', goal: 'maximize' },
    });
    assert.equal(committed, 'ok');
  }

  before(async () => {
    setup = await makeTestSetup('record-page');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    const submitted = await service.submit({
      name: 'record_page',
      dataset: { make_classification: { n_samples: 100, n_features: 4, n_informative: 2, n_redundant: 0 } },
      cv: { folds: 2 },
      objective: { metric: 'auc_roc' },
      trials: Array.from({ length: TRIALS }, (_, i) => ({ name: `t${i}`, model: 'logistic_regression', params: { C: i + 1 } })),
    });
    sweepId = submitted.sweepId;
    for (let i = 0; i < 4; i++) await finish(i, 0.6 + i * 0.05);
  });
  after(async () => {
    await service.close();
    await setup.cleanup();
  });

  it('shows a new best at the top of the sorted page on the next request', async () => {
    const query = { orderBy: ['metrics.auc_roc DESC'], limit: 3 };
    const before = await service.trials(sweepId, query);
    assert.deepEqual(
      before.trials.map((t) => t.index),
      [3, 2, 1],
    );
    await finish(5, 0.99);
    const afterCommit = await service.trials(sweepId, query);
    assert.deepEqual(
      afterCommit.trials.map((t) => t.index),
      [5, 3, 2],
    );
    assert.equal(afterCommit.trials[0]!.status, 'completed');
    assert.equal(afterCommit.trials[0]!.metrics?.auc_roc, 0.99);
    assert.equal(afterCommit.total, TRIALS);
  });

  it('counts and pages a filter right after a trial leaves and one joins it', async () => {
    const query = { filter: "status = 'completed' AND metrics.auc_roc >= 0.65", orderBy: ['attributes.index'], limit: 10 };
    const first = await service.trials(sweepId, query);
    assert.deepEqual(
      first.trials.map((t) => t.index),
      [1, 2, 3, 5],
    );
    await finish(6, null);
    await finish(7, 0.7);
    const second = await service.trials(sweepId, query);
    assert.deepEqual(
      second.trials.map((t) => t.index),
      [1, 2, 3, 5, 7],
    );
    assert.equal(second.total, 5);
    const failed = await service.trials(sweepId, { filter: "status = 'failed'" });
    assert.deepEqual(
      failed.trials.map((t) => [t.index, t.error]),
      [[6, 'boom']],
    );
  });

  it('gives concurrent pages the same answer while news arrive', async () => {
    const query = { orderBy: ['metrics.auc_roc ASC'], limit: 2 };
    const pending = Promise.all([service.trials(sweepId, query), service.trials(sweepId, query), finish(4, 0.1)]);
    await pending;
    const pages = await Promise.all([service.trials(sweepId, query), service.trials(sweepId, query), service.trials(sweepId, query)]);
    for (const page of pages) {
      assert.deepEqual(
        page.trials.map((t) => t.index),
        [4, 0],
      );
    }
  });

  it('answers 404 for a sweep that does not exist, or that another process is deleting', async () => {
    await assert.rejects(service.trials('s-doesnotexist1', { limit: 5 }), { code: 'NOT_FOUND' });
    // The snapshot is still here (no forget() in this process): the record read with the page decides.
    await service.trials(sweepId, { limit: 1 });
    await service.index.redis.hset(service.index.keys.sweep(sweepId), 'deleting', '1');
    await assert.rejects(service.trials(sweepId, { limit: 5 }), { code: 'NOT_FOUND' });
    await service.index.redis.hdel(service.index.keys.sweep(sweepId), 'deleting');
    assert.equal((await service.trials(sweepId, { limit: 5 })).total, TRIALS);
  });
});
