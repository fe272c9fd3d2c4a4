/**
 * One trial, end to end: cross-validate a pipeline on the training set, refit it on every training
 * row, score it on the test set — for classification (stratified folds, classification metrics) and
 * regression (KFold, regression metrics). The worker, the ML benchmark and the scikit-learn parity
 * tests all go through this function, so what is benchmarked and tested is what runs in production.
 */
import { InvalidInputError } from '../errors/index.js';
import type { ModelName, RegressorName } from '../schemas/model-params.schema.js';
import type { PipelineSpecInput, ResolvedPipelineSpec } from '../schemas/pipeline-spec.schema.js';
import type { Dataset } from './dataset/dataset.js';
import { isTable, tableFromDataset, type ClassificationTarget, type TabularDataset, type Task } from './dataset/table.js';
import { meanStd } from './metrics/mean-std.js';
import { computeMetrics, METRIC_NAMES, METRIC_NAMES_BY_TASK, type AnyMetricName, type MetricName } from './metrics/metric-names.js';
import { computeRegressionMetrics, REGRESSION_METRIC_NAMES, type RegressionMetricName } from './metrics/regression-metrics.js';
import { kFold } from './model-selection/k-fold.js';
import { stratifiedKFold } from './model-selection/stratified-k-fold.js';
import { createPipelineWorkspace, Pipeline, type PipelineJSON } from './pipeline.js';
import { applyPipelineOverrides } from './preprocessing/resolve-pipeline-spec.js';

export interface TrialInput {
  /** A typed dataset (readTable) or a numeric classification Dataset (v1 data model). */
  train: TabularDataset | Dataset;
  test: TabularDataset | Dataset;
  /** Preprocessing spec, flat `{imputer, scaler}` or nested `{numeric, categorical}`. */
  pipeline: PipelineSpecInput | ResolvedPipelineSpec;
  /**
   * Searchable pipeline settings of this trial, applied over `pipeline`:
   * `{ 'pipeline.categorical.encoder.kind': 'ordinal', 'pipeline.numeric.scaler': 'robust' }`.
   */
  pipelineOverrides?: Readonly<Record<string, unknown>>;
  /** Must match the training target's task when given (default: the target's task). */
  task?: Task;
  model: ModelName | RegressorName;
  params: Record<string, unknown>;
  /** Trial seed: the model's `random_state` when the params leave it null, and the CV shuffle seed. */
  seed: number;
  cv: {
    /** Folds on the training set (stratified for classification, KFold for regression); 0 or 1 skips CV. */
    folds: number;
    /** Metric scored on each held-out fold (sklearn's `scoring`), one of the task's metric names. */
    scoring: AnyMetricName;
    /** Shuffle before splitting (default false, like `cross_val_score(cv=k)`). */
    shuffle?: boolean;
  };
  /**
   * Per-fold CV scores computed beforehand (by stages, under a pruner: see
   * cross-validate-by-stages.ts): CV is not run again, they are reported as computed.
   */
  cvScores?: readonly number[];
}

export interface TrialHooks {
  /** Called as the trial advances: stage `cv` (fraction = folds done), `fit`, `eval`. */
  onProgress?(stage: string, fraction: number): void;
}

/**
 * Test-set metrics of the task (classification: accuracy … log_loss; regression: r2, rmse, mae, mape)
 * plus the CV summary. A metric that is undefined on this data is null, never NaN, so the record
 * survives JSON unchanged. `cv_mean`/`cv_std` (population std, as numpy's) are absent when CV was
 * skipped; they summarise `cv.scoring` as computed (an error metric stays positive, lower is better).
 */
export type TrialOutcomeMetrics = { [K in AnyMetricName]?: number | null } & { cv_mean?: number | null; cv_std?: number | null };

export interface TrialOutcome {
  task: Task;
  metrics: TrialOutcomeMetrics;
  /** Per-fold scores with the CV scoring metric, in fold order (NaN where undefined). */
  cvScores: number[];
  /** The pipeline refitted on all training rows. */
  pipeline: PipelineJSON;
  /** The same fitted pipeline as an object (the worker's diagnostics use it: no JSON round trip). */
  fitted: Pipeline;
  timings: { fitMs: number; cvMs: number; evalMs: number; totalMs: number };
}

/**
 * Runs one trial. Deterministic: the same input gives byte-identical `JSON.stringify(pipeline)` and
 * metrics (timings aside).
 * @throws InvalidInputError for bad params/spec (INVALID_MODEL / INVALID_SPEC), a scoring metric of the
 *   other task (INVALID_SPEC), or a test set with classes the training set lacks (INVALID_CSV).
 */
export function runTrial(input: TrialInput, hooks: TrialHooks = {}): TrialOutcome {
  const started = performance.now();
  const train = asTabular(input.train);
  const test = asTabular(input.test);
  const task = train.target.task;
  if (input.task !== undefined && input.task !== task) {
    throw new InvalidInputError(
      'INVALID_SPEC',
      `task is ${input.task} but the training target "${train.target.name}" was read as ${task}; read the data with task: ${input.task}`,
    );
  }
  if (test.target.task !== task) {
    throw new InvalidInputError(
      'INVALID_CSV',
      `the test target was read as ${test.target.task} but the training target as ${task}; read both with the same task`,
    );
  }
  const { cv } = input;
  const allowed = METRIC_NAMES_BY_TASK[task] as readonly string[];
  if (!allowed.includes(cv.scoring)) {
    throw new InvalidInputError('INVALID_SPEC', `cv.scoring "${cv.scoring}" is not a ${task} metric; use one of ${allowed.join(', ')}`, {
      location: { path: 'cv.scoring' },
    });
  }
  const spec = applyPipelineOverrides(input.pipeline, input.pipelineOverrides ?? {});
  const make = (): Pipeline => Pipeline.create(spec, input.model, input.params, input.seed, task);
  // Fails fast on bad params, before any work.
  const final = make();

  const trainTarget = train.target;
  // Fails fast on test labels the training set lacks, before any work.
  if (trainTarget.task === 'classification') labelsInTrainClasses(trainTarget, test.target as ClassificationTarget);
  // One transformed copy of the training data for every fit of this trial (CV folds and the refit).
  const workspace = createPipelineWorkspace();

  const cvScores: number[] = input.cvScores === undefined ? [] : [...input.cvScores];
  const cvStarted = performance.now();
  if (cv.folds >= 2 && input.cvScores === undefined) {
    const folds = cvFolds(train, cv, input.seed);
    for (let f = 0; f < folds.length; f++) {
      const fold = folds[f]!;
      const pipeline = make();
      pipeline.fit(train, fold.train, workspace);
      if (trainTarget.task === 'classification') {
        const proba = pipeline.predictProbaFitData(fold.test);
        const yTrue = new Int32Array(fold.test.length);
        for (let i = 0; i < fold.test.length; i++) yTrue[i] = trainTarget.y[fold.test[i]!]!;
        cvScores.push(computeMetrics(yTrue, proba, trainTarget.classes.length)[cv.scoring as MetricName]);
      } else {
        const predicted = pipeline.predictValuesFitData(fold.test);
        const yTrue = new Float64Array(fold.test.length);
        for (let i = 0; i < fold.test.length; i++) yTrue[i] = trainTarget.y[fold.test[i]!]!;
        cvScores.push(computeRegressionMetrics(yTrue, predicted)[cv.scoring as RegressionMetricName]);
      }
      hooks.onProgress?.('cv', (f + 1) / folds.length);
    }
  }
  const cvMs = performance.now() - cvStarted;

  const fitStarted = performance.now();
  final.fit(train, undefined, workspace);
  const fitMs = performance.now() - fitStarted;
  hooks.onProgress?.('fit', 1);

  const evalStarted = performance.now();
  const metrics = scoreTestSet(final, train, test);
  if (cvScores.length > 0) {
    const summary = meanStd(cvScores);
    metrics.cv_mean = finiteOrNull(summary.mean);
    metrics.cv_std = finiteOrNull(summary.std);
  }
  const pipelineJSON = final.toJSON();
  const evalMs = performance.now() - evalStarted;
  hooks.onProgress?.('eval', 1);

  return { task, metrics, cvScores, pipeline: pipelineJSON, fitted: final, timings: { fitMs, cvMs, evalMs, totalMs: performance.now() - started } };
}

/**
 * Test-set metrics of a pipeline fitted on `train` (null where undefined on this data) — runTrial's
 * evaluation, also used for a forest fitted in parts and merged (fold jobs), so both score alike.
 * @throws InvalidInputError INVALID_CSV when the test set has classes the training set lacks.
 */
export function scoreTestSet(final: Pipeline, train: TabularDataset, test: TabularDataset): TrialOutcomeMetrics {
  const trainTarget = train.target;
  const metrics = {} as TrialOutcomeMetrics;
  if (trainTarget.task === 'classification') {
    const testLabels = labelsInTrainClasses(trainTarget, test.target as ClassificationTarget);
    const proba = final.predictProba(test);
    const testMetrics = computeMetrics(testLabels, proba, trainTarget.classes.length);
    for (const name of METRIC_NAMES) metrics[name] = finiteOrNull(testMetrics[name]);
  } else {
    const predicted = final.predictValues(test);
    const testMetrics = computeRegressionMetrics(test.target.y as Float64Array, predicted);
    for (const name of REGRESSION_METRIC_NAMES) metrics[name] = finiteOrNull(testMetrics[name]);
  }
  return metrics;
}

/** The CV folds of a trial: stratified for classification, KFold for regression (as scikit-learn's cross_val_score). */
export function cvFolds(train: TabularDataset, cv: TrialInput['cv'], seed: number): Array<{ train: Uint32Array; test: Uint32Array }> {
  const target = train.target;
  return target.task === 'classification'
    ? stratifiedKFold(target.y, target.classes.length, { nSplits: cv.folds, shuffle: cv.shuffle ?? false, randomState: seed })
    : kFold(train.nRows, { nSplits: cv.folds, shuffle: cv.shuffle ?? false, randomState: seed });
}

export function asTabular(data: TabularDataset | Dataset): TabularDataset {
  return isTable(data) ? data : tableFromDataset(data);
}

/** The test set's labels as indices into the training classes (the two files may list classes differently). */
function labelsInTrainClasses(train: ClassificationTarget, test: ClassificationTarget): Int32Array {
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
  const labels = new Int32Array(test.y.length);
  for (let i = 0; i < test.y.length; i++) labels[i] = remap[test.y[i]!]!;
  return labels;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
