/**
 * The HTTP API's contract, declared once: the scheduler's routes validate with these schemas (through
 * fastify-type-provider-zod), the OpenAPI document at `/openapi.json` is generated from them, and the
 * HTTP client parses answers with them. A field added here shows up in all three.
 */
import { z } from 'zod';
import { METRIC_NAME_PATTERN } from '../metrics/metric-registry.js';
import { ExperimentSummarySchema, SweepStatusSchema, SweepSummarySchema } from './sweep-status.schema.js';
import { SweepIdSchema, TrialIdSchema, TrialRecordSchema, TrialStatusSchema } from './trial.schema.js';
import { WorkerInfoSchema } from './worker.schema.js';

const pageLimit = z.coerce.number().int().min(1).max(1000);
const pageOffset = z.coerce.number().int().min(0).max(10_000_000);

/** Metric names as they appear in leaderboards (`accuracy`, `f1_score`, `cv_mean`). */
export const MetricNameParamSchema = z.string().regex(METRIC_NAME_PATTERN, 'a metric name looks like accuracy or f1_score');
/** An experiment name in a path (the sweep file's `name`). */
export const ExperimentNameParamSchema = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/, 'an experiment name is 1-100 letters, digits, _ . -');

// Path parameters.
export const SweepParamsSchema = z.strictObject({ id: SweepIdSchema });
export const TrialParamsSchema = z.strictObject({ id: SweepIdSchema, trialId: TrialIdSchema });
export const ExperimentParamsSchema = z.strictObject({ name: ExperimentNameParamSchema });

// Query strings.
export const ListSweepsQuerySchema = z.object({
  experiment: ExperimentNameParamSchema.optional(),
  limit: pageLimit.optional(),
  offset: pageOffset.optional(),
});
export const PageQuerySchema = z.object({ limit: pageLimit.optional(), offset: pageOffset.optional() });

/** `order_by` may be repeated or comma-separated; both arrive as one list. */
const OrderBySchema = z.union([z.string().max(4096), z.array(z.string().max(4096)).max(16)]).transform((value) =>
  (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== ''),
);

export const TrialsQuerySchema = z.object({
  /** The filter language: MLflow's filter_string plus OR and parentheses. */
  filter: z.string().max(4096).optional(),
  /** Order keys such as `metrics.auc_roc DESC`; a metric without a direction takes its direction in the sweep. */
  order_by: OrderBySchema.optional(),
  /** Shorthand: best first by this metric. */
  sort: MetricNameParamSchema.optional(),
  /** Shorthand: only trials in this status. */
  status: TrialStatusSchema.optional(),
  limit: pageLimit.default(100),
  offset: pageOffset.default(0),
});
export const BestQuerySchema = z.object({ metric: MetricNameParamSchema.optional() });

// Answers.
/** `POST /datasets` answer. */
export const DatasetUploadResultSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });
/** `POST /sweeps` and `POST /sweeps/:id/trials` answer. */
export const SubmitResultSchema = z.object({ sweepId: SweepIdSchema, name: z.string(), total: z.number().int() });
/** `GET /sweeps` answer. */
export const SweepListSchema = z.object({ sweeps: z.array(SweepSummarySchema) });
/** `GET /experiments` answer. */
export const ExperimentListSchema = z.object({ experiments: z.array(ExperimentSummarySchema) });
/** `GET /sweeps/:id/trials` and `GET /experiments/:name/trials` answer. */
export const TrialPageSchema = z.object({ trials: z.array(TrialRecordSchema), total: z.number().int() });
/** `POST /sweeps/:id/retry` answer. */
export const RetryResultSchema = z.object({ requeued: z.number().int() });
/** `DELETE /sweeps/:id` answer: what was removed. */
export const DeletionReportSchema = z.object({
  sweepId: z.string(),
  trials: z.number().int().describe('trial records removed'),
  jobs: z.number().int().describe('queue jobs removed'),
  objects: z.number().int().describe('stored objects (artefacts) removed'),
});
/** `GET /workers` answer. */
export const WorkerListSchema = z.object({ workers: z.array(WorkerInfoSchema) });
export const HealthSchema = z.object({ status: z.literal('ok') });

// Auth (browser sessions and login links; services/scheduler/auth.ts).
/** The roles a credential can hold, lowest first (each grants the ones before it). */
export const ApiRoleSchema = z.enum(['read', 'write', 'program']);
/** `GET /auth/session`, `POST /auth/session` answer: who the caller is. */
export const SessionInfoSchema = z.object({
  role: ApiRoleSchema,
  /** How the request authenticated: a bearer token, a session cookie, or anonymously on loopback. */
  via: z.enum(['bearer', 'session', 'loopback']),
  /** Session expiry (ms since the epoch), for `session`. */
  expiresAt: z.number().int().optional(),
  /** The session's CSRF token (also in the `sweepq_csrf` cookie): send it as `x-csrf-token` on POSTs. */
  csrfToken: z.string().optional(),
});
/** `POST /auth/login-links` body: the role of the session the link opens (default: the caller's). */
export const LoginLinkRequestSchema = z.strictObject({ role: ApiRoleSchema.optional() });
/** `POST /auth/login-links` answer: a one-time URL that opens a browser session. */
export const LoginLinkSchema = z.object({ url: z.string(), role: ApiRoleSchema, expiresAt: z.number().int() });
/** `GET /auth/login` query: the ticket of a login link. */
export const LoginQuerySchema = z.object({ ticket: z.string().max(200) });

/** Every error answer of the API. */
export const ApiErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    location: z.object({ path: z.string().optional(), file: z.string().optional(), line: z.number().optional(), column: z.number().optional() }).optional(),
    details: z.unknown().optional(),
  }),
});

/**
 * Named components of the OpenAPI document: routes refer to these schemas by `$ref` instead of
 * inlining them (fastify-type-provider-zod reads zod's global registry).
 */
const COMPONENTS: Array<[z.ZodType, string]> = [
  [TrialRecordSchema, 'TrialRecord'],
  [SweepSummarySchema, 'SweepSummary'],
  [SweepStatusSchema, 'SweepStatus'],
  [ExperimentSummarySchema, 'ExperimentSummary'],
  [WorkerInfoSchema, 'WorkerInfo'],
  [TrialPageSchema, 'TrialPage'],
  [SubmitResultSchema, 'SubmitResult'],
  [ApiErrorBodySchema, 'Error'],
];
for (const [schema, id] of COMPONENTS) if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });

/**
 * The body of `POST /sweeps/:id/tags` and `POST /sweeps/:id/trials/:trialId/tags`: JSON text of a
 * TagChange (`{set?: {key: value}, remove?: [key], note?: text | null}`), validated by the service.
 */
export const TagChangeBodySchema = z.string().describe('JSON: {"set"?: {key: value}, "remove"?: [key], "note"?: text or null (removes the note)}');

/** The sweep body of `POST /sweeps`: YAML or JSON text, validated by the service (errors with line and column). */
export const SweepBodySchema = z
  .string()
  .describe('A sweep spec (see components.schemas.SweepSpec) as application/json or application/yaml; datasets referenced as {sha256} from POST /datasets');
