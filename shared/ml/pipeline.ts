/**
 * A fitted ColumnTransformer (numeric branch: imputer → scaler; categorical branch: imputer → encoder)
 * plus a classifier or regressor: the unit sweepq trains, scores, stores as an artefact and loads back
 * for prediction.
 *
 * Artefact format v2 carries the task, the input columns with their types, the column transformer's
 * state and the output feature names (`island_Torgersen`, …). Version 1 artefacts (numeric features,
 * a list of steps, a classifier) still load and predict.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors/index.js';
import type { PipelineSpecInput, ResolvedPipelineSpec } from '../schemas/pipeline-spec.schema.js';
import type { Dataset, FeatureMatrix } from './dataset/dataset.js';
import { isTable, tableFromDataset, tableFromMatrix, type ColumnType, type Table, type TabularDataset, type Task } from './dataset/table.js';
import { argmaxRows, type Classifier } from './models/classifier.js';
import { FitCache } from './models/fit-cache.js';
import { isStagedClassifier, type StagedClassifier } from './models/staged-classifier.js';
import { classifierFromJSON, createClassifier, createRegressor, regressorFromJSON } from './models/model-registry.js';
import type { Regressor } from './models/regressor.js';
import type { ModelName, RegressorName } from '../schemas/model-params.schema.js';
import { ColumnTransformer, createColumnWorkspace, type ColumnWorkspace } from './preprocessing/column-transformer.js';
import { resolvePipelineSpec } from './preprocessing/resolve-pipeline-spec.js';

export const PIPELINE_FORMAT = 'sweepq.pipeline';
/** The version this code writes. */
export const PIPELINE_VERSION = 2;
/** Versions this code reads. */
export const READABLE_PIPELINE_VERSIONS: readonly number[] = [1, 2];

export interface InputColumn {
  name: string;
  type: ColumnType;
}

/** The serialised pipeline (artefact body), version 2. */
export interface PipelineJSON {
  format: typeof PIPELINE_FORMAT;
  version: typeof PIPELINE_VERSION;
  task: Task;
  /** Target column name seen in fit (null when fitted on unnamed data). */
  target: string | null;
  /** Columns the pipeline reads, matched by name at predict time. */
  inputColumns: InputColumn[];
  /** Output feature names of the column transformer, in model column order. */
  featureNames: string[];
  /** Class labels (classification; empty for regression). */
  classes: string[];
  columnTransformer: unknown;
  model: unknown;
}

const PipelineHeaderSchema = z.object({ format: z.literal(PIPELINE_FORMAT), version: z.number().int() });

const PipelineV2Schema = z.object({
  format: z.literal(PIPELINE_FORMAT),
  version: z.literal(2),
  task: z.enum(['classification', 'regression']),
  target: z.string().nullable(),
  inputColumns: z.array(z.strictObject({ name: z.string(), type: z.enum(['numeric', 'categorical']) })),
  featureNames: z.array(z.string()),
  classes: z.array(z.string()),
  columnTransformer: z.unknown(),
  model: z.unknown(),
});

const PipelineV1Schema = z.object({
  format: z.literal(PIPELINE_FORMAT),
  version: z.literal(1),
  featureNames: z.array(z.string()),
  classes: z.array(z.string()).min(1),
  steps: z.array(z.unknown()),
  model: z.unknown(),
});

/**
 * Reusable column buffers for {@link Pipeline.fit}: pass the same workspace to successive fits (CV
 * folds) so the transformed copy of the data is allocated once per trial, not once per fold.
 */
export type PipelineWorkspace = ColumnWorkspace & {
  /** Model-side work kept across the fits on this workspace (e.g. sorted feature orders for binning). */
  modelCache?: FitCache;
};

/** A new, empty workspace. */
export function createPipelineWorkspace(): PipelineWorkspace {
  return { ...createColumnWorkspace(), modelCache: new FitCache() };
}

/**
 * Input to predict: a typed table (columns matched by name), a named numeric matrix (a v1 Dataset),
 * or a plain matrix in the order of {@link Pipeline.inputColumns}.
 */
export type PipelineInput = Table | (FeatureMatrix & { readonly featureNames?: readonly string[] });

/** Data to fit on: a typed dataset, or a numeric classification Dataset (v1 data model). */
export type PipelineFitData = TabularDataset | Dataset;

export class Pipeline {
  readonly task: Task;
  readonly columnTransformer: ColumnTransformer;
  readonly model: Classifier | Regressor;
  /** Input columns seen in fit, with their types. */
  inputColumns: InputColumn[] = [];
  /** Output feature names (model column order). */
  featureNames: readonly string[] = [];
  /** Class labels seen in fit (sorted); probability column k is `classes[k]`. Empty for regression. */
  classes: readonly string[] = [];
  targetName: string | null = null;
  /** Transformed view of the data last passed to fit (lives in the workspace buffers). */
  private fitView: FeatureMatrix | null = null;

  constructor(task: Task, columnTransformer: ColumnTransformer, model: Classifier | Regressor) {
    this.task = task;
    this.columnTransformer = columnTransformer;
    this.model = model;
  }

  /**
   * An unfitted pipeline from a preprocessing spec (flat or nested) and a model of the task.
   * @throws InvalidInputError INVALID_SPEC / INVALID_MODEL for a bad spec or params.
   */
  static create(
    spec: PipelineSpecInput | ResolvedPipelineSpec | undefined,
    model: ModelName | RegressorName,
    params: unknown,
    seed: number,
    task: Task = 'classification',
  ): Pipeline {
    const resolved = resolvePipelineSpec(spec);
    const estimator = task === 'classification' ? createClassifier(model as ModelName, params, seed) : createRegressor(model as RegressorName, params, seed);
    return new Pipeline(task, new ColumnTransformer(resolved), estimator);
  }

  /**
   * Fits the column transformer on `rows` only (no leakage from held-out rows), transforms all rows
   * once into the workspace buffers — their statistics come from `rows` alone, so held-out rows are
   * transformed exactly as at predict time — then fits the model on `rows`.
   */
  fit(data: PipelineFitData, rows?: Uint32Array, workspace: PipelineWorkspace = createPipelineWorkspace()): this {
    const table: TabularDataset = isTable(data) ? data : tableFromDataset(data);
    const target = table.target;
    if (target.task !== this.task) {
      throw new InvalidInputError('INVALID_ARGUMENT', `a ${this.task} pipeline cannot fit a ${target.task} target ("${target.name}")`);
    }
    const X = this.columnTransformer.fitTransform(table, rows, workspace);
    if (target.task === 'classification') (this.model as Classifier).fit(X, target.y, rows, workspace?.modelCache);
    else (this.model as Regressor).fit(X, target.y, rows, workspace?.modelCache);
    this.inputColumns = table.columns.map((c) => ({ name: c.name, type: c.type }));
    this.featureNames = this.columnTransformer.featureNamesOut.slice();
    this.classes = target.task === 'classification' ? target.classes.slice() : [];
    this.targetName = target.name;
    this.fitView = X;
    return this;
  }

  /**
   * {@link fit} one model stage at a time, for models that grow by stages (trees of a forest, boosting
   * stages; see {@link isStagedClassifier}): yields the stages fitted so far, and after each yield
   * {@link predictProbaFitData} predicts with them. Draining it is the same fit as {@link fit}.
   */
  *fitStages(data: PipelineFitData, rows?: Uint32Array, workspace: PipelineWorkspace = createPipelineWorkspace()): Generator<number, void> {
    const table: TabularDataset = isTable(data) ? data : tableFromDataset(data);
    const target = table.target;
    if (target.task !== 'classification' || this.task !== 'classification' || !isStagedClassifier(this.model as Classifier)) {
      throw new InvalidInputError('INVALID_ARGUMENT', `${this.model.name} (${this.task}) cannot be fitted by stages`);
    }
    const X = this.columnTransformer.fitTransform(table, rows, workspace);
    this.inputColumns = table.columns.map((c) => ({ name: c.name, type: c.type }));
    this.featureNames = this.columnTransformer.featureNamesOut.slice();
    this.classes = target.classes.slice();
    this.targetName = target.name;
    this.fitView = X;
    yield* (this.model as StagedClassifier).fitStages(X, target.y, rows, workspace.modelCache);
  }

  /**
   * Probabilities for rows of the dataset last passed to {@link fit} (e.g. a CV fold's held-out rows),
   * reusing its already transformed buffer. Valid until the workspace is reused by another fit.
   */
  predictProbaFitData(rows: Uint32Array, out?: Float64Array): Float64Array {
    return this.classifier().predictProba(this.requireFitView(), rows, out);
  }

  /** Regression predictions for rows of the dataset last passed to {@link fit}. */
  predictValuesFitData(rows: Uint32Array, out?: Float64Array): Float64Array {
    return this.regressor().predict(this.requireFitView(), rows, out);
  }

  /** Class probabilities, row-major n×k, for `rows` of X (default all). Classification only. */
  predictProba(X: PipelineInput, rows?: Uint32Array): Float64Array {
    return this.classifier().predictProba(this.transform(X), rows);
  }

  /** Most probable class index per row (into {@link classes}). Classification only. */
  predict(X: PipelineInput, rows?: Uint32Array): Int32Array {
    return argmaxRows(this.predictProba(X, rows), this.classifier().nClasses);
  }

  /** Predicted values. Regression only. */
  predictValues(X: PipelineInput, rows?: Uint32Array): Float64Array {
    return this.regressor().predict(this.transform(X), rows);
  }

  /** Applies the fitted column transformer to X (columns matched by name when X has names). */
  transform(X: PipelineInput): FeatureMatrix {
    return this.columnTransformer.transform(this.asTable(X));
  }

  /** The column spec to read prediction data with: the input columns' types as seen in fit. */
  inputColumnSpec(): { numeric: string[]; categorical: string[] } {
    const numeric: string[] = [];
    const categorical: string[] = [];
    for (const c of this.inputColumns) (c.type === 'numeric' ? numeric : categorical).push(c.name);
    return { numeric, categorical };
  }

  /**
   * Options to read a prediction file with `readTable(path, pipeline.predictionReadOptions())`: only the
   * input columns, typed as in fit (a categorical column of digits stays text), no target, no id-column
   * refusal; a column the file lacks is reported by predict, by name.
   */
  predictionReadOptions(): {
    target: null;
    columns: { numeric: string[]; categorical: string[] };
    onlyColumns: Set<string>;
    lenientSpec: true;
    maxCategoryRatio: null;
  } {
    return {
      target: null,
      columns: this.inputColumnSpec(),
      onlyColumns: new Set(this.inputColumns.map((c) => c.name)),
      lenientSpec: true,
      maxCategoryRatio: null,
    };
  }

  private asTable(X: PipelineInput): Table {
    if (isTable(X)) return X;
    const matrix = X;
    if (matrix.featureNames) return tableFromMatrix(matrix.nRows, matrix.columns, matrix.featureNames);
    if (matrix.columns.length !== this.inputColumns.length) {
      throw new InvalidInputError('INVALID_CSV', `expected ${this.inputColumns.length} feature columns, got ${matrix.columns.length}`);
    }
    return tableFromMatrix(
      matrix.nRows,
      matrix.columns,
      this.inputColumns.map((c) => c.name),
    );
  }

  private requireFitView(): FeatureMatrix {
    if (!this.fitView) throw new InvalidInputError('INVALID_ARGUMENT', 'pipeline: predicting fit data before fit');
    return this.fitView;
  }

  private classifier(): Classifier {
    if (this.task !== 'classification') throw new InvalidInputError('INVALID_ARGUMENT', 'this pipeline is a regressor: use predictValues');
    return this.model as Classifier;
  }

  private regressor(): Regressor {
    if (this.task !== 'regression') throw new InvalidInputError('INVALID_ARGUMENT', 'this pipeline is a classifier: use predict or predictProba');
    return this.model as Regressor;
  }

  toJSON(): PipelineJSON {
    return {
      format: PIPELINE_FORMAT,
      version: PIPELINE_VERSION,
      task: this.task,
      target: this.targetName,
      inputColumns: this.inputColumns.map((c) => ({ ...c })),
      featureNames: this.featureNames.slice(),
      classes: this.classes.slice(),
      columnTransformer: this.columnTransformer.toJSON(),
      model: this.model.toJSON(),
    };
  }

  /** Loads a pipeline saved with {@link toJSON} (version 2) or by an earlier sweepq (version 1). @throws InvalidInputError INVALID_ARTIFACT. */
  static fromJSON(json: unknown): Pipeline {
    const header = PipelineHeaderSchema.safeParse(json);
    if (!header.success) {
      throw new InvalidInputError('INVALID_ARTIFACT', `not a sweepq pipeline artefact (expected format "${PIPELINE_FORMAT}" and an integer version)`, {
        details: header.error.issues,
      });
    }
    if (!READABLE_PIPELINE_VERSIONS.includes(header.data.version)) {
      throw new InvalidInputError(
        'INVALID_ARTIFACT',
        `pipeline artefact version ${header.data.version} is not supported by this sweepq (it reads versions ${READABLE_PIPELINE_VERSIONS.join(' and ')})`,
      );
    }
    return header.data.version === 1 ? fromV1(json) : fromV2(json);
  }
}

function malformed(error: z.ZodError): InvalidInputError {
  const issue = error.issues[0];
  return new InvalidInputError('INVALID_ARTIFACT', `pipeline artefact is malformed at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`, {
    details: error.issues,
  });
}

function fromV2(json: unknown): Pipeline {
  const parsed = PipelineV2Schema.safeParse(json);
  if (!parsed.success) throw malformed(parsed.error);
  const data = parsed.data;
  const ct = ColumnTransformer.fromJSON(data.columnTransformer);
  const model = data.task === 'classification' ? classifierFromJSON(data.model) : regressorFromJSON(data.model);
  if (data.task === 'classification') {
    if (data.classes.length < 1 || (model as Classifier).nClasses !== data.classes.length) {
      throw new InvalidInputError(
        'INVALID_ARTIFACT',
        `pipeline artefact: model has ${(model as Classifier).nClasses} classes but the artefact lists ${data.classes.length}`,
      );
    }
  }
  const pipeline = new Pipeline(data.task, ct, model);
  pipeline.inputColumns = data.inputColumns;
  pipeline.featureNames = data.featureNames;
  pipeline.classes = data.classes;
  pipeline.targetName = data.target;
  return pipeline;
}

/** A v1 artefact: numeric features, imputer/scaler steps, a classifier. */
function fromV1(json: unknown): Pipeline {
  const parsed = PipelineV1Schema.safeParse(json);
  if (!parsed.success) throw malformed(parsed.error);
  const data = parsed.data;
  const ct = ColumnTransformer.fromV1(data.featureNames, data.steps);
  const model = classifierFromJSON(data.model);
  if (model.nClasses !== data.classes.length) {
    throw new InvalidInputError('INVALID_ARTIFACT', `pipeline artefact: model has ${model.nClasses} classes but the artefact lists ${data.classes.length}`);
  }
  const pipeline = new Pipeline('classification', ct, model);
  pipeline.inputColumns = data.featureNames.map((name) => ({ name, type: 'numeric' as const }));
  pipeline.featureNames = data.featureNames;
  pipeline.classes = data.classes;
  return pipeline;
}
