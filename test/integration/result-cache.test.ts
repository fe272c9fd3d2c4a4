/**
 * The result cache across sweeps (issue 11): an identical trial of a later sweep reuses the earlier
 * result (metrics, folds, a copy of the artefact) and records where it came from; `cache: false` and
 * a change of the learner code both make it train.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { learnerCodeHash } from '../../shared/ml/learner-code-hash.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { startWorker } from '../../services/worker/worker-runtime.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';

function sweep(cache?: boolean) {
  return {
    name: 'cache_test',
    dataset: { make_classification: { n_samples: 120, n_features: 4, n_informative: 2, n_redundant: 1, random_state: 3 }, target: 'target' },
    pipeline: { imputer: null, scaler: null },
    cv: { folds: 2, scoring: 'accuracy' },
    objective: { metric: 'accuracy', goal: 'maximize' },
    trials: [
      { model: 'logistic_regression', params: { C: 0.5 } },
      { model: 'random_forest', params: { n_estimators: 5, max_depth: 3 } },
    ],
    ...(cache === undefined ? {} : { cache }),
  };
}

describe('result cache', () => {
  let setup: TestSetup;
  let service: SweepService;

  before(async () => {
    setup = await makeTestSetup('result-cache');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
  });
  after(async () => {
    await service.close();
    await setup.cleanup();
  });

  async function run(spec: ReturnType<typeof sweep>): Promise<TrialRecord[]> {
    const { sweepId } = await service.submit(spec);
    const status = await waitForSweep(service, sweepId, 60_000);
    assert.equal(status.counts.completed, 2);
    return (await service.trials(sweepId, { limit: 10 })).trials;
  }

  it('reuses an identical trial of an earlier sweep, unless cache: false or the learner code changed', async () => {
    let worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    try {
      const first = await run(sweep());
      for (const t of first) assert.equal(t.cachedFrom, undefined, `${t.name} trained`);

      const second = await run(sweep());
      for (let i = 0; i < 2; i++) {
        const [a, b] = [first[i]!, second[i]!];
        assert.deepEqual(b.cachedFrom, { sweepId: a.sweepId, trialId: a.id }, `${b.name} came from the cache`);
        assert.deepEqual(b.metrics, a.metrics);
        assert.deepEqual(b.folds, a.folds);
        assert.ok(b.artifact !== null && b.artifact !== a.artifact && b.artifact.includes(b.sweepId), 'its own copy of the artefact');
      }

      for (const t of await run(sweep(false))) assert.equal(t.cachedFrom, undefined, `cache: false: ${t.name} trained`);
      await worker.close(1000);
      // A worker built from other learner code: its keys differ, so nothing cached before matches.
      worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1, learnerCodeHash: 'another-learner-build' });
      for (const t of await run(sweep())) assert.equal(t.cachedFrom, undefined, `new learner code: ${t.name} trained`);
    } finally {
      await worker.close(1000);
    }
  });
});

describe('learnerCodeHash', () => {
  it('changes when a compiled module changes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-learner-'));
    try {
      await writeFile(path.join(dir, 'a.js'), 'export const a = 1;');
      await writeFile(path.join(dir, 'notes.txt'), 'not code');
      const before = learnerCodeHash(dir);
      assert.equal(learnerCodeHash(dir), before, 'stable');
      await writeFile(path.join(dir, 'notes.txt'), 'still not code');
      assert.equal(learnerCodeHash(dir), before, 'only .js files count');
      await writeFile(path.join(dir, 'a.js'), 'export const a = 2;');
      assert.notEqual(learnerCodeHash(dir), before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
