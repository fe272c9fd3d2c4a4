/**
 * The sweep file: what to train (explicit trials and/or a search space), on which data, scored how.
 * Single source of truth for the CLI (local files, {@link SweepSpecSchema}) and the API (uploaded
 * datasets only, {@link ResolvedSweepSpecSchema}). The parts live in their own files: messages
 * (spec-messages.ts), scalars, the dataset, the search space and params; this file assembles them and
 * checks what spans parts (objective vs cv, metric declarations).
 *
 * Output = input shape with defaults filled in, so a parsed spec serialised to JSON parses again to
 * the same value (it is stored with the sweep and re-validated at every trust boundary).
 */
import { z } from 'zod';
import { METRIC_NAME_PATTERN, MAX_METRICS_PER_TRIAL, builtinMetric } from '../metrics/metric-registry.js';
import { buildDatasetSchema, LocalFileRefSchema, ResolvedFileRefSchema } from './dataset-spec.schema.js';
import { MODEL_NAMES, MODEL_NAMES_BY_TASK, type AnyModelName } from './model-params.schema.js';
import { PipelineSpecSchema } from './pipeline-spec.schema.js';
import { applyPipelineOverride } from '../ml/preprocessing/resolve-pipeline-spec.js';
import { METRIC_NAMES, REGRESSION_METRIC_NAMES } from '../ml/metrics/metric-names.js';
import { TaskSchema } from './column-spec.schema.js';
import {
  MAX_EXPLICIT_TRIALS,
  checkExplicitParams,
  parseSearchParam,
  PIPELINE_PARAM_PREFIX,
  SearchSpecSchema,
  TrialSpecSchema,
  type SpecTask,
} from './search-space.schema.js';
import { closestMatch, describeValue, strict } from './spec-messages.js';
import { ExperimentNameSchema, SeedSchema } from './spec-scalars.schema.js';

export type { ParamLiteral } from './spec-scalars.schema.js';

export const SplitSpecSchema = strict({
  /** A fraction in (0, 1) or a row count ≥ 1 (one refine, not a union: zod would report only one branch). */
  test_size: z
    .number()
    .refine((v) => (v > 0 && v < 1) || (Number.isInteger(v) && v >= 1 && v <= 1_000_000_000), {
      error: (issue) => `${describeValue(issue.input)} is not a test size (write a fraction in (0, 1) such as 0.2, or a whole row count ≥ 1)`,
    })
    .default(0.2),
  random_state: SeedSchema.default(42),
  stratify: z.boolean().default(false),
});

/** Metrics a CV fold can be scored with: the task's test metrics (checked against the task at submit). */
export const ScoringMetricSchema = z.enum(['accuracy', 'precision', 'recall', 'f1_score', 'auc_roc', 'log_loss', 'r2', 'rmse', 'mae', 'mape']);
export const GoalSchema = z.enum(['maximize', 'minimize']);

/** A metric name: built-in (see the metric registry) or declared by the sweep under `metrics:`. */
export const MetricNameSchema = z.string().regex(METRIC_NAME_PATTERN, {
  error: (issue) => `${describeValue(issue.input)} is not a metric name (use lowercase letters, digits and _, starting with a letter, at most 64 characters)`,
});

export const CvSpecSchema = strict({
  folds: z
    .number()
    .int()
    .min(0)
    .max(20)
    .refine((k) => k !== 1, { error: 'folds is 1, which is not cross-validation (use 0 for no CV or 2..20)' })
    .default(5),
  /** Default: accuracy for classification, r2 for regression (filled in when the task is known). */
  scoring: ScoringMetricSchema.optional(),
  shuffle: z.boolean().default(false),
  /**
   * Fold jobs (issue 13 item 5): `auto` splits a trial whose estimated cost passes
   * SWEEPQ_FOLD_SPLIT_MIN_COST into one job per fold plus the final fit, `always` splits every trial
   * with CV, `never` keeps each trial one job. Absent: `auto`.
   */
  split_folds: z.enum(['auto', 'always', 'never']).optional(),
});

/** `objective`: the metric `best` ranks by and its goal (omitted: the metric's natural direction). */
export const ObjectiveSpecSchema = strict({
  metric: MetricNameSchema,
  goal: GoalSchema.optional(),
});

/** `limits:` — what one trial may use (defaults: SWEEPQ_TRIAL_MEMORY_MB, SWEEPQ_TRIAL_TIMEOUT_S). */
export const LimitsSpecSchema = strict({
  /** Memory of a trial's training process (address space), in MB. */
  memory_mb: z.number().int().min(64).max(1_048_576).optional(),
  /** Wall-clock time of one trial, in seconds. */
  timeout_s: z.number().int().min(1).max(604_800).optional(),
  /** Wall-clock budget of the whole sweep from its start, in seconds: no trial is started after it. */
  max_duration_s: z.number().int().min(1).max(31_536_000).optional(),
});

/** `metrics:` — metrics a sweep declares beyond the built-in ones (user programs report their own). */
export const MetricDeclarationSchema = strict({ name: MetricNameSchema, goal: GoalSchema });

const ModelNameList = MODEL_NAMES.join(', ');

function buildSweepSpecSchema<R extends z.ZodType>(fileRef: R) {
  return strict({
    name: ExperimentNameSchema,
    description: z.string().max(2000).optional(),
    seed: SeedSchema.default(0),
    dataset: buildDatasetSchema(fileRef),
    /** Absent with train + test; otherwise filled with the defaults. */
    split: SplitSpecSchema.optional(),
    /** classification | regression; inferred from the target when absent (as scikit-learn's type_of_target). */
    task: TaskSchema.optional(),
    pipeline: PipelineSpecSchema.prefault({}),
    cv: CvSpecSchema.prefault({}),
    /** Default: the task's default scoring metric (accuracy / r2), filled in when the task is known. */
    objective: ObjectiveSpecSchema.optional(),
    metrics: z.array(MetricDeclarationSchema).max(MAX_METRICS_PER_TRIAL).optional(),
    limits: LimitsSpecSchema.optional(),
    trials: z.array(TrialSpecSchema).max(MAX_EXPLICIT_TRIALS).optional(),
    search: SearchSpecSchema.optional(),
    /** The result cache across sweeps (default on): `false` trains every trial. */
    cache: z.boolean().optional(),
  })
    .superRefine((spec, ctx) => {
      if ((spec.trials === undefined || spec.trials.length === 0) && spec.search === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: spec.trials === undefined ? [] : ['trials'],
          message: `the sweep has no trials (add trials: [{model: ..., params: {...}}] or search: {method: grid, space: [...]}; models: ${ModelNameList})`,
        });
      }
      const pair = spec.dataset.train !== undefined || spec.dataset.test !== undefined;
      if (pair && spec.split !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['split'],
          message: 'split is not used with train + test files, which are already split (remove split, or use csv: with one file)',
        });
      }
      const declared = spec.metrics ?? [];
      const seen = new Set<string>();
      for (let i = 0; i < declared.length; i++) {
        const d = declared[i]!;
        if (seen.has(d.name))
          ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], message: `metric ${d.name} is declared twice (remove the duplicate)` });
        seen.add(d.name);
        const known = builtinMetric(d.name);
        if (known !== undefined && known.goal !== d.goal && d.name !== 'cv_mean') {
          ctx.addIssue({
            code: 'custom',
            path: ['metrics', i, 'goal'],
            message: `${d.name} is a built-in metric to ${known.goal}; it cannot be declared to ${d.goal} (remove the declaration, or set objective.goal to rank by it the other way)`,
          });
        }
      }
      const metric = spec.objective?.metric ?? (spec.task === 'regression' ? 'r2' : 'accuracy');
      // The metrics the task's trials report (both tasks' while the task is not known yet).
      const reported = [...reportedMetricNames(spec.task), 'cv_mean', 'cv_std'];
      if (!reported.includes(metric) && !seen.has(metric)) {
        const names = [...reported, ...seen];
        const suggestion = names.find((n) => n.includes(metric) || metric.includes(n)) ?? closestMatch(metric, names);
        ctx.addIssue({
          code: 'custom',
          path: ['objective', 'metric'],
          message: `unknown metric "${metric}" (${suggestion === undefined ? '' : `did you mean "${suggestion}"? `}use one of ${names.join(', ')}, or declare your own under metrics: [{name: ${metric}, goal: maximize}])`,
        });
      }
      if (spec.cv.scoring !== undefined && spec.task !== undefined && !reportedMetricNames(spec.task).includes(spec.cv.scoring)) {
        ctx.addIssue({
          code: 'custom',
          path: ['cv', 'scoring'],
          message: `cv.scoring ${spec.cv.scoring} is not a ${spec.task} metric (use one of ${reportedMetricNames(spec.task).join(', ')})`,
        });
      }
      if (spec.task !== undefined) checkModelsForTask(spec, spec.task, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
      checkPipelineDimensions(spec, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
      if (spec.search?.pruner !== undefined && spec.cv.folds === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['search', 'pruner'],
          message: `the pruner judges each rung by its cross-validation score, but cv.folds is 0 (set cv.folds to 2..20, or remove pruner:)`,
        });
      }
      if ((metric === 'cv_mean' || metric === 'cv_std') && spec.cv.folds === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['objective', 'metric'],
          message: `objective ${metric} needs cross-validation, but cv.folds is 0 (set cv.folds to 2..20 or rank by a test metric)`,
        });
      }
      const generated = spec.dataset.make_classification;
      const testSize = spec.split?.test_size;
      if (generated !== undefined && testSize !== undefined && testSize >= 1 && testSize >= generated.n_samples) {
        ctx.addIssue({
          code: 'custom',
          path: ['split', 'test_size'],
          message: `test_size ${testSize} rows leaves no training rows out of n_samples ${generated.n_samples} (use a smaller count or a fraction such as 0.2)`,
        });
      }
    })
    .transform((spec) => {
      const pair = spec.dataset.train !== undefined || spec.dataset.test !== undefined;
      if (pair || spec.split !== undefined) return spec;
      return { ...spec, split: SplitSpecSchema.parse({}) };
    });
}

/** The test metrics a task's trials report; both tasks' while it is unknown. */
function reportedMetricNames(task: SpecTask): readonly string[] {
  if (task === 'regression') return REGRESSION_METRIC_NAMES;
  if (task === 'classification') return METRIC_NAMES;
  return [...METRIC_NAMES, ...REGRESSION_METRIC_NAMES];
}

type Report = (path: PropertyKey[], message: string) => void;

/**
 * Checks every model and param of a spec against one task's estimators: run by the schema when the
 * sweep file names its task, and at submit once the task is inferred from the data.
 */
export function checkModelsForTask(spec: Pick<SweepSpec, 'trials' | 'search'>, task: 'classification' | 'regression', report: Report): void {
  const names: readonly string[] = MODEL_NAMES_BY_TASK[task];
  const unknown = (model: string): string =>
    `${model} is not a ${task} model (${task} models: ${names.join(', ')}${task === 'classification' ? '' : '; is the target categorical? set task: classification'})`;
  const trials = spec.trials ?? [];
  for (let i = 0; i < trials.length; i++) {
    const trial = trials[i]!;
    if (!names.includes(trial.model)) report(['trials', i, 'model'], unknown(trial.model));
    else checkExplicitParams(trial.model, trial.params, (path, message) => report(['trials', i, 'params', ...path], message), task);
  }
  const space = spec.search?.space ?? [];
  for (let e = 0; e < space.length; e++) {
    const entry = space[e]!;
    if (!names.includes(entry.model)) {
      report(['search', 'space', e, 'model'], unknown(entry.model));
      continue;
    }
    for (const [key, value] of Object.entries(entry.params)) {
      if (key.startsWith(PIPELINE_PARAM_PREFIX)) continue;
      // A name of `names`, so a built-in model (program sweeps have their own schema).
      parseSearchParam(
        entry.model as AnyModelName,
        key,
        value,
        spec.search!.method,
        (path, message) => report(['search', 'space', e, 'params', key, ...path], message),
        task,
      );
    }
  }
}

/** Every pipeline setting a trial or search entry names must give a valid pipeline with the sweep's. */
function checkPipelineDimensions(spec: Pick<SweepSpec, 'trials' | 'search' | 'pipeline'>, report: Report): void {
  const check = (path: PropertyKey[], key: string, value: unknown): void => {
    try {
      const applied = applyPipelineOverride(spec.pipeline, key, value);
      const parsed = PipelineSpecSchema.safeParse(applied);
      if (!parsed.success)
        report(
          path,
          `${key.slice(PIPELINE_PARAM_PREFIX.length)} = ${describeValue(value)} does not give a valid pipeline: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        );
    } catch (error) {
      report(path, error instanceof Error ? error.message : String(error));
    }
  };
  const trials = spec.trials ?? [];
  for (let i = 0; i < trials.length; i++) {
    for (const [key, value] of Object.entries(trials[i]!.params)) {
      if (key.startsWith(PIPELINE_PARAM_PREFIX)) check(['trials', i, 'pipeline', key.slice(PIPELINE_PARAM_PREFIX.length)], key, value);
    }
  }
  const space = spec.search?.space ?? [];
  for (let e = 0; e < space.length; e++) {
    for (const [key, dimension] of Object.entries(space[e]!.params)) {
      if (!key.startsWith(PIPELINE_PARAM_PREFIX)) continue;
      const values = typeof dimension === 'object' && dimension !== null && 'values' in dimension ? dimension.values : [dimension];
      for (const value of values) check(['search', 'space', e, 'pipeline', key.slice(PIPELINE_PARAM_PREFIX.length)], key, value);
    }
  }
}

/** A sweep file as written (dataset files may be local paths). */
export const SweepSpecSchema = buildSweepSpecSchema(LocalFileRefSchema);
/** A sweep as submitted to the API: dataset files are uploaded `{ sha256 }` objects only. */
export const ResolvedSweepSpecSchema = buildSweepSpecSchema(ResolvedFileRefSchema);

export type SweepSpecInput = z.input<typeof SweepSpecSchema>;
export type SweepSpec = z.output<typeof SweepSpecSchema>;
export type ResolvedSweepSpec = z.output<typeof ResolvedSweepSpecSchema>;
export type SearchSpec = z.output<typeof SearchSpecSchema>;
