/**
 * Entry point of a training thread. Training is CPU-bound and synchronous; running it here keeps the
 * worker's main event loop free to renew BullMQ job locks, so a long trial is never mistaken for a
 * stalled one (and run twice). The thread keeps the last few parsed datasets, so trials of one sweep
 * parse and split their data once.
 */
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { SweepqError } from '../../shared/errors/index.js';
import type { TrainTest } from '../../shared/ml/dataset/dataset.js';
import type { MetricName } from '../../shared/ml/metrics/metric-names.js';
import { runTrial } from '../../shared/ml/run-trial.js';
import { materializeTrainTest } from '../../shared/sweep/materialize-train-test.js';
import type { TrainingResult, TrainingTask } from './training-task.js';

const DATASET_CACHE_SIZE = 4;

/**
 * Training runs at a lower CPU priority than everything else. On Linux, setpriority(0) applies to the
 * calling thread only, so the worker's main loop (lock renewal, Redis) and any scheduler or API on the
 * same machine keep their normal priority and stay responsive while every core is busy training.
 */
const TRAINING_NICENESS = 10;
try {
  setPriority(TRAINING_NICENESS);
} catch {
  // Not permitted or not supported (e.g. some containers): train at normal priority.
}
const datasets = new Map<string, TrainTest>();

function loadData(task: TrainingTask): TrainTest {
  const key = JSON.stringify(task.dataset);
  const cached = datasets.get(key);
  if (cached) return cached;
  const trainText = readFileSync(task.trainPath, 'utf8');
  const testText = task.testPath === null ? null : readFileSync(task.testPath, 'utf8');
  const data = materializeTrainTest(task.dataset, trainText, testText);
  if (datasets.size >= DATASET_CACHE_SIZE) datasets.delete(datasets.keys().next().value!);
  datasets.set(key, data);
  return data;
}

function handle(task: TrainingTask): TrainingResult {
  try {
    const loadStarted = performance.now();
    const data = loadData(task);
    const loadMs = performance.now() - loadStarted;
    const outcome = runTrial({
      train: data.train,
      test: data.test,
      pipeline: task.pipeline,
      model: task.model,
      params: task.params,
      seed: task.seed,
      cv: { folds: task.cv.folds, scoring: task.cv.scoring as MetricName, shuffle: task.cv.shuffle },
    });
    const metrics: Record<string, number | null> = { ...outcome.metrics };
    return {
      id: task.id,
      ok: true,
      metrics,
      cvScores: outcome.cvScores,
      pipelineJson: JSON.stringify(outcome.pipeline),
      timings: { ...outcome.timings, loadMs },
    };
  } catch (error) {
    if (error instanceof SweepqError) return { id: task.id, ok: false, error: { code: error.code, message: error.message } };
    const message = error instanceof Error ? error.message : String(error);
    return { id: task.id, ok: false, error: { code: 'INTERNAL', message, stack: error instanceof Error ? error.stack : undefined } };
  }
}

if (!parentPort) throw new Error('training-thread must run as a worker thread');
const port = parentPort;
port.on('message', (task: TrainingTask) => {
  port.postMessage(handle(task));
});
