/**
 * One trial, end to end: cross-validate a pipeline on the training set, refit it on every training
 * row, score it on the test set. The worker, the ML benchmark and the scikit-learn parity test all go
 * through this function, so what is benchmarked and tested is what runs in production.
 */
import { InvalidInputError } from '../errors/index.js';
import type { ModelName } from '../schemas/model-params.schema.js';
import type { PipelineSpec } from '../schemas/pipeline-spec.schema.js';
import type { Dataset } from './dataset/dataset.js';
import { meanStd } from './metrics/mean-std.js';
import { computeMetrics, METRIC_NAMES, type MetricName } from './metrics/metric-names.js';
import { stratifiedKFold } from './model-selection/stratified-k-fold.js';
import { createPipelineWorkspace, Pipeline, type PipelineJSON } from './pipeline.js';

export interface TrialInput {
  train: Dataset;
  test: Dataset;
  pipeline: PipelineSpec;
  model: ModelName;
  params: Record<string, unknown>;
  /** Trial seed: the model's `random_state` when the params leave it null, and the CV shuffle seed. */
  seed: number;
  cv: {
    /** Stratified folds on the training set; 0 or 1 skips cross-validation. */
    folds: number;
    /** Metric scored on each held-out fold (sklearn's `scoring`). */
    scoring: MetricName;
    /** Shuffle before splitting (default false, like `cross_val_score(cv=k)`). */
    shuffle?: boolean;
  };
}

export interface TrialHooks {
  /** Called as the trial advances: stage `cv` (fraction = folds done), `fit`, `eval`. */
  onProgress?(stage: string, fraction: number): void;
}

/**
 * Test-set metrics plus the CV summary. A metric that is undefined on this data (e.g. AUC when the
 * test set holds one class) is null, never NaN, so the record survives JSON unchanged.
 * `cv_mean`/`cv_std` (population std, as numpy's) are absent when CV was skipped.
 */
export type TrialOutcomeMetrics = { [K in MetricName]: number | null } & { cv_mean?: number | null; cv_std?: number | null };

export interface TrialOutcome {
  metrics: TrialOutcomeMetrics;
  /** Per-fold scores with the CV scoring metric, in fold order (NaN where undefined). */
  cvScores: number[];
  /** The pipeline refitted on all training rows. */
  pipeline: PipelineJSON;
  timings: { fitMs: number; cvMs: number; evalMs: number; totalMs: number };
}

/**
 * Runs one trial. Deterministic: the same input gives byte-identical `JSON.stringify(pipeline)` and
 * metrics (timings aside).
 * @throws InvalidInputError for bad params/spec (INVALID_MODEL / INVALID_SPEC) or a test set with labels
 *   the training set lacks (INVALID_CSV).
 */
export function runTrial(input: TrialInput, hooks: TrialHooks = {}): TrialOutcome {
  const started = performance.now();
  const { train, test, cv } = input;
  const nClasses = train.classes.length;
  const testLabels = labelsInTrainClasses(train, test);
  // One transformed copy of the training data for every fit of this trial (CV folds and the refit).
  const workspace = createPipelineWorkspace();

  const cvScores: number[] = [];
  const cvStarted = performance.now();
  if (cv.folds >= 2) {
    const folds = stratifiedKFold(train.y, nClasses, { nSplits: cv.folds, shuffle: cv.shuffle ?? false, randomState: input.seed });
    for (let f = 0; f < folds.length; f++) {
      const fold = folds[f]!;
      const pipeline = Pipeline.create(input.pipeline, input.model, input.params, input.seed);
      pipeline.fit(train, fold.train, workspace);
      const proba = pipeline.predictProbaFitData(fold.test);
      const yTrue = new Int32Array(fold.test.length);
      for (let i = 0; i < fold.test.length; i++) yTrue[i] = train.y[fold.test[i]!]!;
      cvScores.push(computeMetrics(yTrue, proba, nClasses)[cv.scoring]);
      hooks.onProgress?.('cv', (f + 1) / folds.length);
    }
  }
  const cvMs = performance.now() - cvStarted;

  const fitStarted = performance.now();
  const final = Pipeline.create(input.pipeline, input.model, input.params, input.seed);
  final.fit(train, undefined, workspace);
  const fitMs = performance.now() - fitStarted;
  hooks.onProgress?.('fit', 1);

  const evalStarted = performance.now();
  const proba = final.predictProba(test);
  const testMetrics = computeMetrics(testLabels, proba, nClasses);
  const metrics = {} as TrialOutcomeMetrics;
  for (let m = 0; m < METRIC_NAMES.length; m++) {
    const name = METRIC_NAMES[m]!;
    metrics[name] = finiteOrNull(testMetrics[name]);
  }
  if (cvScores.length > 0) {
    const summary = meanStd(cvScores);
    metrics.cv_mean = finiteOrNull(summary.mean);
    metrics.cv_std = finiteOrNull(summary.std);
  }
  const pipelineJSON = final.toJSON();
  const evalMs = performance.now() - evalStarted;
  hooks.onProgress?.('eval', 1);

  return { metrics, cvScores, pipeline: pipelineJSON, timings: { fitMs, cvMs, evalMs, totalMs: performance.now() - started } };
}

/** The test set's labels as indices into the training classes (the two CSVs may list classes differently). */
function labelsInTrainClasses(train: Dataset, test: Dataset): Int32Array {
  const index = new Map<string, number>();
  for (let k = 0; k < train.classes.length; k++) index.set(train.classes[k]!, k);
  const remap = new Int32Array(test.classes.length);
  const unknown: string[] = [];
  for (let k = 0; k < test.classes.length; k++) {
    const at = index.get(test.classes[k]!);
    if (at === undefined) unknown.push(test.classes[k]!);
    else remap[k] = at;
  }
  if (unknown.length > 0) {
    throw new InvalidInputError('INVALID_CSV', `test set has class label(s) absent from the training set: ${unknown.join(', ')}`);
  }
  const labels = new Int32Array(test.nRows);
  for (let i = 0; i < test.nRows; i++) labels[i] = remap[test.y[i]!]!;
  return labels;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
