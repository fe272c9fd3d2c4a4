/**
 * A fitted preprocessing chain (imputer → scaler) plus a classifier: the unit sweepq trains, scores,
 * stores as an artefact and loads back for prediction.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors/index.js';
import type { ModelName } from '../schemas/model-params.schema.js';
import { PipelineSpecSchema, type PipelineSpec } from '../schemas/pipeline-spec.schema.js';
import { alignFeatures } from './align-features.js';
import type { Dataset, FeatureMatrix } from './dataset/dataset.js';
import { argmaxRows, type Classifier } from './models/classifier.js';
import { FitCache } from './models/fit-cache.js';
import { classifierFromJSON, createClassifier } from './models/model-registry.js';
import { buildTransformers, transformerFromJSON } from './preprocessing/build-preprocessing.js';
import type { Transformer } from './preprocessing/transformer.js';

export const PIPELINE_FORMAT = 'sweepq.pipeline';
export const PIPELINE_VERSION = 1;

/** The serialised pipeline (artefact body). */
export interface PipelineJSON {
  format: typeof PIPELINE_FORMAT;
  version: typeof PIPELINE_VERSION;
  featureNames: string[];
  classes: string[];
  /** Transformer states in application order. */
  steps: unknown[];
  model: unknown;
}

const PipelineHeaderSchema = z.object({ format: z.literal(PIPELINE_FORMAT), version: z.number().int() });

const PipelineJSONSchema = z.object({
  format: z.literal(PIPELINE_FORMAT),
  version: z.literal(PIPELINE_VERSION),
  featureNames: z.array(z.string()),
  classes: z.array(z.string()).min(1),
  steps: z.array(z.unknown()),
  model: z.unknown(),
});

/**
 * Reusable column buffers for {@link Pipeline.fit}: pass the same workspace to successive fits (CV
 * folds) so the transformed copy of the data is allocated once per trial, not once per fold.
 */
export interface PipelineWorkspace {
  /**
   * One column set of the data's shape: the first step writes into it, later steps transform it in
   * place (the Transformer contract allows `out === X.columns`). Managed by the pipeline.
   */
  columns: Float64Array[] | null;
  /** Model-side work kept across the fits on this workspace (e.g. sorted feature orders for binning). */
  modelCache?: FitCache;
}

/** A new, empty workspace. */
export function createPipelineWorkspace(): PipelineWorkspace {
  return { columns: null, modelCache: new FitCache() };
}

/** Input to predict: a named matrix (aligned by feature name) or a plain matrix in training column order. */
export type PipelineInput = FeatureMatrix & { readonly featureNames?: readonly string[] };

export class Pipeline {
  readonly transformers: readonly Transformer[];
  readonly model: Classifier;
  /** Feature names seen in fit, in model column order. */
  featureNames: readonly string[] = [];
  /** Class labels seen in fit (sorted); probability column k is `classes[k]`. */
  classes: readonly string[] = [];
  /** Transformed view of the data last passed to fit (lives in the workspace buffers). */
  private fitView: FeatureMatrix | null = null;

  constructor(transformers: readonly Transformer[], model: Classifier) {
    this.transformers = transformers;
    this.model = model;
  }

  /**
   * An unfitted pipeline from a preprocessing spec and a model.
   * @throws InvalidInputError INVALID_SPEC / INVALID_MODEL for a bad spec or params.
   */
  static create(spec: PipelineSpec, model: ModelName, params: unknown, seed: number): Pipeline {
    const parsedSpec = PipelineSpecSchema.safeParse(spec);
    if (!parsedSpec.success) {
      throw new InvalidInputError('INVALID_SPEC', `invalid pipeline spec: ${parsedSpec.error.issues[0]?.message ?? 'invalid'}`, {
        details: parsedSpec.error.issues,
      });
    }
    return new Pipeline(buildTransformers(parsedSpec.data), createClassifier(model, params, seed));
  }

  /**
   * Fits every transformer on `rows` only (no leakage from held-out rows), transforms all rows once
   * into the workspace buffers — their statistics come from `rows` alone, so held-out rows are
   * transformed exactly as at predict time — then fits the model on `rows`.
   */
  fit(data: Dataset, rows?: Uint32Array, workspace: PipelineWorkspace = createPipelineWorkspace()): this {
    let current: FeatureMatrix = data;
    for (let s = 0; s < this.transformers.length; s++) {
      const transformer = this.transformers[s]!;
      transformer.fit(current, rows);
      current = transformer.transform(current, workspaceColumns(workspace, current.columns.length, current.nRows));
    }
    this.model.fit(current, data.y, rows, workspace.modelCache);
    this.featureNames = data.featureNames.slice();
    this.classes = data.classes.slice();
    this.fitView = current;
    return this;
  }

  /**
   * Probabilities for rows of the dataset last passed to {@link fit} (e.g. a CV fold's held-out rows),
   * reusing its already transformed buffer. Valid until the workspace is reused by another fit.
   */
  predictProbaFitData(rows: Uint32Array, out?: Float64Array): Float64Array {
    if (!this.fitView) throw new InvalidInputError('INVALID_ARGUMENT', 'pipeline: predictProbaFitData called before fit');
    return this.model.predictProba(this.fitView, rows, out);
  }

  /** Class probabilities, row-major n×k, for `rows` of X (default all). */
  predictProba(X: PipelineInput, rows?: Uint32Array): Float64Array {
    return this.model.predictProba(this.transform(X), rows);
  }

  /** Most probable class index per row (into {@link classes}). */
  predict(X: PipelineInput, rows?: Uint32Array): Int32Array {
    return argmaxRows(this.predictProba(X, rows), this.model.nClasses);
  }

  /** Applies the fitted preprocessing to X (after aligning columns by name when X has names). */
  transform(X: PipelineInput): FeatureMatrix {
    let current: FeatureMatrix;
    if (X.featureNames) {
      current = alignFeatures({ nRows: X.nRows, columns: X.columns, featureNames: X.featureNames }, this.featureNames);
    } else if (X.columns.length !== this.featureNames.length) {
      throw new InvalidInputError('INVALID_CSV', `expected ${this.featureNames.length} feature columns, got ${X.columns.length}`);
    } else {
      current = X;
    }
    for (let s = 0; s < this.transformers.length; s++) {
      // After the first step the columns are this call's own buffers, so later steps may work in place.
      const out = s === 0 ? undefined : (current.columns as Float64Array[]);
      current = this.transformers[s]!.transform(current, out);
    }
    return current;
  }

  toJSON(): PipelineJSON {
    const steps: unknown[] = new Array<unknown>(this.transformers.length);
    for (let s = 0; s < this.transformers.length; s++) steps[s] = this.transformers[s]!.toJSON();
    return {
      format: PIPELINE_FORMAT,
      version: PIPELINE_VERSION,
      featureNames: this.featureNames.slice(),
      classes: this.classes.slice(),
      steps,
      model: this.model.toJSON(),
    };
  }

  /** Loads a pipeline saved with {@link toJSON}. @throws InvalidInputError INVALID_ARTIFACT. */
  static fromJSON(json: unknown): Pipeline {
    const header = PipelineHeaderSchema.safeParse(json);
    if (!header.success) {
      throw new InvalidInputError('INVALID_ARTIFACT', `not a sweepq pipeline artefact (expected format "${PIPELINE_FORMAT}" and an integer version)`, {
        details: header.error.issues,
      });
    }
    if (header.data.version !== PIPELINE_VERSION) {
      throw new InvalidInputError(
        'INVALID_ARTIFACT',
        `pipeline artefact version ${header.data.version} is not supported by this sweepq (it reads version ${PIPELINE_VERSION})`,
      );
    }
    const parsed = PipelineJSONSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidInputError('INVALID_ARTIFACT', `pipeline artefact is malformed at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`, {
        details: parsed.error.issues,
      });
    }
    const data = parsed.data;
    const transformers: Transformer[] = new Array<Transformer>(data.steps.length);
    for (let s = 0; s < data.steps.length; s++) transformers[s] = transformerFromJSON(data.steps[s]);
    const model = classifierFromJSON(data.model);
    if (model.nClasses !== data.classes.length) {
      throw new InvalidInputError('INVALID_ARTIFACT', `pipeline artefact: model has ${model.nClasses} classes but the artefact lists ${data.classes.length}`);
    }
    const pipeline = new Pipeline(transformers, model);
    pipeline.featureNames = data.featureNames;
    pipeline.classes = data.classes;
    return pipeline;
  }
}

/** The workspace's column set, (re)allocated when its shape does not fit. */
function workspaceColumns(workspace: PipelineWorkspace, nColumns: number, nRows: number): Float64Array[] {
  let set = workspace.columns;
  if (!set || set.length !== nColumns || (nColumns > 0 && set[0]!.length !== nRows)) {
    set = new Array<Float64Array>(nColumns);
    for (let c = 0; c < nColumns; c++) set[c] = new Float64Array(nRows);
    workspace.columns = set;
  }
  return set;
}
