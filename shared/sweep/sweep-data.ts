/**
 * A sweep's data, read as typed tables (numeric and categorical columns, CSV, gzip CSV or Parquet,
 * streamed from files): the checks a submit runs before anything is written — the CLI on the user's
 * files before uploading them, the server on the stored copies — and the train/test pair a worker's
 * trial trains on. One module, so what is checked is what trains.
 */
import { InvalidInputError } from '../errors/index.js';
import { checkOneHotWidth, checkTarget, checkTestAgainstTrain } from '../ml/dataset/data-checks.js';
import { readTable } from '../ml/dataset/read-table.js';
import { describeTable, type SchemaReport } from '../ml/dataset/schema-report.js';
import { splitTable } from '../ml/dataset/split-table.js';
import type { TabularDataset, Task } from '../ml/dataset/table.js';
import { DEFAULT_SCORING } from '../ml/metrics/metric-names.js';
import { resolvePipelineSpec } from '../ml/preprocessing/resolve-pipeline-spec.js';
import { DEFAULT_MAX_CLASSES, type ColumnSpecInput } from '../schemas/column-spec.schema.js';
import type { DatasetRef } from '../schemas/sweep-context.schema.js';
import { PIPELINE_PARAM_PREFIX } from '../schemas/search-space.schema.js';
import { checkModelsForTask, type SweepSpec } from '../schemas/sweep-spec.schema.js';
import type { DataShape } from '../search/estimate-trial-memory.js';

/** Local files holding a sweep's data: one file to split, or a train and a test file. */
export interface SweepDataFiles {
  train: string;
  test: string | null;
  /** Names shown in messages (the user's paths, or `dataset <sha>`). */
  trainSource?: string;
  testSource?: string;
}

/** How a sweep's files are read: the dataset section of the sweep file, resolved. */
export interface DataReadSpec {
  target: string;
  task?: Task | undefined;
  columns?: ColumnSpecInput | undefined;
  delimiter?: ',' | ';' | '\t' | undefined;
  maxClasses?: number | undefined;
}

export interface SweepDataCheck {
  /** The task, as declared or inferred from the target. */
  task: Task;
  /** `cv.scoring`, as given or the task's default. */
  scoring: string;
  /** The training rows' shape after encoding (for the trials' memory estimates). */
  shape: DataShape;
  /** Column types, missing counts and categories, as inferred (shown by `sweepq run` and `status`). */
  schema: SchemaReport;
}

/**
 * The read options of a sweep's data: from its spec at submit, from its context's dataset in a trial —
 * one function, so the submit's parsed copy and the trials name the same cache file (parsed-data-cache.ts).
 */
export function readSpecOf(spec: { task?: Task | undefined; dataset: Pick<DatasetRef, 'target' | 'columns' | 'delimiter' | 'max_classes'> }): DataReadSpec {
  return {
    target: spec.dataset.target,
    task: spec.task,
    columns: spec.dataset.columns,
    delimiter: spec.dataset.delimiter,
    maxClasses: spec.dataset.max_classes,
  };
}

/** Reads the train/test pair a trial trains on: the test file, or the split of the one file. */
export async function loadTrainTest(
  read: DataReadSpec,
  split: DatasetRef['split'],
  files: SweepDataFiles,
): Promise<{ train: TabularDataset; test: TabularDataset }> {
  const options = {
    target: read.target,
    task: read.task,
    columns: read.columns,
    delimiter: read.delimiter,
    maxClasses: read.maxClasses ?? DEFAULT_MAX_CLASSES,
  };
  const whole = await readTable(files.train, { ...options, source: files.trainSource ?? files.train });
  if (files.test !== null) {
    // The test file is read as the training file's task, so its labels and numbers mean the same.
    const test = await readTable(files.test, { ...options, task: whole.target.task, source: files.testSource ?? files.test });
    checkTestAgainstTrain(whole, test, { trainSource: files.trainSource ?? files.train, testSource: files.testSource ?? files.test });
    return { train: whole, test };
  }
  if (split === null)
    throw new InvalidInputError('INVALID_SPEC', 'a single data file needs a split (split: {test_size, random_state})', { location: { path: 'split' } });
  try {
    return splitTable(whole, { testSize: split.test_size, randomState: split.random_state, stratify: split.stratify });
  } catch (error) {
    throw locateSplitError(error);
  }
}

/** A split the data cannot give points at the sweep file's `split` setting that causes it. */
function locateSplitError(error: unknown): unknown {
  if (!(error instanceof InvalidInputError) || error.code !== 'INVALID_SPEC' || error.location?.path !== undefined) return error;
  const path = /stratif/.test(error.message) ? 'split.stratify' : /test_size|test part|training part/.test(error.message) ? 'split.test_size' : 'split';
  return new InvalidInputError('INVALID_SPEC', `${path}: ${error.message}`, { cause: error, location: { path } });
}

/**
 * Every check of a sweep's data at submit: the target (classes, numbers), the task against the
 * models, metrics and scoring, one-hot widths, test against train, folds against the classes.
 * `onChecked` gets the parsed train/test pair once every check has passed.
 * @throws InvalidInputError (INVALID_CSV, INVALID_SPEC, LIMIT_EXCEEDED) saying what, where and how to fix.
 */
export async function checkSweepData(
  spec: Pick<SweepSpec, 'task' | 'dataset' | 'pipeline' | 'cv' | 'objective' | 'trials' | 'search' | 'metrics'>,
  split: DatasetRef['split'],
  files: SweepDataFiles,
  options: { maxOneHotWidth?: number } = {},
  onChecked?: (data: { train: TabularDataset; test: TabularDataset }) => void,
): Promise<SweepDataCheck> {
  const read = readSpecOf(spec);
  const data = await loadTrainTest(read, split, files);
  const { train, test } = data;
  const task = spec.task ?? train.target.task;
  checkTarget(train, { task, maxClasses: read.maxClasses ?? DEFAULT_MAX_CLASSES, source: files.trainSource ?? files.train });
  checkOneHotWidth(train, spec.pipeline, {
    source: files.trainSource ?? files.train,
    ...(options.maxOneHotWidth === undefined ? {} : { limit: options.maxOneHotWidth }),
  });
  if (spec.task === undefined) {
    // The task was inferred from the data: the models and metrics must fit it.
    const problems: string[] = [];
    const paths: string[] = [];
    checkModelsForTask(spec, task, (path, message) => {
      paths.push(path.map(String).join('.'));
      problems.push(`${path.map(String).join('.')}: ${message}`);
    });
    if (problems.length > 0) {
      throw new InvalidInputError(
        'INVALID_SPEC',
        `the target "${read.target}" makes this a ${task} sweep (set task: to override), but ${problems.join('; ')}`,
        {
          location: { path: paths[0]! },
        },
      );
    }
  }
  const scoring = spec.cv.scoring ?? DEFAULT_SCORING[task];
  // An inferred task is named in the error: the file itself says nothing of regression.
  const inferredFrom = spec.task === undefined ? read.target : undefined;
  assertMetricOfTask(scoring, task, 'cv.scoring', inferredFrom);
  const objective = spec.objective?.metric;
  if (objective !== undefined && objective !== 'cv_mean' && objective !== 'cv_std' && !(spec.metrics ?? []).some((m) => m.name === objective)) {
    assertMetricOfTask(objective, task, 'objective.metric', inferredFrom);
  }
  if (spec.cv.folds >= 2) {
    if (train.target.task === 'classification') assertFoldsFit(train.target.y, train.target.classes.length, spec.cv.folds);
    else if (train.nRows < spec.cv.folds) {
      throw new InvalidInputError('INVALID_SPEC', `cv.folds is ${spec.cv.folds} but the training part has ${train.nRows} rows; lower cv.folds`, {
        location: { path: 'cv.folds' },
      });
    }
  }
  const schema = describeTable(train);
  assertMissingValuesImputed(spec, schema, describeTable(test));
  onChecked?.(data);
  return { task, scoring, shape: encodedShape(train, schema, spec.pipeline), schema };
}

/** Models that cannot fit or predict a missing numeric value; scikit-learn refuses NaN in them too. */
const MODELS_WITHOUT_MISSING_VALUES: ReadonlySet<string> = new Set(['logistic_regression', 'linear_regression', 'ridge']);

/**
 * A linear model on numeric columns with missing cells needs the numeric imputer: without one it
 * used to train on NaN and report a constant model (AUC 0.5) as a completed trial. Trials and search
 * entries that set or search the imputer themselves are left to it.
 */
function assertMissingValuesImputed(spec: Pick<SweepSpec, 'pipeline' | 'trials' | 'search'>, train: SchemaReport, test: SchemaReport): void {
  if (resolvePipelineSpec(spec.pipeline).numeric.imputer !== null) return;
  const missing = new Map<string, number>();
  for (const report of [train, test]) {
    for (const column of report.columns)
      if (column.type === 'numeric' && column.missing > 0) missing.set(column.name, (missing.get(column.name) ?? 0) + column.missing);
  }
  if (missing.size === 0) return;
  const setsImputer = (params: Record<string, unknown>): boolean =>
    Object.keys(params).some((key) => key.startsWith(`${PIPELINE_PARAM_PREFIX}numeric.imputer`) || key.startsWith(`${PIPELINE_PARAM_PREFIX}imputer`));
  const uses: Array<{ path: string; model: string }> = [];
  (spec.trials ?? []).forEach((trial, i) => {
    if (MODELS_WITHOUT_MISSING_VALUES.has(trial.model) && !setsImputer(trial.params)) uses.push({ path: `trials[${i}]`, model: trial.model });
  });
  (spec.search?.space ?? []).forEach((entry, i) => {
    if (MODELS_WITHOUT_MISSING_VALUES.has(entry.model) && !setsImputer(entry.params)) uses.push({ path: `search.space[${i}]`, model: entry.model });
  });
  const first = uses[0];
  if (first === undefined) return;
  const columns = [...missing].slice(0, 5).map(([name, count]) => `${name} ${count}`);
  throw new InvalidInputError(
    'INVALID_SPEC',
    `${first.path}: ${first.model} cannot use missing values, and ${missing.size} numeric column(s) have some (${columns.join(', ')}${missing.size > 5 ? ', …' : ''}) while the pipeline has no numeric imputer; add one, e.g. pipeline: {imputer: {strategy: median}} (scikit-learn refuses NaN in this model too)`,
    { location: { path: first.path } },
  );
}

function assertMetricOfTask(metric: string, task: Task, path: string, inferredFrom: string | undefined): void {
  const names: readonly string[] =
    task === 'regression' ? ['r2', 'rmse', 'mae', 'mape'] : ['accuracy', 'precision', 'recall', 'f1_score', 'auc_roc', 'log_loss'];
  if (!names.includes(metric)) {
    const inferred = inferredFrom === undefined ? '' : `the target "${inferredFrom}" makes this a ${task} sweep (set task: to override), and `;
    throw new InvalidInputError(
      'INVALID_SPEC',
      `${inferred}${path} ${metric} is not a ${task} metric (use one of ${names.join(', ')}${path === 'cv.scoring' ? '' : ', cv_mean or cv_std'})`,
      { location: { path } },
    );
  }
}

/** Rows, model columns after one-hot encoding (capped by max_categories), and classes. */
function encodedShape(train: TabularDataset, schema: SchemaReport, pipeline: SweepSpec['pipeline']): DataShape {
  const encoder = resolvePipelineSpec(pipeline).categorical.encoder;
  let features = 0;
  for (const column of schema.columns) {
    if (column.type === 'numeric' || encoder.kind === 'ordinal') features++;
    else {
      const categories = column.categories ?? 1;
      features += encoder.max_categories === null || encoder.max_categories === undefined ? categories : Math.min(categories, encoder.max_categories);
    }
  }
  return { rows: train.nRows, features, classes: train.target.task === 'classification' ? train.target.classes.length : 1 };
}

/** scikit-learn refuses StratifiedKFold when no class has n_splits members; say so before enqueueing. */
function assertFoldsFit(y: Int32Array, nClasses: number, folds: number): void {
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < y.length; i++) counts[y[i]!]!++;
  let maxCount = 0;
  for (let k = 0; k < nClasses; k++) maxCount = Math.max(maxCount, counts[k]!);
  if (maxCount < folds) {
    throw new InvalidInputError('INVALID_SPEC', `cv.folds is ${folds} but no class has that many training rows (largest class: ${maxCount}); lower cv.folds`, {
      location: { path: 'cv.folds' },
    });
  }
}
