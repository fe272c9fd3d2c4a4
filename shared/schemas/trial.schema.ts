/**
 * Trials as they travel (the BullMQ job payload) and as they are reported (index records, API and
 * CLI `--json` output).
 */
import { z } from 'zod';
import { TrialModelNameSchema } from './trial-model-name.schema.js';

/** Ids are lowercase alphanumerics and '-', never ':' (BullMQ job ids and Redis key segments). */
export const SweepIdSchema = z.string().regex(/^s-[a-z0-9]{6,40}$/, 'a sweep id is s- and 6 to 40 lowercase letters or digits, as `sweepq sweeps` lists them');
export const TrialIdSchema = z.string().regex(/^s-[a-z0-9]{6,40}-t\d{1,8}$/, 'a trial id looks like s-<id>-t<index>');

/**
 * Where a trial is in its life. Statuses move only inside the index's Lua transitions, which move the
 * sweep's per-status counters in the same step. `pruned`: stopped early by a pruner, partial metrics
 * kept; `quarantined`: its attempts crashed workers, so it is not handed to another one.
 */
export const TRIAL_STATUSES = ['queued', 'active', 'completed', 'failed', 'cancelled', 'pruned', 'quarantined'] as const;
export const TrialStatusSchema = z.enum(TRIAL_STATUSES);
export type TrialStatus = z.infer<typeof TrialStatusSchema>;

/**
 * The BullMQ job payload: only which trial to run. The trial's definition (model, params, seed) lives
 * in its hash and the sweep-wide context (dataset, pipeline, cv) in the sweep hash — one source of
 * truth, and small jobs (a 100,000-trial submit is dominated by per-job cost).
 */
export const TrialJobSchema = z.strictObject({
  v: z.literal(1),
  sweepId: SweepIdSchema,
  trialId: TrialIdSchema,
  index: z.number().int().min(0),
});
export type TrialJob = z.infer<typeof TrialJobSchema>;

/** Most trials one block job may carry (the configured size is at most this). */
export const MAX_BLOCK_TRIALS = 1000;

/**
 * A block job's payload (issue 13 item 4): several short trials of one sweep in one BullMQ job, run in
 * this order, each still claimed, fenced and committed on its own. Only trials on their first job
 * (`retries` 0) are put in blocks; a repaired or retried trial always gets a job of its own.
 */
export const TrialBlockJobSchema = z.strictObject({
  v: z.literal(1),
  sweepId: SweepIdSchema,
  indices: z.array(z.number().int().min(0)).min(1).max(MAX_BLOCK_TRIALS),
});
export type TrialBlockJob = z.infer<typeof TrialBlockJobSchema>;

/** Metrics of a finished trial: test-set scores plus the cross-validation summary. */
export const TrialMetricsSchema = z.record(z.string(), z.number().nullable());

export const TrialTimingsSchema = z.object({
  fitMs: z.number(),
  cvMs: z.number(),
  evalMs: z.number(),
  totalMs: z.number(),
  loadMs: z.number().optional(),
  storeMs: z.number().optional(),
});

/**
 * Why a program run ended without a result (issue 14): a non-zero `exit`, a `signal` sweepq did not
 * send (the OOM killer), its `timeout`, a `cancel`, exit 0 without the objective (`no-objective`, or
 * `garbage` when report-like lines were not valid reports), `not-started` (no such executable) or
 * `artifacts` (more files or bytes under SWEEPQ_ARTIFACT_DIR than a trial may store).
 */
export const ProgramEndReasonSchema = z.enum(['exit', 'signal', 'timeout', 'cancel', 'no-objective', 'garbage', 'not-started', 'artifacts']);
export type ProgramEndReason = z.infer<typeof ProgramEndReasonSchema>;

/** A trial as the index reports it (`sweepq trials --json`, `GET /sweeps/:id/trials`). */
export const TrialRecordSchema = z.object({
  id: TrialIdSchema,
  sweepId: SweepIdSchema,
  index: z.number().int(),
  name: z.string(),
  /** A built-in model, `program` for a trial of the user's program (issue 14), null for a run logged through the MLflow API. */
  model: TrialModelNameSchema.nullable(),
  /** Which search-space entry (or explicit trial) of its segment the trial came from. */
  entry: z.number().int(),
  status: TrialStatusSchema,
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  metrics: TrialMetricsSchema.nullable(),
  /** Cross-validation score of each fold with `cv.scoring`, in fold order (null where undefined). */
  folds: z.array(z.number().nullable()).nullable(),
  timings: TrialTimingsSchema.nullable(),
  durationMs: z.number().nullable(),
  artifact: z.string().nullable(),
  attempt: z.number().int(),
  /** How many times `retry` re-enqueued this trial (its job id carries the number). */
  retries: z.number().int(),
  worker: z.string().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
  /** User tags (`sweepq tag`, MLflow's set-tag), the note as `mlflow.note.content`; absent when none. */
  tags: z.record(z.string(), z.string()).optional(),
  /**
   * Under a pruner (issue 11): the CV scores at each rung reached (the history by resource) and, for
   * a pruned trial, why it was stopped ("stopped at rung 2 (resource 90): …"). Absent otherwise.
   */
  pruning: z
    .object({
      reason: z.string().optional(),
      rungs: z.array(z.object({ resource: z.number(), mean: z.number().nullable(), folds: z.array(z.number().nullable()) })),
      /**
       * A pruned trial's only: the rung its `cv_mean`, `cv_std` and `folds` were measured at (its last;
       * resource = trees grown, or a program's step). They are not scores of the full trial, and the
       * leaderboard (`best`, the objective's ranking) never counts them.
       */
      scoredAt: z.object({ rung: z.number().int(), resource: z.number() }).optional(),
    })
    .optional(),
  /**
   * A trial run as fold jobs (issue 13 item 5): its parts (each CV fold and the final fit), how many
   * have recorded their result (progress while it runs), and once committed the workers that ran them.
   */
  split: z.object({ parts: z.number().int(), done: z.number().int(), workers: z.array(z.string()).optional() }).optional(),
  /** The trial whose result this one reused from the result cache (issue 11); absent when it trained. */
  cachedFrom: z.object({ sweepId: z.string(), trialId: z.string() }).optional(),
  /**
   * A program trial's run (issue 14): each reported metric's history as `[step, value]` pairs
   * (bounded), the tails of its stdout and stderr (bounded), how it ended and how many files it stored.
   * Written by the commit of a completed or pruned trial and, beside the error, by the end of a failed,
   * cancelled or quarantined one (both fenced by the attempt's token). Absent for a program trial that
   * failed before its program ran, and for one that failed under a version older than this record.
   */
  program: z
    .object({
      history: z.record(z.string(), z.array(z.tuple([z.number(), z.number().nullable()]))),
      stdout: z.string(),
      stderr: z.string(),
      exitCode: z.number().nullable(),
      /** The signal that ended the program (`SIGKILL`); absent in records older than the field. */
      signal: z.string().nullable().optional(),
      /** The program's run time, start to exit. */
      durationMs: z.number().optional(),
      /** Why it ended without a result; absent when it ended well (completed, pruned). */
      reason: ProgramEndReasonSchema.optional(),
      files: z.number().int(),
      invalidReports: z.number().int(),
      firstInvalidReport: z.string().nullable(),
      /** Params and tags the program logged through MLflow (its trial's endpoint), when it logged any. */
      mlflow: z.object({ params: z.record(z.string(), z.string()), tags: z.record(z.string(), z.string()) }).optional(),
    })
    .optional(),
});
export type TrialRecord = z.infer<typeof TrialRecordSchema>;
