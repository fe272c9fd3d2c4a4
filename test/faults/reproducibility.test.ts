/**
 * Guarantee: a trial is a pure function of its spec. The same sweep submitted twice — through the
 * queue, on whichever worker process picks each trial up — gives bit-identical metrics and
 * byte-identical artefacts (seeded xoshiro RNG derived from the sweep seed + params, no wall clock or
 * process state in the result). This is also what makes a re-run after a crash harmless: it
 * rewrites the same artefact key with the same bytes.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { allTrials } from './fault-harness.js';
import { FaultCluster } from './fault-cluster.js';

const fixtures = path.resolve(process.cwd(), 'test/fixtures');

function spec(train: string, test: string) {
  return {
    name: 'reproducibility',
    seed: 7,
    dataset: { train: { sha256: train }, test: { sha256: test }, target: 'target' },
    pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
    cv: { folds: 3, scoring: 'accuracy', shuffle: true },
    objective: { metric: 'auc_roc', goal: 'maximize' },
    // The second run must train, not copy the first one's results.
    cache: false,
    // random_state left null: each model draws from the trial seed, the part most likely to drift.
    trials: [
      { name: 'lr', model: 'logistic_regression', params: { C: 0.5, max_iter: 300 } },
      { name: 'tree', model: 'decision_tree', params: { max_depth: 6 } },
      { name: 'forest', model: 'random_forest', params: { n_estimators: 40, max_features: 'sqrt' } },
      { name: 'boosting', model: 'gradient_boosting', params: { n_estimators: 40, subsample: 0.8 } },
    ],
  };
}

describe('reproducibility through the whole queue path', () => {
  let cluster: FaultCluster;

  before(async () => {
    cluster = await FaultCluster.start('reproducibility');
  });
  after(() => cluster.close());

  it('gives bit-identical metrics and byte-identical artefacts for the same spec and seed', async (t) => {
    const { service, index, fleet } = cluster;
    const train = await service.uploadDataset(await readFile(path.join(fixtures, 'loan_default.train.csv')));
    const test = await service.uploadDataset(await readFile(path.join(fixtures, 'loan_default.test.csv')));
    fleet.spawn();
    fleet.spawn();
    const first = await service.submit(spec(train.sha256, test.sha256));
    const second = await service.submit(spec(train.sha256, test.sha256));
    for (const id of [first.sweepId, second.sweepId]) {
      const status = await waitForSweep(service, id, 50_000);
      assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 4, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
    }

    const a = await allTrials(index, first.sweepId, 4);
    const b = await allTrials(index, second.sweepId, 4);
    let crossProcess = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      assert.equal(x.seed, y.seed);
      const names = Object.keys(x.metrics!).sort();
      assert.deepEqual(Object.keys(y.metrics!).sort(), names);
      for (const name of names) {
        // Object.is: bit-for-bit (distinguishes -0 and treats NaN as equal to itself).
        assert.ok(Object.is(x.metrics![name], y.metrics![name]), `${x.name}.${name}: ${x.metrics![name]} vs ${y.metrics![name]}`);
      }
      const bytesA = await service.artifact(first.sweepId, x.id);
      const bytesB = await service.artifact(second.sweepId, y.id);
      assert.ok(bytesA.length > 0 && bytesA.equals(bytesB), `${x.name}: artefacts are byte-identical`);
      if (x.worker !== y.worker) crossProcess++;
    }
    t.diagnostic(`${crossProcess} of ${a.length} trials ran on different worker processes in the two sweeps`);
  });
});
