/**
 * What every trial of a sweep shares — stored once in the sweep hash, read (and cached) by workers.
 * Datasets are content-addressed store objects, never paths.
 */
import { z } from 'zod';
import { ColumnSpecSchema, TaskSchema } from './column-spec.schema.js';
import { PipelineSpecSchema } from './pipeline-spec.schema.js';
import { PrunerSpecSchema } from './search-strategy.schema.js';

export const Sha256Schema = z.string().regex(/^[a-f0-9]{64}$/, 'a sha256 is 64 lowercase hex characters');

/** How a stored dataset file is encoded (its object key's extension). */
export const DatasetFormatSchema = z.enum(['csv', 'csv.gz', 'parquet']);
export type DatasetFormat = z.infer<typeof DatasetFormatSchema>;

export const DatasetRefSchema = z.strictObject({
  /** Training file (or the whole file when `split` is set). */
  train: Sha256Schema,
  /** Test file when the sweep gives explicit train/test files; null when `split` derives it. */
  test: Sha256Schema.nullable(),
  /** Formats of the train and test objects; absent in sweeps from before other formats (CSV). */
  formats: z.strictObject({ train: DatasetFormatSchema, test: DatasetFormatSchema.nullable() }).optional(),
  target: z.string().min(1).max(1000),
  /** Column selection and types as the sweep file gives them. */
  columns: ColumnSpecSchema.optional(),
  delimiter: z.enum([',', ';', '\t']).optional(),
  max_classes: z.number().int().min(2).optional(),
  split: z
    .strictObject({
      test_size: z.number().positive(),
      random_state: z.number().int().min(0),
      stratify: z.boolean(),
    })
    .nullable(),
});
export type DatasetRef = z.infer<typeof DatasetRefSchema>;

export const CvSpecSchema = z.strictObject({
  folds: z.number().int().min(0).max(100),
  /** Resolved: as given, or the task's default (accuracy / r2). */
  scoring: z.string(),
  shuffle: z.boolean(),
  /** Fold jobs (services/worker/fold.processor.ts); absent in sweeps from before them: `auto`. */
  split_folds: z.enum(['auto', 'always', 'never']).optional(),
});

/** What one trial may use, resolved at submit from the sweep's `limits:` and the configured defaults. */
export const TrialLimitsSchema = z.strictObject({
  memory_mb: z.number().int().min(64),
  timeout_s: z.number().int().min(1),
});
export type TrialLimits = z.infer<typeof TrialLimitsSchema>;

export const SweepContextSchema = z.strictObject({
  v: z.literal(1),
  dataset: DatasetRefSchema,
  pipeline: PipelineSpecSchema,
  cv: CvSpecSchema,
  /** Declared or inferred; absent in sweeps from before regression (classification). */
  task: TaskSchema.optional(),
  /** Absent in sweeps submitted before limits existed: workers apply their defaults. */
  limits: TrialLimitsSchema.optional(),
  /** search.pruner: early stopping of the sweep's trials whose model has the resource (issue 11). */
  pruner: PrunerSpecSchema.optional(),
  /** `cache: false` in the sweep file: train every trial, neither reading nor filling the result cache. */
  cache: z.boolean().optional(),
  /** limits.max_duration_s and search.stop: when the feeder stops the sweep early (issue 11). */
  /**
   * Fold jobs: the training data's shape and the estimated cost past which `auto` splits a trial
   * (shared/folds/fold-split-plan.ts). Absent in sweeps from before them: never split.
   */
  fold_split: z.strictObject({ rows: z.number().int().min(0), features: z.number().int().min(0), min_cost: z.number().min(0) }).optional(),
  stop: z
    .strictObject({ max_duration_s: z.number().int().min(1).optional(), target: z.number().optional(), patience: z.number().int().min(1).optional() })
    .optional(),
});
export type SweepContext = z.infer<typeof SweepContextSchema>;

/** Object key of a stored dataset: content-addressed, with its format as the extension. */
export function datasetKey(sha256: string, format: DatasetFormat = 'csv'): string {
  return `datasets/${sha256}.${format}`;
}

/**
 * Object key of one attempt's fitted pipeline, `artifacts/<sweep>/<trial>.<attempt>.json`. Per
 * attempt, not per trial: an attempt fenced off after its lock expired still writes its artefact
 * before its commit is refused, and must not overwrite the winner's (the trial records the key of the
 * attempt that committed). Flat in the sweep's folder, not in a folder per trial: on a local store a
 * folder per trial cost a mkdir and a folder fsync per trivial trial (issue 13 item 4, round 4).
 * Readers never rebuild the key, they read it from the trial record, so older sweeps' keys
 * (`artifacts/<sweep>/<trial>/<attempt>.json`) stay readable as they are.
 */
export function artifactKey(sweepId: string, trialId: string, attemptToken: string): string {
  return `artifacts/${sweepId}/${trialId}.${attemptToken.replaceAll('-', '').slice(0, 16)}.json`;
}

/**
 * The MLflow Model folder of an attempt's artefact (issue 12): `<artefact key without .json>/pipeline/`
 * beside the JSON. MLflow clients see it, with the JSON, as the trial run's `pipeline/` artifact.
 */
export function pipelineFolderKey(artifactKey: string): string {
  return `${artifactKey.replace(/\.json$/, '')}/pipeline/`;
}
