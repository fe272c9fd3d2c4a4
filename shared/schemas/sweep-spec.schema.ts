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
import { CLASSIFICATION_METRIC_NAMES, METRIC_NAME_PATTERN, MAX_METRICS_PER_TRIAL, MetricRegistry, builtinMetric } from '../metrics/metric-registry.js';
import { buildDatasetSchema, LocalFileRefSchema, ResolvedFileRefSchema } from './dataset-spec.schema.js';
import { MODEL_NAMES } from './model-params.schema.js';
import { PipelineSpecSchema } from './pipeline-spec.schema.js';
import { MAX_EXPLICIT_TRIALS, SearchSpecSchema, TrialSpecSchema } from './search-space.schema.js';
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

/** Classification metrics a CV fold can be scored with (regression ones join with the task). */
export const ScoringMetricSchema = z.enum(['accuracy', 'precision', 'recall', 'f1_score', 'auc_roc', 'log_loss']);
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
  scoring: ScoringMetricSchema.default('accuracy'),
  shuffle: z.boolean().default(false),
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
    pipeline: PipelineSpecSchema.prefault({}),
    cv: CvSpecSchema.prefault({}),
    objective: ObjectiveSpecSchema.prefault({ metric: 'accuracy' }),
    metrics: z.array(MetricDeclarationSchema).max(MAX_METRICS_PER_TRIAL).optional(),
    limits: LimitsSpecSchema.optional(),
    trials: z.array(TrialSpecSchema).max(MAX_EXPLICIT_TRIALS).optional(),
    search: SearchSpecSchema.optional(),
  })
    .superRefine((spec, ctx) => {
      if ((spec.trials === undefined || spec.trials.length === 0) && spec.search === undefined) {
        ctx.addIssue({ code: 'custom', path: spec.trials === undefined ? [] : ['trials'], message: `the sweep has no trials (add trials: [{model: ..., params: {...}}] or search: {method: grid, space: [...]}; models: ${ModelNameList})` });
      }
      const pair = spec.dataset.train !== undefined || spec.dataset.test !== undefined;
      if (pair && spec.split !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['split'], message: 'split is not used with train + test files, which are already split (remove split, or use csv: with one file)' });
      }
      const declared = spec.metrics ?? [];
      const seen = new Set<string>();
      for (let i = 0; i < declared.length; i++) {
        const d = declared[i]!;
        if (seen.has(d.name)) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], message: `metric ${d.name} is declared twice (remove the duplicate)` });
        seen.add(d.name);
        const known = builtinMetric(d.name);
        if (known !== undefined && known.goal !== d.goal && d.name !== 'cv_mean') {
          ctx.addIssue({ code: 'custom', path: ['metrics', i, 'goal'], message: `${d.name} is a built-in metric to ${known.goal}; it cannot be declared to ${d.goal} (remove the declaration, or set objective.goal to rank by it the other way)` });
        }
      }
      const metric = spec.objective.metric;
      // The metrics a classification sweep's trials report (regression metrics join with the task).
      const reported = [...CLASSIFICATION_METRIC_NAMES, 'cv_mean', 'cv_std'];
      if (!reported.includes(metric) && !seen.has(metric)) {
        const names = [...reported, ...seen];
        const suggestion = names.find((n) => n.includes(metric) || metric.includes(n)) ?? closestMatch(metric, names);
        ctx.addIssue({
          code: 'custom',
          path: ['objective', 'metric'],
          message: `unknown metric "${metric}" (${suggestion === undefined ? '' : `did you mean "${suggestion}"? `}use one of ${names.join(', ')}, or declare your own under metrics: [{name: ${metric}, goal: maximize}])`,
        });
      }
      if ((metric === 'cv_mean' || metric === 'cv_std') && spec.cv.folds === 0) {
        ctx.addIssue({ code: 'custom', path: ['objective', 'metric'], message: `objective ${metric} needs cross-validation, but cv.folds is 0 (set cv.folds to 2..20 or rank by a test metric)` });
      }
      const generated = spec.dataset.make_classification;
      const testSize = spec.split?.test_size;
      if (generated !== undefined && testSize !== undefined && testSize >= 1 && testSize >= generated.n_samples) {
        ctx.addIssue({ code: 'custom', path: ['split', 'test_size'], message: `test_size ${testSize} rows leaves no training rows out of n_samples ${generated.n_samples} (use a smaller count or a fraction such as 0.2)` });
      }
    })
    .transform((spec) => {
      // The objective's goal is filled in here, where cv.scoring is known (cv_mean takes its direction).
      const registry = new MetricRegistry({ cvScoring: spec.cv.folds >= 2 ? spec.cv.scoring : null, objective: spec.objective, ...(spec.metrics === undefined ? {} : { declared: spec.metrics }) });
      const objective = registry.objective;
      const pair = spec.dataset.train !== undefined || spec.dataset.test !== undefined;
      if (pair || spec.split !== undefined) return { ...spec, objective };
      return { ...spec, objective, split: SplitSpecSchema.parse({}) };
    });
}

/** A sweep file as written (dataset files may be local paths). */
export const SweepSpecSchema = buildSweepSpecSchema(LocalFileRefSchema);
/** A sweep as submitted to the API: dataset files are uploaded `{ sha256 }` objects only. */
export const ResolvedSweepSpecSchema = buildSweepSpecSchema(ResolvedFileRefSchema);

export type SweepSpecInput = z.input<typeof SweepSpecSchema>;
export type SweepSpec = z.output<typeof SweepSpecSchema>;
export type ResolvedSweepSpec = z.output<typeof ResolvedSweepSpecSchema>;
export type SearchSpec = z.output<typeof SearchSpecSchema>;
