/** How a sweep is reported: `sweepq status --json`, `GET /sweeps/:id`, `sweepq sweeps --json`. */
import { z } from 'zod';
import { SweepIdSchema, TrialRecordSchema } from './trial.schema.js';
import { WorkerInfoSchema } from './worker.schema.js';

/** A sweep is `completed` when every planned trial reached a terminal status. */
export const SWEEP_STATES = ['queued', 'running', 'completed', 'cancelled'] as const;
export const SweepStateSchema = z.enum(SWEEP_STATES);
export type SweepState = z.infer<typeof SweepStateSchema>;

/**
 * Trials per status. `queued` counts every planned trial not yet running or finished, whether its
 * record exists yet or not (trials are created lazily, a window ahead of the workers): the counts
 * always add up to the sweep's `total`.
 */
export const TrialCountsSchema = z.object({
  queued: z.number().int(),
  active: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  pruned: z.number().int(),
  quarantined: z.number().int(),
});
export type TrialCounts = z.infer<typeof TrialCountsSchema>;

export const ObjectiveSchema = z.object({
  metric: z.string(),
  goal: z.enum(['maximize', 'minimize']),
});
export type Objective = z.infer<typeof ObjectiveSchema>;

export const SweepSummarySchema = z.object({
  id: SweepIdSchema,
  /**
   * `sweep` (from a sweep file, trained by workers) or `external` (the runs of one experiment created
   * through the MLflow API); absent from servers before 0.3, which only had sweeps.
   */
  kind: z.enum(['sweep', 'external']).optional(),
  name: z.string(),
  state: SweepStateSchema,
  /** Planned trials: the grid size, max_trials, the explicit trials, plus extensions. */
  total: z.number().int(),
  /** Trials whose records exist (created lazily as the queue needs them); ≤ total. */
  created: z.number().int(),
  counts: TrialCountsSchema,
  objective: ObjectiveSchema,
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  /** User tags (`sweepq tag`), the note as `mlflow.note.content`; absent when none. */
  tags: z.record(z.string(), z.string()).optional(),
  /** Why a stop rule (search.stop, limits.max_duration_s) ended the sweep early; absent otherwise. */
  stopReason: z.string().optional(),
});
export type SweepSummary = z.infer<typeof SweepSummarySchema>;

/** One column of the training table as the reader inferred it. */
export const ColumnReportSchema = z.object({
  name: z.string(),
  type: z.enum(['numeric', 'categorical']),
  missing: z.number().int(),
  categories: z.number().int().nullable(),
});

/** The training part of a sweep's data as read at submit: what the models were trained on. */
export const DataReportSchema = z.object({
  rows: z.number().int(),
  columns: z.array(ColumnReportSchema),
  target: z
    .object({
      name: z.string(),
      task: z.enum(['classification', 'regression']),
      classes: z.number().int().nullable(),
      numericClasses: z.boolean().nullable(),
    })
    .optional(),
});

export const SweepStatusSchema = SweepSummarySchema.extend({
  percent: z.number(),
  startedAt: z.number().nullable(),
  elapsedMs: z.number(),
  /** Estimated time to finish from the completion rate so far; null before the first result. */
  etaMs: z.number().nullable(),
  best: TrialRecordSchema.nullable(),
  /** Live workers (heartbeat within 3 intervals), with the trials they are training. */
  workers: z.array(WorkerInfoSchema),
  /** The learning task; `program` for a sweep of the user's own program (issue 14); null for an external sweep (MLflow runs declare none). */
  task: z.enum(['classification', 'regression', 'program']).nullable(),
  /** The training table as read at submit (rows, target, column types); null for sweeps from before schemas were kept. */
  data: DataReportSchema.nullable(),
});
export type SweepStatus = z.infer<typeof SweepStatusSchema>;

/** An experiment: the sweeps submitted under one name. */
export const ExperimentSummarySchema = z.object({
  name: z.string(),
  sweeps: z.number().int(),
  /** Newest sweep's submit time. */
  lastSubmittedAt: z.number(),
});
export type ExperimentSummary = z.infer<typeof ExperimentSummarySchema>;
