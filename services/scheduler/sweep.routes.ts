/**
 * The HTTP surface of SweepClient. Routes only translate HTTP ↔ service calls: params and query are
 * validated with zod (ids must match SweepIdSchema / TrialIdSchema before they reach Redis keys or
 * object-store paths), bodies are handed to the service, which validates specs itself.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidInputError } from '../../shared/errors/index.js';
import { SweepIdSchema, TrialIdSchema, TrialStatusSchema } from '../../shared/schemas/trial.schema.js';
import { parseSweepText, readSweepDocument } from '../../shared/sweep/parse-sweep-file.js';
import type { SweepClient } from '../../shared/sweep/sweep-client.js';
import { ResponseCache } from './response-cache.js';

export interface SweepRoutesOptions {
  service: SweepClient;
  /** Largest `POST /datasets` body. */
  datasetBodyLimitBytes: number;
  /** Largest `POST /sweeps` and `POST /sweeps/:id/trials` body. */
  sweepBodyLimitBytes: number;
  /** How stale a cached read response may be (ms); 0 turns the cache off. */
  readCacheMs: number;
}

/** Content types accepted for sweep specs. */
export const SWEEP_CONTENT_TYPES = ['application/json', 'application/yaml', 'text/yaml'] as const;
/** Content types accepted for dataset uploads. */
export const DATASET_CONTENT_TYPES = ['text/csv', 'application/octet-stream'] as const;

export const SweepParamsSchema = z.strictObject({ id: SweepIdSchema });
export const TrialParamsSchema = z.strictObject({ id: SweepIdSchema, trialId: TrialIdSchema });

const pageLimit = z.coerce.number().int().min(1).max(1000);
const pageOffset = z.coerce.number().int().min(0).max(10_000_000);
/** Metric names as they appear in leaderboards (`accuracy`, `f1_score`, `cv_mean`). */
export const MetricNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a metric name looks like accuracy or f1_score');

export const ListSweepsQuerySchema = z.object({
  experiment: z.string().min(1).max(200).optional(),
  limit: pageLimit.optional(),
  offset: pageOffset.optional(),
});
export const TrialsQuerySchema = z.object({
  sort: MetricNameSchema.optional(),
  limit: pageLimit.default(100),
  offset: pageOffset.default(0),
  status: TrialStatusSchema.optional(),
});
export const BestQuerySchema = z.object({ metric: MetricNameSchema.optional() });

/** Parses `value` or throws INVALID_ARGUMENT naming the first offending field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  throw new InvalidInputError('INVALID_ARGUMENT', `invalid ${what}${path === undefined ? '' : ` ${path}`}: ${issue?.message ?? 'invalid value'}`, {
    ...(path === undefined ? {} : { location: { path } }),
    details: result.error.issues,
  });
}

/**
 * A JSON request body → the value handed to the service (which validates the spec itself). Syntax
 * errors stay INVALID_ARGUMENT, as with fastify's parser; the document checks of a sweep file (depth,
 * duplicate keys, prototype keys, non-finite numbers) answer INVALID_SPEC naming the problem.
 */
function jsonBody(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/, ".*" is not valid JSON$/s, '').slice(0, 200) : 'invalid JSON';
    throw new InvalidInputError('INVALID_ARGUMENT', `the request body is not valid JSON: ${reason}`);
  }
  return readSweepDocument(text, { source: 'request body', format: 'json' }).value;
}

/** The sweep spec of a request: YAML or JSON text parsed here. */
function specFrom(request: FastifyRequest): unknown {
  const body: unknown = request.body;
  if (typeof body === 'string') {
    const yaml = /yaml/i.test(request.headers['content-type'] ?? '');
    return yaml ? parseSweepText(body, { source: 'request body', format: 'yaml' }) : jsonBody(body);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) {
    throw new InvalidInputError('INVALID_SPEC', `a sweep must be sent as ${SWEEP_CONTENT_TYPES.join(' or ')} describing one object`);
  }
  return body;
}

function requireContentType(request: FastifyRequest, accepted: readonly string[]): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!accepted.includes(type)) {
    throw new InvalidInputError('INVALID_ARGUMENT', `content-type must be one of ${accepted.join(', ')}${type === '' ? '' : `, got ${type}`}`);
  }
}

/** Sends an already serialized JSON body (from the read cache). */
function sendJson(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(body);
}

function sendArtifact(reply: FastifyReply, bytes: Buffer, filename: string): FastifyReply {
  // filename is built from validated ids only ([a-z0-9-]), so it needs no quoting beyond the quotes.
  return reply
    .type('application/json')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('x-content-type-options', 'nosniff')
    .send(bytes);
}

/** Registers every `/datasets` and `/sweeps` route. */
export function registerSweepRoutes(app: FastifyInstance, options: SweepRoutesOptions): void {
  const { service } = options;
  const cache = new ResponseCache(options.readCacheMs);

  // Raw bodies for uploads, YAML and JSON. JSON is read in specFrom rather than by fastify's parser,
  // which answers a valid body holding "__proto__" with "Body is not valid JSON" and silently keeps
  // the last of duplicate keys; readSweepDocument refuses both by name (INVALID_SPEC). Only the sweep
  // routes take bodies, so replacing the app-wide JSON parser affects nothing else.
  app.addContentTypeParser([...DATASET_CONTENT_TYPES], { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'application/yaml', 'text/yaml'], { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });

  app.post('/datasets', { bodyLimit: options.datasetBodyLimitBytes }, async (request, reply) => {
    requireContentType(request, DATASET_CONTENT_TYPES);
    const body: unknown = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new InvalidInputError('INVALID_CSV', 'the dataset body is empty');
    const ref = await service.uploadDataset(body);
    return reply.status(201).send(ref);
  });

  app.post('/sweeps', { bodyLimit: options.sweepBodyLimitBytes }, async (request, reply) => {
    requireContentType(request, SWEEP_CONTENT_TYPES);
    const result = await service.submit(specFrom(request));
    return reply.status(201).send(result);
  });

  app.post('/sweeps/:id/trials', { bodyLimit: options.sweepBodyLimitBytes }, async (request, reply) => {
    const { id } = parseInput(SweepParamsSchema, request.params, 'path parameter');
    requireContentType(request, SWEEP_CONTENT_TYPES);
    const result = await service.extend(id, specFrom(request));
    cache.invalidate(`/sweeps/${id}`);
    return reply.status(201).send(result);
  });

  app.get('/sweeps', async (request, reply) => {
    const query = parseInput(ListSweepsQuerySchema, request.query, 'query parameter');
    const body = await cache.json(request.url, async () => ({
      sweeps: await service.listSweeps({
        ...(query.experiment === undefined ? {} : { experiment: query.experiment }),
        ...(query.limit === undefined ? {} : { limit: query.limit }),
        ...(query.offset === undefined ? {} : { offset: query.offset }),
      }),
    }));
    return sendJson(reply, body);
  });

  app.get('/sweeps/:id', async (request, reply) => {
    const { id } = parseInput(SweepParamsSchema, request.params, 'path parameter');
    return sendJson(reply, await cache.json(request.url, () => service.status(id)));
  });

  app.get('/sweeps/:id/trials', async (request, reply) => {
    const { id } = parseInput(SweepParamsSchema, request.params, 'path parameter');
    const query = parseInput(TrialsQuerySchema, request.query, 'query parameter');
    const body = await cache.json(request.url, () =>
      service.trials(id, {
        limit: query.limit,
        offset: query.offset,
        ...(query.sort === undefined ? {} : { sort: query.sort }),
        ...(query.status === undefined ? {} : { status: query.status }),
      }),
    );
    return sendJson(reply, body);
  });

  app.get('/sweeps/:id/best', async (request, reply) => {
    const { id } = parseInput(SweepParamsSchema, request.params, 'path parameter');
    const { metric } = parseInput(BestQuerySchema, request.query, 'query parameter');
    return sendJson(reply, await cache.json(request.url, () => service.best(id, metric)));
  });

  app.get('/sweeps/:id/trials/:trialId/artifact', async (request, reply) => {
    const { id, trialId } = parseInput(TrialParamsSchema, request.params, 'path parameter');
    if (!trialId.startsWith(`${id}-t`)) {
      throw new InvalidInputError('INVALID_ARGUMENT', `trial ${trialId} does not belong to sweep ${id}`, { location: { path: 'trialId' } });
    }
    const bytes = await service.artifact(id, trialId);
    return sendArtifact(reply, bytes, `${trialId}.json`);
  });

  app.get('/sweeps/:id/best/artifact', async (request, reply) => {
    const { id } = parseInput(SweepParamsSchema, request.params, 'path parameter');
    const { metric } = parseInput(BestQuerySchema, request.query, 'query parameter');
    const best = await service.best(id, metric);
    const bytes = await service.artifact(id, best.id);
    reply.header('x-sweepq-trial-id', best.id);
    return sendArtifact(reply, bytes, `best-${id}.json`);
  });

  app.post('/sweeps/:id/cancel', async (request) => {
    const { id } = parseInput(SweepParamsSchema, request.params, 'path parameter');
    const status = await service.cancel(id);
    cache.invalidate(`/sweeps/${id}`);
    return status;
  });

  app.post('/sweeps/:id/retry', async (request) => {
    const { id } = parseInput(SweepParamsSchema, request.params, 'path parameter');
    const result = await service.retry(id);
    cache.invalidate(`/sweeps/${id}`);
    return result;
  });
}
