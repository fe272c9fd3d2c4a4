/**
 * The dashboard's API routes: charts and aggregates from the read model (shared/analytics), one trial's
 * record, diagnostics and a one-row prediction, the CSV export of a table view, and live status over
 * server-sent events. Declared with the zod schemas of shared/schemas/dashboard.schema.ts like every
 * other route (validation, types, OpenAPI from one declaration). Reads need the `read` role; routes that
 * load a fitted pipeline are `sensitive` like the artefact download.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SweepAnalytics } from '../../shared/analytics/sweep-analytics.js';
import type { Logger } from '../../shared/logger/logger.js';
import { ApiErrorBodySchema, SweepParamsSchema, TrialParamsSchema } from '../../shared/schemas/api.schema.js';
import {
  ContourAnswerSchema,
  ContourQuerySchema,
  FieldsAnswerSchema,
  GroupsAnswerSchema,
  GroupsQuerySchema,
  HistoryAnswerSchema,
  ImportanceAnswerSchema,
  ImportanceQuerySchema,
  MetricChartQuerySchema,
  PredictAnswerSchema,
  PredictBodySchema,
  PredictFormSchema,
  SampleAnswerSchema,
  SampleQuerySchema,
  SweepListAnswerSchema,
  SweepListQuerySchema,
  TimelineAnswerSchema,
  TimelineQuerySchema,
} from '../../shared/schemas/dashboard.schema.js';
import { ProgramRunSchema } from '../../shared/schemas/program-run.schema.js';
import { TrialDiagnosticsSchema } from '../../shared/schemas/trial-diagnostics.schema.js';
import { TrialRecordSchema } from '../../shared/schemas/trial.schema.js';
import type { SweepClient } from '../../shared/sweep/sweep-client.js';
import { SweepEventHub } from './sweep-events.js';

export interface DashboardRoutesOptions {
  analytics: SweepAnalytics;
  service: SweepClient;
  logger: Logger;
  /** How often a watched running sweep's status is read for its event streams (ms). */
  eventIntervalMs?: number;
}

const errors = {
  400: ApiErrorBodySchema,
  401: ApiErrorBodySchema,
  403: ApiErrorBodySchema,
  404: ApiErrorBodySchema,
  421: ApiErrorBodySchema,
  429: ApiErrorBodySchema,
  503: ApiErrorBodySchema,
};
/** Comment lines keep idle event streams open through proxies and the server's socket timeout. */
const KEEPALIVE_MS = 15_000;

const CsvQuerySchema = z.object({
  filter: z.string().max(4096).optional(),
  order_by: z.union([z.string().max(4096), z.array(z.string().max(4096)).max(16)]).optional(),
  /** Comma-separated field keys of the columns to export (the table's visible ones). */
  columns: z.string().max(20_000).optional(),
});

function listOf(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return list.length === 0 ? undefined : list;
}

export function registerDashboardRoutes(fastify: FastifyInstance, options: DashboardRoutesOptions): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { analytics } = options;
  const hub = new SweepEventHub({
    status: (id) => options.service.status(id),
    intervalMs: options.eventIntervalMs ?? 1000,
    onError: (sweepId, error) => options.logger.warn({ err: error, sweepId }, 'sweep events: status read failed'),
  });
  const streams = new Set<ServerResponse>();
  // Open event streams would hold the server's close forever: end them first.
  app.addHook('preClose', async () => {
    hub.close();
    for (const stream of streams) stream.end();
  });

  const read = { role: 'read' as const };
  const tags = ['dashboard'];

  // Chart and aggregate answers come from shared/analytics' cache as the same object until the sweep's
  // table changes; their JSON (≈ 200 KB for the history and sample of 100k trials) is kept beside them,
  // so repeated requests do not serialise them again — that was most of those calls' cost and garbage.
  const serialized = new WeakMap<object, string>();
  const sendAnswer = (reply: FastifyReply, answer: object): FastifyReply => {
    let body = serialized.get(answer);
    if (body === undefined) {
      body = JSON.stringify(answer);
      serialized.set(answer, body);
    }
    return reply
      .type('application/json; charset=utf-8')
      .serializer((payload) => payload as string)
      .send(body);
  };

  app.get(
    '/dashboard/sweeps',
    {
      config: read,
      schema: {
        summary: 'sweeps with progress and best objective value, searchable by name',
        tags,
        querystring: SweepListQuerySchema,
        response: { 200: SweepListAnswerSchema, ...errors },
      },
    },
    async (request) => analytics.sweepList(request.query),
  );

  app.get(
    '/sweeps/:id/fields',
    {
      config: read,
      schema: {
        summary: "a sweep's params (axis kind, range, categories) and metrics",
        tags,
        params: SweepParamsSchema,
        response: { 200: FieldsAnswerSchema, ...errors },
      },
    },
    async (request, reply) => sendAnswer(reply as FastifyReply, await analytics.fields(request.params.id)),
  );

  app.get(
    '/sweeps/:id/groups',
    {
      config: read,
      schema: {
        summary: 'trials grouped by a param (or attributes.model): count and mean ± std of every metric',
        tags,
        params: SweepParamsSchema,
        querystring: GroupsQuerySchema,
        response: { 200: GroupsAnswerSchema, ...errors },
      },
    },
    async (request, reply) => sendAnswer(reply as FastifyReply, await analytics.groups(request.params.id, request.query.by, request.query.filter)),
  );

  app.get(
    '/sweeps/:id/charts/history',
    {
      config: read,
      schema: {
        summary: 'optimization history and best so far (min/max buckets past 4,000 trials)',
        tags,
        params: SweepParamsSchema,
        querystring: MetricChartQuerySchema,
        response: { 200: HistoryAnswerSchema, ...errors },
      },
    },
    async (request, reply) => sendAnswer(reply as FastifyReply, await analytics.history(request.params.id, request.query.metric, request.query.filter)),
  );

  app.get(
    '/sweeps/:id/charts/sample',
    {
      config: read,
      schema: {
        summary: 'params and objective of completed trials for parallel coordinates and slice plots',
        tags,
        params: SweepParamsSchema,
        querystring: SampleQuerySchema,
        response: { 200: SampleAnswerSchema, ...errors },
      },
    },
    async (request, reply) =>
      sendAnswer(reply as FastifyReply, await analytics.sample(request.params.id, request.query.metric, request.query.filter, request.query.limit)),
  );

  app.get(
    '/sweeps/:id/charts/contour',
    {
      config: read,
      schema: {
        summary: 'mean objective on a grid over two params',
        tags,
        params: SweepParamsSchema,
        querystring: ContourQuerySchema,
        response: { 200: ContourAnswerSchema, ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      return sendAnswer(reply, await analytics.contour(request.params.id, q.x, q.y, q.metric, q.filter, q.bins));
    },
  );

  app.get(
    '/sweeps/:id/charts/importance',
    {
      config: read,
      schema: {
        summary: 'param importance (PED-ANOVA), cached by completed-trial count',
        tags,
        params: SweepParamsSchema,
        querystring: ImportanceQuerySchema,
        response: { 200: ImportanceAnswerSchema, ...errors },
      },
    },
    async (request) => analytics.importance(request.params.id, request.query.metric),
  );

  app.get(
    '/sweeps/:id/charts/timeline',
    {
      config: read,
      schema: {
        summary: 'trials per worker over time (bars, or busy fractions past 5,000 trials)',
        tags,
        params: SweepParamsSchema,
        querystring: TimelineQuerySchema,
        response: { 200: TimelineAnswerSchema, ...errors },
      },
    },
    async (request, reply) => sendAnswer(reply as FastifyReply, await analytics.timeline(request.params.id, request.query.filter)),
  );

  app.get(
    '/sweeps/:id/trials.csv',
    {
      config: read,
      schema: { summary: 'the trials of a query as CSV (every page)', tags, params: SweepParamsSchema, querystring: CsvQuerySchema, response: { ...errors } },
    },
    async (request, reply) => {
      const q = request.query;
      const orderBy = listOf(q.order_by);
      const columns = listOf(q.columns);
      const body = await analytics.csv(request.params.id, {
        ...(q.filter === undefined ? {} : { filter: q.filter }),
        ...(orderBy === undefined ? {} : { orderBy }),
        ...(columns === undefined ? {} : { columns }),
      });
      // Untyped reply: the CSV body has no response schema.
      return (reply as FastifyReply)
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${request.params.id}-trials.csv"`)
        .send(body);
    },
  );

  app.get(
    '/sweeps/:id/trials/:trialId',
    { config: read, schema: { summary: 'one trial', tags, params: TrialParamsSchema, response: { 200: TrialRecordSchema, ...errors } } },
    async (request) => analytics.trial(request.params.id, request.params.trialId),
  );

  app.get(
    '/sweeps/:id/trials/:trialId/program',
    {
      config: read,
      schema: {
        summary: "a program trial's command, exit, stdout/stderr tails and reported metric history (404 for a built-in trial)",
        tags,
        params: TrialParamsSchema,
        response: { 200: ProgramRunSchema, ...errors },
      },
    },
    async (request) => analytics.programRun(request.params.id, request.params.trialId),
  );

  app.get(
    '/sweeps/:id/trials/:trialId/diagnostics',
    {
      config: read,
      schema: {
        summary: "a trial's confusion matrix, ROC/PR curves, feature importances (or regression residuals)",
        tags,
        params: TrialParamsSchema,
        response: { 200: TrialDiagnosticsSchema, ...errors },
      },
    },
    async (request) => analytics.diagnostics(request.params.id, request.params.trialId),
  );

  app.get(
    '/sweeps/:id/trials/:trialId/predict',
    {
      config: { role: 'read', sensitive: true },
      schema: { summary: "the input columns of a trial's fitted pipeline", tags, params: TrialParamsSchema, response: { 200: PredictFormSchema, ...errors } },
    },
    async (request) => analytics.predictForm(request.params.id, request.params.trialId),
  );

  app.post(
    '/sweeps/:id/trials/:trialId/predict',
    {
      config: { role: 'read', sensitive: true },
      schema: {
        summary: "predict one row with a trial's fitted pipeline",
        tags,
        params: TrialParamsSchema,
        body: PredictBodySchema,
        response: { 200: PredictAnswerSchema, ...errors },
      },
    },
    async (request) => analytics.predict(request.params.id, request.params.trialId, request.body.row),
  );

  app.get(
    '/sweeps/:id/events',
    {
      config: { ...read, rateLimit: false },
      schema: { summary: 'live status as server-sent events (`status`, on change)', tags, params: SweepParamsSchema, response: { ...errors } },
    },
    async (request, reply) => {
      const { id } = request.params;
      // Unknown sweeps answer 404 like every route, before the stream starts.
      await options.service.status(id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      raw.write('retry: 2000\n\n');
      streams.add(raw);
      const unsubscribe = hub.subscribe(id, (event, data) => raw.write(`event: ${event}\ndata: ${data}\n\n`));
      const keepalive = setInterval(() => raw.write(': keep-alive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      const stop = (): void => {
        unsubscribe();
        clearInterval(keepalive);
        streams.delete(raw);
      };
      request.raw.on('close', stop);
      raw.on('close', stop);
    },
  );
}
