/**
 * The HTTP surface of SweepClient. Routes only translate HTTP ↔ service calls. Params, query strings
 * and answers are declared once with the zod schemas of shared/schemas/api.schema.ts (validated by
 * fastify-type-provider-zod, documented by @fastify/swagger, parsed by the HTTP client); sweep bodies
 * are YAML or JSON text that the service validates itself, with line and column in its errors.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { InvalidInputError, SweepqError } from '../../shared/errors/index.js';
import { isProgramSweepDocument } from '../../shared/schemas/program-spec.schema.js';
import {
  ApiErrorBodySchema,
  BestQuerySchema,
  DatasetUploadResultSchema,
  ExperimentListSchema,
  ExperimentParamsSchema,
  ListSweepsQuerySchema,
  PageQuerySchema,
  RetryResultSchema,
  DeletionReportSchema,
  SubmitResultSchema,
  SweepBodySchema,
  SweepListSchema,
  SweepParamsSchema,
  TrialPageSchema,
  TrialParamsSchema,
  TagChangeBodySchema,
  TrialsQuerySchema,
  WorkerListSchema,
} from '../../shared/schemas/api.schema.js';
import { SweepStatusSchema } from '../../shared/schemas/sweep-status.schema.js';
import { TrialRecordSchema } from '../../shared/schemas/trial.schema.js';
import { TagsResultSchema, type TagChange } from '../../shared/schemas/tags.schema.js';
import type { SweepClient, TrialQuery } from '../../shared/sweep/sweep-client.js';
import type { SweepParsePool } from '../../shared/sweep/sweep-parse-pool.js';
import { ResponseCache } from './response-cache.js';

export interface SweepRoutesOptions {
  service: SweepClient;
  /** Largest `POST /datasets` body. */
  datasetBodyLimitBytes: number;
  /** Largest `POST /sweeps` and `POST /sweeps/:id/trials` body. */
  sweepBodyLimitBytes: number;
  /** How stale a cached read response may be (ms); 0 turns the cache off. */
  readCacheMs: number;
  /** Bound of the read cache in bytes. */
  readCacheMaxBytes: number;
  /** Parses sweep bodies off the event loop (the caller owns and closes it). */
  parser: SweepParsePool;
  /**
   * Decides whether a request may submit a program sweep (the `program` role, issue 14): undefined
   * when it may, else the error to answer. Absent: nobody may.
   */
  authorizeProgram?: (request: FastifyRequest) => SweepqError | undefined;
}

/** Content types accepted for sweep specs. */
export const SWEEP_CONTENT_TYPES = ['application/json', 'application/yaml', 'text/yaml'] as const;
/** Content types accepted for dataset uploads. */
export const DATASET_CONTENT_TYPES = ['text/csv', 'application/octet-stream', 'application/gzip', 'application/vnd.apache.parquet'] as const;

const errors = {
  400: ApiErrorBodySchema,
  401: ApiErrorBodySchema,
  403: ApiErrorBodySchema,
  404: ApiErrorBodySchema,
  409: ApiErrorBodySchema,
  413: ApiErrorBodySchema,
  421: ApiErrorBodySchema,
  429: ApiErrorBodySchema,
  503: ApiErrorBodySchema,
};

/**
 * The sweep spec of a request: YAML or JSON text, parsed and checked in a worker thread (syntax,
 * nesting, keys, duplicates, the submitted-spec schema with line and column), then handed to the
 * service, which validates it again at its own boundary. JSON syntax errors answer INVALID_ARGUMENT,
 * as fastify's parser would.
 */
async function specFrom(request: FastifyRequest, parser: SweepParsePool): Promise<unknown> {
  const body: unknown = request.body;
  if (typeof body !== 'string') {
    throw new InvalidInputError('INVALID_SPEC', `a sweep must be sent as ${SWEEP_CONTENT_TYPES.join(' or ')} describing one object`);
  }
  const yaml = /yaml/i.test(request.headers['content-type'] ?? '');
  return parser.parse(body, yaml ? 'yaml' : 'json');
}

function requireContentType(request: FastifyRequest, accepted: readonly string[]): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!accepted.includes(type)) {
    throw new InvalidInputError('INVALID_ARGUMENT', `content-type must be one of ${accepted.join(', ')}${type === '' ? '' : `, got ${type}`}`);
  }
}

/**
 * The JSON body of a tag change. The sweep routes' context reads JSON bodies as text (see the parsers
 * below); TagChangeSchema is checked by the service, which names the offending key.
 */
function tagChangeFrom(body: unknown): TagChange {
  try {
    return JSON.parse(String(body)) as TagChange;
  } catch (cause) {
    throw new InvalidInputError('INVALID_ARGUMENT', `the tag change is not JSON: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Sends an already serialized JSON body (from the read cache). */
function sendJson(reply: FastifyReply, body: string): FastifyReply {
  return reply
    .type('application/json; charset=utf-8')
    .serializer((payload) => payload as string)
    .send(body);
}

function sendArtifact(reply: FastifyReply, bytes: Buffer, filename: string): FastifyReply {
  // filename is built from validated ids only ([a-z0-9-]), so it needs no quoting beyond the quotes.
  return reply
    .type('application/json')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('x-content-type-options', 'nosniff')
    .send(bytes);
}

/** A parsed trials query string → the service's query. */
function trialQuery(query: {
  filter?: string | undefined;
  order_by?: string[] | undefined;
  sort?: string | undefined;
  status?: TrialQuery['status'];
  limit: number;
  offset: number;
}): TrialQuery {
  return {
    limit: query.limit,
    offset: query.offset,
    ...(query.filter === undefined ? {} : { filter: query.filter }),
    ...(query.order_by === undefined || query.order_by.length === 0 ? {} : { orderBy: query.order_by }),
    ...(query.sort === undefined ? {} : { sort: query.sort }),
    ...(query.status === undefined ? {} : { status: query.status }),
  };
}

/** Registers every `/datasets`, `/sweeps`, `/experiments` and `/workers` route. */
export function registerSweepRoutes(fastify: FastifyInstance, options: SweepRoutesOptions): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { service } = options;
  const cache = new ResponseCache({ ttlMs: options.readCacheMs, maxBytes: options.readCacheMaxBytes });
  /** Cache key from the route and its parsed input, so extra or reordered query parameters share an entry. */
  const key = (route: string, input: unknown): string => `${route} ${JSON.stringify(input)}`;

  // Raw bodies for uploads, YAML and JSON. JSON is read in specFrom rather than by fastify's parser,
  // which answers a valid body holding "__proto__" with "Body is not valid JSON" and silently keeps
  // the last of duplicate keys; readSweepDocument refuses both by name (INVALID_SPEC). Only the sweep
  // routes take bodies, so replacing the app-wide JSON parser affects nothing else.
  // Dataset bodies stay streams: the service hashes and stores them without holding them in memory
  // (fastify's bodyLimit applies to buffered parsers only; the service enforces the limit).
  app.addContentTypeParser([...DATASET_CONTENT_TYPES], (_request, payload, done) => {
    done(null, payload);
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser([...SWEEP_CONTENT_TYPES], { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });

  app.post(
    '/datasets',
    {
      config: { role: 'write' },
      schema: {
        summary: 'upload a dataset: CSV, gzip-compressed CSV or Parquet, streamed (content-addressed)',
        tags: ['datasets'],
        response: { 201: DatasetUploadResultSchema, ...errors },
      },
    },
    async (request, reply) => {
      requireContentType(request, DATASET_CONTENT_TYPES);
      const limit = options.datasetBodyLimitBytes;
      const declared = Number(request.headers['content-length'] ?? Number.NaN);
      if (declared > limit) {
        // Refused before reading a byte: the client learns at once, not after sending gigabytes.
        request.raw.resume();
        throw new InvalidInputError('PAYLOAD_TOO_LARGE', `the dataset is ${declared} bytes, more than the ${limit}-byte limit (SWEEPQ_BODY_LIMIT_BYTES)`);
      }
      return reply.status(201).send(await service.uploadDatasetStream(request.body as Readable, limit));
    },
  );

  app.post(
    '/sweeps',
    {
      bodyLimit: options.sweepBodyLimitBytes,
      config: { role: 'write' },
      schema: { summary: 'submit a sweep', tags: ['sweeps'], body: SweepBodySchema, response: { 201: SubmitResultSchema, ...errors } },
    },
    async (request, reply) => {
      requireContentType(request, SWEEP_CONTENT_TYPES);
      const spec = await specFrom(request, options.parser);
      // Running a program on the workers is more than writing: it needs the program role.
      if (isProgramSweepDocument(spec)) {
        const denied =
          options.authorizeProgram === undefined ? new SweepqError('FORBIDDEN', 'this server accepts no program sweeps') : options.authorizeProgram(request);
        if (denied !== undefined) throw denied;
      }
      const result = await service.submit(spec);
      cache.invalidate('GET /sweeps', 'GET /experiments');
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/sweeps/:id/trials',
    {
      bodyLimit: options.sweepBodyLimitBytes,
      config: { role: 'write' },
      schema: {
        summary: 'extend a sweep with more trials',
        tags: ['sweeps'],
        params: SweepParamsSchema,
        body: SweepBodySchema,
        response: { 201: SubmitResultSchema, ...errors },
      },
    },
    async (request, reply) => {
      requireContentType(request, SWEEP_CONTENT_TYPES);
      const result = await service.extend(request.params.id, await specFrom(request, options.parser));
      cache.invalidate(request.params.id, 'GET /sweeps', 'GET experiment');
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/sweeps',
    {
      config: { role: 'read' },
      schema: { summary: 'list sweeps, newest first', tags: ['sweeps'], querystring: ListSweepsQuerySchema, response: { 200: SweepListSchema, ...errors } },
    },
    async (request, reply) => {
      const q = request.query;
      const body = await cache.json(key('GET /sweeps', q), async () => ({
        sweeps: await service.listSweeps({
          ...(q.experiment === undefined ? {} : { experiment: q.experiment }),
          ...(q.limit === undefined ? {} : { limit: q.limit }),
          ...(q.offset === undefined ? {} : { offset: q.offset }),
        }),
      }));
      return sendJson(reply, body);
    },
  );

  app.get(
    '/sweeps/:id',
    {
      config: { role: 'read' },
      schema: { summary: 'status of a sweep', tags: ['sweeps'], params: SweepParamsSchema, response: { 200: SweepStatusSchema, ...errors } },
    },
    async (request, reply) => {
      const { id } = request.params;
      return sendJson(reply, await cache.json(key(`GET ${id}`, null), () => service.status(id)));
    },
  );

  app.get(
    '/sweeps/:id/trials',
    {
      config: { role: 'read' },
      schema: {
        summary: 'query the trials of a sweep (filter, order_by, paging)',
        tags: ['trials'],
        params: SweepParamsSchema,
        querystring: TrialsQuerySchema,
        response: { 200: TrialPageSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const q = trialQuery(request.query);
      return sendJson(reply, await cache.json(key(`GET ${id} trials`, q), () => service.trials(id, q)));
    },
  );

  app.get(
    '/sweeps/:id/best',
    {
      config: { role: 'read' },
      schema: {
        summary: 'the best trial of a sweep',
        tags: ['trials'],
        params: SweepParamsSchema,
        querystring: BestQuerySchema,
        response: { 200: TrialRecordSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { metric } = request.query;
      return sendJson(reply, await cache.json(key(`GET ${id} best`, metric ?? null), () => service.best(id, metric)));
    },
  );

  app.get(
    '/sweeps/:id/trials/:trialId/artifact',
    {
      config: { role: 'read', sensitive: true },
      schema: { summary: "a trial's fitted pipeline (JSON)", tags: ['trials'], params: TrialParamsSchema, response: { ...errors } },
    },
    async (request, reply) => {
      const { id, trialId } = request.params;
      if (!trialId.startsWith(`${id}-t`)) {
        throw new InvalidInputError('INVALID_ARGUMENT', `trial ${trialId} does not belong to sweep ${id}`, { location: { path: 'trialId' } });
      }
      return sendArtifact(reply, await service.artifact(id, trialId), `${trialId}.json`);
    },
  );

  app.get(
    '/sweeps/:id/best/artifact',
    {
      config: { role: 'read', sensitive: true },
      schema: {
        summary: "the best trial's fitted pipeline (JSON)",
        tags: ['trials'],
        params: SweepParamsSchema,
        querystring: BestQuerySchema,
        response: { ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const best = await service.best(id, request.query.metric);
      const bytes = await service.artifact(id, best.id);
      reply.header('x-sweepq-trial-id', best.id);
      return sendArtifact(reply, bytes, `best-${id}.json`);
    },
  );

  app.post(
    '/sweeps/:id/cancel',
    {
      config: { role: 'write' },
      schema: { summary: 'cancel a sweep', tags: ['sweeps'], params: SweepParamsSchema, response: { 200: SweepStatusSchema, ...errors } },
    },
    async (request) => {
      const status = await service.cancel(request.params.id);
      cache.invalidate(request.params.id, 'GET /sweeps', 'GET experiment');
      return status;
    },
  );

  app.post(
    '/sweeps/:id/retry',
    {
      config: { role: 'write' },
      schema: {
        summary: 're-queue failed, cancelled and quarantined trials',
        tags: ['sweeps'],
        params: SweepParamsSchema,
        response: { 200: RetryResultSchema, ...errors },
      },
    },
    async (request) => {
      const result = await service.retry(request.params.id);
      cache.invalidate(request.params.id, 'GET /sweeps', 'GET experiment');
      return result;
    },
  );

  app.delete(
    '/sweeps/:id',
    {
      config: { role: 'write' },
      schema: {
        summary: 'delete a finished or cancelled sweep: its jobs, artefacts and records',
        tags: ['sweeps'],
        params: SweepParamsSchema,
        response: { 200: DeletionReportSchema, ...errors },
      },
    },
    async (request) => {
      const report = await service.delete(request.params.id);
      cache.invalidate(request.params.id, 'GET /sweeps', 'GET experiment');
      return report;
    },
  );

  app.post(
    '/sweeps/:id/tags',
    {
      config: { role: 'write' },
      schema: {
        summary: "change a sweep's tags and note",
        tags: ['tags'],
        params: SweepParamsSchema,
        body: TagChangeBodySchema,
        response: { 200: TagsResultSchema, ...errors },
      },
    },
    async (request) => {
      requireContentType(request, ['application/json']);
      const result = await service.tag(request.params.id, tagChangeFrom(request.body));
      cache.invalidate(request.params.id, 'GET /sweeps', 'GET experiment');
      return result;
    },
  );

  app.post(
    '/sweeps/:id/trials/:trialId/tags',
    {
      config: { role: 'write' },
      schema: {
        summary: "change a trial's tags and note",
        tags: ['tags'],
        params: TrialParamsSchema,
        body: TagChangeBodySchema,
        response: { 200: TagsResultSchema, ...errors },
      },
    },
    async (request) => {
      requireContentType(request, ['application/json']);
      const { id, trialId } = request.params;
      if (!trialId.startsWith(`${id}-t`)) {
        throw new InvalidInputError('INVALID_ARGUMENT', `trial ${trialId} does not belong to sweep ${id}`, { location: { path: 'trialId' } });
      }
      const result = await service.tag(trialId, tagChangeFrom(request.body));
      cache.invalidate(id, 'GET experiment');
      return result;
    },
  );

  app.get(
    '/experiments',
    {
      config: { role: 'read' },
      schema: { summary: 'list experiments', tags: ['experiments'], querystring: PageQuerySchema, response: { 200: ExperimentListSchema, ...errors } },
    },
    async (request, reply) => {
      const q = request.query;
      const body = await cache.json(key('GET /experiments', q), async () => ({
        experiments: await service.listExperiments({
          ...(q.limit === undefined ? {} : { limit: q.limit }),
          ...(q.offset === undefined ? {} : { offset: q.offset }),
        }),
      }));
      return sendJson(reply, body);
    },
  );

  app.get(
    '/experiments/:name/trials',
    {
      config: { role: 'read' },
      schema: {
        summary: 'query the trials of every sweep of an experiment',
        tags: ['experiments'],
        params: ExperimentParamsSchema,
        querystring: TrialsQuerySchema,
        response: { 200: TrialPageSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const q = trialQuery(request.query);
      return sendJson(reply, await cache.json(key(`GET experiment ${name} trials`, q), () => service.experimentTrials(name, q)));
    },
  );

  app.get(
    '/workers',
    { config: { role: 'read' }, schema: { summary: 'live workers', tags: ['workers'], response: { 200: WorkerListSchema, ...errors } } },
    async (_request, reply) => {
      return sendJson(reply, await cache.json('GET /workers', async () => ({ workers: await service.workers() })));
    },
  );
}
