/**
 * The dashboard's API (served by the scheduler next to the sweep routes, drawn by services/ui): charts
 * and aggregates computed where the data is, from the read model — the browser never asks for 100k raw
 * rows. Every chart answer says how many trials it stands for (`total`) and how many marks it sends
 * (`drawn`), so nothing is capped silently.
 */
import { z } from 'zod';
import { SweepSummarySchema } from './sweep-status.schema.js';

const filter = z.string().max(4096).optional();
const fieldName = z.string().min(1).max(200);

export const FieldsAnswerSchema = z.object({
  objective: z.object({ metric: z.string(), goal: z.enum(['maximize', 'minimize']) }),
  params: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['numeric', 'categorical']),
      categories: z.array(z.string()).optional(),
      min: z.number().optional(),
      max: z.number().optional(),
      log: z.boolean().optional(),
    }),
  ),
  metrics: z.array(z.object({ name: z.string(), goal: z.enum(['maximize', 'minimize']) })),
  /** Trials in the read model (created so far). */
  trials: z.number().int(),
  /** The metric each trial's fold scores are in (`cv.scoring`) and its natural direction; null without CV. */
  cv: z.object({ scoring: z.string(), goal: z.enum(['maximize', 'minimize']) }).nullable(),
});
export type FieldsAnswer = z.infer<typeof FieldsAnswerSchema>;

export const GroupsQuerySchema = z.object({ by: fieldName, filter });
const MetricSummarySchema = z.object({ mean: z.number().nullable(), std: z.number().nullable(), n: z.number().int() });
export const GroupsAnswerSchema = z.object({
  by: z.string(),
  total: z.number().int(),
  groupCount: z.number().int(),
  groups: z.array(z.object({ value: z.string(), count: z.number().int(), metrics: z.record(z.string(), MetricSummarySchema) })),
});
export type GroupsAnswer = z.infer<typeof GroupsAnswerSchema>;

export const MetricChartQuerySchema = z.object({ metric: z.string().max(64).optional(), filter });
export const HistoryAnswerSchema = z.object({
  metric: z.string(),
  goal: z.enum(['maximize', 'minimize']),
  total: z.number().int(),
  drawn: z.number().int(),
  bucketSize: z.number().int(),
  x: z.array(z.number()),
  y: z.array(z.number()),
  index: z.array(z.number().int()),
  best: z.array(z.number()),
});
export type HistoryAnswer = z.infer<typeof HistoryAnswerSchema>;

export const SampleQuerySchema = z.object({ metric: z.string().max(64).optional(), filter, limit: z.coerce.number().int().min(10).max(20_000).default(3000) });
const AxisSchema = z.object({
  name: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  /** numeric: values (null = missing); categorical: codes into `categories`. */
  values: z.array(z.number().nullable()),
  categories: z.array(z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  log: z.boolean().optional(),
});
export const SampleAnswerSchema = z.object({
  metric: z.string(),
  goal: z.enum(['maximize', 'minimize']),
  /** Completed trials with a value that match the filter. */
  total: z.number().int(),
  /** Trials sent (all up to `limit`; else the best tenth of it plus an even stride). */
  drawn: z.number().int(),
  index: z.array(z.number().int()),
  objective: z.array(z.number()),
  axes: z.array(AxisSchema),
});
export type SampleAnswer = z.infer<typeof SampleAnswerSchema>;

export const ContourQuerySchema = z.object({
  x: fieldName,
  y: fieldName,
  metric: z.string().max(64).optional(),
  filter,
  bins: z.coerce.number().int().min(2).max(64).default(24),
});
export const ContourAnswerSchema = z.object({
  metric: z.string(),
  goal: z.enum(['maximize', 'minimize']),
  total: z.number().int(),
  counted: z.number().int(),
  x: AxisSchema.omit({ values: true }),
  y: AxisSchema.omit({ values: true }),
  nx: z.number().int(),
  ny: z.number().int(),
  mean: z.array(z.number().nullable()),
  count: z.array(z.number().int()),
});
export type ContourAnswer = z.infer<typeof ContourAnswerSchema>;

export const ImportanceQuerySchema = z.object({ metric: z.string().max(64).optional() });
export const ImportanceAnswerSchema = z.object({
  metric: z.string(),
  goal: z.enum(['maximize', 'minimize']),
  method: z.literal('ped-anova'),
  /** Completed trials with a value it was computed from (the cache key). */
  completed: z.number().int(),
  topQuantile: z.number(),
  params: z.array(z.object({ name: z.string(), importance: z.number(), divergence: z.number() })),
  computeMs: z.number(),
  cached: z.boolean(),
});
export type ImportanceAnswer = z.infer<typeof ImportanceAnswerSchema>;

export const TimelineQuerySchema = z.object({ filter });
export const TimelineAnswerSchema = z.object({
  mode: z.enum(['bars', 'buckets']),
  total: z.number().int(),
  from: z.number(),
  to: z.number(),
  workers: z.array(z.string()),
  worker: z.array(z.number().int()).optional(),
  start: z.union([z.array(z.number()), z.number()]).optional(),
  end: z.array(z.number()).optional(),
  status: z.array(z.string()).optional(),
  index: z.array(z.number().int()).optional(),
  bucketMs: z.number().optional(),
  buckets: z.number().int().optional(),
  busy: z.array(z.array(z.number())).optional(),
});
export type TimelineAnswer = z.infer<typeof TimelineAnswerSchema>;

/** `POST /sweeps/:id/trials/:trialId/predict` body: one row, column → cell (text or number; null/absent = missing). */
export const PredictBodySchema = z.strictObject({ row: z.record(z.string().max(200), z.union([z.string().max(1000), z.number(), z.null()])) });
export const PredictAnswerSchema = z.object({
  task: z.enum(['classification', 'regression']),
  prediction: z.union([z.string(), z.number()]),
  /** Classification: probability per class. */
  probabilities: z.record(z.string(), z.number()).optional(),
});
export type PredictAnswer = z.infer<typeof PredictAnswerSchema>;

/** The input columns of a trial's fitted pipeline (the predict form's fields). */
export const PredictFormSchema = z.object({
  task: z.enum(['classification', 'regression']),
  target: z.string().nullable(),
  columns: z.array(z.object({ name: z.string(), type: z.enum(['numeric', 'categorical']) })),
  classes: z.array(z.string()),
});
export type PredictForm = z.infer<typeof PredictFormSchema>;

export const SweepListQuerySchema = z.object({
  /** Keeps sweeps whose experiment name or id contains this text (case-insensitive). */
  search: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export const SweepListAnswerSchema = z.object({
  sweeps: z.array(SweepSummarySchema.extend({ bestValue: z.number().nullable(), bestTrialId: z.string().nullable() })),
  /** Sweeps matching the search (all pages). */
  total: z.number().int(),
});
export type SweepListAnswer = z.infer<typeof SweepListAnswerSchema>;
