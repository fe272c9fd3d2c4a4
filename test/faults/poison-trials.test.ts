/**
 * Poison trials (issue 8, finding 1): a trial that cannot fit its memory limit is refused at submit
 * with its estimate; one that breaches its time (or memory) limit at run time fails alone, as
 * LIMIT_EXCEEDED, without retries, and its worker keeps going; one whose training process crashes
 * twice is quarantined instead of being handed to worker after worker.
 * On the code before this change the first sweep was accepted and its trial stayed `active` for
 * minutes, and allocation failures were retried three times as INTERNAL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SweepqError } from '../../shared/errors/index.js';
import { waitForSweep } from '../support/wait-for-sweep.js';
import { FaultCluster } from './fault-cluster.js';
import { trainingProcessesOf, waitFor } from './fault-harness.js';

const CLI = path.resolve(process.cwd(), 'bin/sweepq.js');

describe('poison trials', () => {
  let cluster: FaultCluster;

  before(async () => {
    cluster = await FaultCluster.start('poison', { env: { SWEEPQ_BACKOFF_MS: '100', SWEEPQ_JOB_ATTEMPTS: '4' } });
  });
  after(() => cluster.close());

  it('refuses at submit a trial whose memory estimate exceeds the limit, with the estimate and the limit (API and CLI)', async () => {
    const spec = {
      name: 'poison_lr',
      dataset: { make_classification: { n_samples: 5000, n_features: 200, n_informative: 10, n_classes: 100, n_clusters_per_class: 1, random_state: 1 } },
      cv: { folds: 0 },
      objective: { metric: 'accuracy' },
      trials: [{ model: 'logistic_regression', params: { C: 1 } }],
    };
    await assert.rejects(cluster.service.submit(spec), (error: unknown) => {
      assert.ok(error instanceof SweepqError);
      assert.equal(error.code, 'LIMIT_EXCEEDED');
      assert.match(error.message, /would need about [\d,]+ MB .* more than the trial memory limit of 2,048 MB/);
      assert.match(error.message, /limits\.memory_mb/);
      return true;
    });
    assert.deepEqual(await cluster.service.listSweeps(), [], 'nothing was created');

    const file = path.join(cluster.setup.stateDir, 'forest.yaml');
    await writeFile(
      file,
      'name: poison_forest\ndataset: {make_classification: {n_samples: 60000, n_features: 10, n_informative: 5}}\ncv: {folds: 0}\nsearch:\n  method: grid\n  space:\n    - model: random_forest\n      params: {n_estimators: {values: [100, 5000]}, max_depth: {values: [8, null]}}\n',
    );
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, 'submit', file], { env: { ...process.env, ...cluster.setup.env } }, (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code), stderr }),
      );
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /costliest trial of search\.space\[0\] \(random_forest with n_estimators=5000, max_depth=null\) would need about/);
  });

  it('fails a trial past its time limit once, as LIMIT_EXCEEDED, while the worker finishes the others', async () => {
    const worker = cluster.fleet.spawn();
    const { sweepId } = await cluster.service.submit({
      name: 'poison_timeout',
      dataset: { make_classification: { n_samples: 3000, n_features: 20, n_informative: 8, random_state: 2 } },
      cv: { folds: 3 },
      // 6 s: the fast trials' fits take ~0.1 s alone, but CI's loaded cores once stretched one past 2 s;
      // the slow one (every feature at every split) needs over a minute.
      limits: { timeout_s: 6 },
      trials: [
        { name: 'slow', model: 'random_forest', params: { n_estimators: 4000, max_depth: null, max_features: null } },
        { name: 'fast-1', model: 'logistic_regression', params: { C: 1 } },
        { name: 'fast-2', model: 'decision_tree', params: { max_depth: 3 } },
      ],
    });
    const status = await waitForSweep(cluster.service, sweepId, 60_000);
    assert.deepEqual(status.counts, { queued: 0, active: 0, completed: 2, failed: 1, cancelled: 0, pruned: 0, quarantined: 0 });
    const slow = (await cluster.index.trials.get(sweepId, 0))!;
    assert.equal(slow.status, 'failed');
    assert.match(slow.error ?? '', /^LIMIT_EXCEEDED: the trial ran longer than its time limit of 6 s/);
    assert.equal(slow.attempt, 1, 'a deterministic resource error is not retried');
    assert.ok(worker.running, 'the worker survives');
  });

  it('quarantines a trial whose training process crashes twice, and retry brings it back', async () => {
    const worker = cluster.fleet.workers[0] ?? cluster.fleet.spawn();
    const { sweepId } = await cluster.service.submit({
      name: 'poison_crash',
      dataset: { make_classification: { n_samples: 3000, n_features: 20, n_informative: 8, random_state: 3 } },
      cv: { folds: 3 },
      trials: [{ name: 'crashy', model: 'random_forest', params: { n_estimators: 3000, max_depth: null } }],
    });
    for (let crash = 1; crash <= 2; crash++) {
      await waitFor(
        `attempt ${crash} to train`,
        async () => (await cluster.index.trials.get(sweepId, 0))?.attempt === crash && (await cluster.index.trials.get(sweepId, 0))?.status === 'active',
        30_000,
      );
      const pids = await waitFor(
        'the training process',
        () => {
          const found = trainingProcessesOf(worker.pid);
          return found.length > 0 ? found : undefined;
        },
        10_000,
      );
      // Let the trial get going, then crash its process the way a native fault would.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const pid of pids) process.kill(pid, 'SIGSEGV');
    }
    const status = await waitForSweep(cluster.service, sweepId, 30_000);
    assert.equal(status.counts.quarantined, 1);
    const trial = (await cluster.index.trials.get(sweepId, 0))!;
    assert.equal(trial.status, 'quarantined');
    assert.match(trial.error ?? '', /^TRAINING_CRASHED: the training process was killed by SIGSEGV.*crashed 2 times/s);
    assert.ok(worker.running, 'the worker survives its training process');
    assert.equal((await cluster.service.retry(sweepId)).requeued, 1, 'retry brings a quarantined trial back deliberately');
    await cluster.service.cancel(sweepId);
  });
});
