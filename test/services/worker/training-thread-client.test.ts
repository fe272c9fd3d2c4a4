/**
 * The training thread from the worker's side: one trial at a time, real training in a worker_thread,
 * errors mapped to codes, abort that really stops the CPU work and leaves a usable thread behind.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { datasetToCsv } from '../../../shared/ml/dataset/read-csv.js';
import { makeClassification } from '../../../shared/ml/dataset/make-classification.js';
import { TrainingThreadClient } from '../../../services/worker/training-thread-client.js';
import type { TrainingTask } from '../../../services/worker/training-task.js';

let dir: string;
let trainPath: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-thread-'));
  trainPath = path.join(dir, 'train.csv');
  await writeFile(trainPath, datasetToCsv(makeClassification({ n_samples: 3000, n_features: 20, n_informative: 10, n_redundant: 2, random_state: 1 }), 'target'));
});
after(() => rm(dir, { recursive: true, force: true }));

function task(overrides: Partial<Omit<TrainingTask, 'id'>> = {}): Omit<TrainingTask, 'id'> {
  return {
    trainPath,
    testPath: null,
    dataset: { train: 'a'.repeat(64), test: null, target: 'target', split: { test_size: 0.25, random_state: 0, stratify: false } },
    pipeline: { imputer: null, scaler: 'standard' },
    model: 'logistic_regression',
    params: { C: 1 },
    seed: 1,
    cv: { folds: 3, scoring: 'accuracy', shuffle: false },
    ...overrides,
  };
}

describe('TrainingThreadClient', () => {
  it('is reserved by one trial at a time, synchronously', () => {
    const thread = new TrainingThreadClient();
    assert.equal(thread.tryReserve(), true);
    assert.equal(thread.busy, true);
    assert.equal(thread.tryReserve(), false, 'a second trial cannot take it while the first downloads its data');
    thread.unreserve();
    assert.equal(thread.tryReserve(), true);
    thread.unreserve();
  });

  it('trains a trial and returns metrics, per-fold scores and the artefact', async () => {
    const thread = new TrainingThreadClient();
    try {
      const result = await thread.run(task());
      assert.equal(result.ok, true);
      if (!result.ok) return;
      assert.ok(result.metrics.accuracy! > 0.6);
      assert.equal(result.cvScores.length, 3);
      assert.match(result.pipelineJson, /"format":"sweepq.pipeline"/);
    } finally {
      await thread.close();
    }
  });

  it('answers a bad parameter with its code instead of throwing', async () => {
    const thread = new TrainingThreadClient();
    try {
      const result = await thread.run(task({ params: { C: -1 } }));
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.error.code, 'INVALID_MODEL');
      assert.match(result.error.message, /C/);
    } finally {
      await thread.close();
    }
  });

  it('aborts a long training at once and trains the next trial on a fresh thread', async () => {
    const thread = new TrainingThreadClient();
    try {
      const long = thread.run(task({ model: 'random_forest', params: { n_estimators: 2000, max_depth: null } }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = Date.now();
      await thread.abort('test');
      await assert.rejects(long);
      assert.ok(Date.now() - started < 2000, 'the CPU work stopped');
      const next = await thread.run(task());
      assert.equal(next.ok, true, 'the thread is usable again');
    } finally {
      await thread.close();
    }
  });
});
