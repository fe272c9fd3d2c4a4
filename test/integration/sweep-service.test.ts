import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Pipeline } from '../../shared/ml/pipeline.js';
import { parseCsv } from '../../shared/ml/dataset/read-csv.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { startWorker, type RunningWorker } from '../../services/worker/worker-runtime.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';
import { waitForSweep } from '../support/wait-for-sweep.js';

const fixtures = path.resolve(process.cwd(), 'test/fixtures');

function fiveTrialSpec(train: string, test: string) {
  return {
    name: 'loan_default_spine',
    dataset: { train: { sha256: train }, test: { sha256: test }, target: 'target' },
    pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
    cv: { folds: 5, scoring: 'accuracy' },
    objective: { metric: 'auc_roc', goal: 'maximize' },
    trials: [
      { name: 'LogisticRegression_C1', model: 'logistic_regression', params: { C: 1.0, max_iter: 500 } },
      { name: 'RandomForest_d5', model: 'random_forest', params: { n_estimators: 30, max_depth: 5 } },
      { name: 'GradientBoosting', model: 'gradient_boosting', params: { n_estimators: 30, learning_rate: 0.1 } },
    ],
  };
}

describe('SweepService with an in-process worker', () => {
  let setup: TestSetup;
  let service: SweepService;
  let worker: RunningWorker;

  before(async () => {
    setup = await makeTestSetup('spine');
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    worker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
  });
  after(async () => {
    await worker.close(1000);
    await service.close();
    await setup.cleanup();
  });

  it('runs every trial once, ranks them and serves an artefact that predicts like the worker model', async () => {
    const train = await service.uploadDataset(await readFile(path.join(fixtures, 'loan_default.train.csv')));
    const test = await service.uploadDataset(await readFile(path.join(fixtures, 'loan_default.test.csv')));
    const submitted = await service.submit(fiveTrialSpec(train.sha256, test.sha256));
    assert.equal(submitted.total, 3);

    const status = await waitForSweep(service, submitted.sweepId, 120_000);
    assert.equal(status.state, 'completed');
    assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 3, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
    assert.equal(status.percent, 100);

    const { trials } = await service.trials(submitted.sweepId, { sort: 'auc_roc' });
    assert.equal(trials.length, 3);
    for (let i = 1; i < trials.length; i++) {
      assert.ok(trials[i - 1]!.metrics!.auc_roc! >= trials[i]!.metrics!.auc_roc!, 'leaderboard is sorted best first');
    }
    for (const t of trials) assert.equal(t.attempt, 1, `${t.name} ran once`);
    const best = await service.best(submitted.sweepId);
    assert.equal(best.id, trials[0]!.id);

    const artefact = JSON.parse((await service.artifact(submitted.sweepId, best.id)).toString('utf8')) as unknown;
    const pipeline = Pipeline.fromJSON(artefact);
    const data = parseCsv(await readFile(path.join(fixtures, 'loan_default.test.csv'), 'utf8'), { target: 'target' });
    const predictions = pipeline.predict(data);
    let correct = 0;
    for (let i = 0; i < data.nRows; i++) if (predictions[i] === data.y[i]) correct++;
    assert.ok(Math.abs(correct / data.nRows - best.metrics!.accuracy!) < 1e-12, 'artefact reproduces the recorded accuracy');
  });

  it('rejects a dataset reference that was never uploaded, and writes nothing', async () => {
    const before = await service.listSweeps();
    await assert.rejects(service.submit(fiveTrialSpec('a'.repeat(64), 'b'.repeat(64))), (error: Error & { code?: string }) => error.code === 'INVALID_SPEC');
    assert.equal((await service.listSweeps()).length, before.length);
  });
});
