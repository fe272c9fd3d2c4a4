/**
 * ASHA through the real worker (issue 11): random forests grow by stages, each rung is judged against
 * the values other trials recorded in Redis, stopped trials end `pruned` with the reason and their
 * rung history, and the survivors complete with every rung on record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { startWorker } from '../../services/worker/worker-runtime.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { ashaForestSweep } from '../support/asha-forest-sweep.js';

function ashaSweep() {
  return ashaForestSweep('asha_forest_test');
}

/** Boosting under `resource: scaled_trees`: rungs at 3 and 9 of 27 trees, each a fit of its own. */
function scaledTreesSweep() {
  const sweep = ashaSweep();
  return {
    ...sweep,
    name: 'asha_scaled_trees_test',
    search: {
      method: 'grid',
      pruner: { method: 'asha', resource: 'scaled_trees', min_resource: 3, reduction_factor: 3 },
      space: [{ model: 'gradient_boosting', params: { n_estimators: 27, learning_rate: { values: [0.02, 0.1, 0.5] }, max_depth: { values: [1, 3, 5] } } }],
    },
  };
}

describe('ASHA pruning in the worker', () => {
  let setup: TestSetup;
  let service: SweepService;
  let redis: Redis;

  before(async () => {
    setup = await makeTestSetup('pruning');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    redis = new Redis(setup.env.REDIS_URL!);
  });
  after(async () => {
    redis.disconnect();
    await service.close();
    await setup.cleanup();
  });

  it('prunes trials at rungs, records why and keeps each trial history by resource', async () => {
    const { sweepId, total } = await service.submit(ashaSweep());
    assert.equal(total, 9);
    const worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    try {
      const status = await waitForSweep(service, sweepId, 90_000);
      assert.equal(status.counts.completed + status.counts.pruned, 9, JSON.stringify(status.counts));
      assert.ok(status.counts.pruned >= 1, `some trials were pruned: ${JSON.stringify(status.counts)}`);
      assert.ok(status.best !== null && status.best.status === 'completed', 'the best trial is a completed one');
      const { trials } = await service.trials(sweepId, { limit: 100 });
      for (const t of trials) {
        assert.ok(t.pruning !== undefined, `${t.name} has its rung history`);
        const resources = t.pruning.rungs.map((r) => r.resource);
        if (t.status === 'pruned') {
          assert.match(t.pruning.reason ?? '', /^stopped at rung \d \(resource \d+\): /);
          assert.equal(t.artifact, null, 'a pruned trial stores no artefact');
          assert.equal(t.metrics?.cv_mean, t.pruning.rungs.at(-1)!.mean, 'its metrics are the last rung reached');
          assert.deepEqual(t.pruning.scoredAt, { rung: resources.length - 1, resource: resources.at(-1) }, 'the record says which rung its CV scores are of');
        } else {
          assert.equal(t.pruning.scoredAt, undefined, 'a completed trial scores in full');
          assert.deepEqual(resources, [3, 9], `${t.name} passed both rungs`);
          assert.ok(t.artifact !== null);
        }
      }
      // Rung state lives in Redis: every trial's value at the first rung is there for any worker.
      const rungs = await redis.hgetall(`${setup.config.redis.prefix}:sweep:${sweepId}:rungs`);
      assert.equal(Object.keys(rungs).filter((f) => f.startsWith('3:')).length, 9);
    } finally {
      await worker.close(1000);
    }
  });

  it('scaled_trees: judges boosting at rungs of their own fits and completes the survivors in full', async () => {
    const { sweepId, total } = await service.submit(scaledTreesSweep());
    assert.equal(total, 9);
    const worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    try {
      const status = await waitForSweep(service, sweepId, 90_000);
      assert.equal(status.counts.completed + status.counts.pruned, 9, JSON.stringify(status.counts));
      assert.ok(status.counts.pruned >= 1 && status.counts.completed >= 1, JSON.stringify(status.counts));
      const { trials } = await service.trials(sweepId, { limit: 100 });
      for (const t of trials) {
        const resources = t.pruning!.rungs.map((r) => r.resource);
        if (t.status === 'completed') assert.deepEqual(resources, [3, 9], `${t.name} passed both rungs`);
        else assert.match(t.pruning!.reason ?? '', /^stopped at rung \d \(resource \d+\): /);
      }
    } finally {
      await worker.close(1000);
    }
  });
});
