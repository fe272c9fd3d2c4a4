/** How a sweep is reported: `sweepq status --json`, `GET /sweeps/:id`, `sweepq sweeps --json`. */
import { z } from 'zod';
import { SweepIdSchema, TrialRecordSchema } from './trial.schema.js';

export const SWEEP_STATES = ['queued', 'running', 'completed', 'cancelled'] as const;
export const SweepStateSchema = z.enum(SWEEP_STATES);
export type SweepState = z.infer<typeof SweepStateSchema>;

export const TrialCountsSchema = z.object({
  queued: z.number().int(),
  active: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
});
export type TrialCounts = z.infer<typeof TrialCountsSchema>;

export const ObjectiveSchema = z.object({
  metric: z.string(),
  goal: z.enum(['maximize', 'minimize']),
});
export type Objective = z.infer<typeof ObjectiveSchema>;

export const SweepSummarySchema = z.object({
  id: SweepIdSchema,
  name: z.string(),
  state: SweepStateSchema,
  total: z.number().int(),
  counts: TrialCountsSchema,
  objective: ObjectiveSchema,
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type SweepSummary = z.infer<typeof SweepSummarySchema>;

export const SweepStatusSchema = SweepSummarySchema.extend({
  percent: z.number(),
  startedAt: z.number().nullable(),
  elapsedMs: z.number(),
  /** Estimated time to finish from the completion rate so far; null before the first result. */
  etaMs: z.number().nullable(),
  best: TrialRecordSchema.nullable(),
});
export type SweepStatus = z.infer<typeof SweepStatusSchema>;
