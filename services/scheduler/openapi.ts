/**
 * The OpenAPI 3.1 document of the API, generated from the same zod schemas the routes and the HTTP
 * client validate with (zod v4's `z.toJSONSchema`, JSON Schema 2020-12 = OpenAPI 3.1's dialect), so the
 * description cannot drift from the code. Built once at start-up.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../../shared/errors/index.js';
import { ResolvedSweepSpecSchema } from '../../shared/schemas/sweep-spec.schema.js';
import { SweepStatusSchema, SweepSummarySchema } from '../../shared/schemas/sweep-status.schema.js';
import { TrialRecordSchema, TrialStatusSchema } from '../../shared/schemas/trial.schema.js';
import {
  ApiErrorBodySchema,
  DatasetRefSchema,
  RetryResultSchema,
  SubmitResultSchema,
  SweepListSchema,
  TrialPageSchema,
} from '../../shared/sweep/http-sweep-client.js';
import { SweepIdSchema, TrialIdSchema } from '../../shared/schemas/trial.schema.js';
import { MetricNameSchema } from './sweep.routes.js';

type JsonObject = Record<string, unknown>;

/** JSON Schema of `schema` without the `$schema` header (it is embedded in the OpenAPI document). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonObject {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io }) as JsonObject;
  delete out.$schema;
  return out;
}

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

function errorResponses(...statuses: number[]): JsonObject {
  const out: JsonObject = {};
  for (const status of statuses) out[String(status)] = { description: 'error', content: json(ref('Error')) };
  return out;
}

function parameter(name: string, where: 'path' | 'query', schema: z.ZodType, description: string, required = where === 'path'): JsonObject {
  return { name, in: where, required, description, schema: jsonSchema(schema) };
}

const sweepId = parameter('id', 'path', SweepIdSchema, 'sweep id');
const trialId = parameter('trialId', 'path', TrialIdSchema, 'trial id (belongs to the sweep)');
const limit = (max: number, def?: number): JsonObject =>
  parameter('limit', 'query', z.number().int().min(1).max(max), `page size${def === undefined ? '' : ` (default ${def})`}`);
const offset = parameter('offset', 'query', z.number().int().min(0), 'rows to skip');
const metric = parameter('metric', 'query', MetricNameSchema, "metric (default: the sweep's objective)");

const sweepBody: JsonObject = {
  required: true,
  description: 'a resolved sweep spec (datasets as {sha256} from POST /datasets), as JSON or YAML',
  content: {
    'application/json': { schema: ref('SweepSpec') },
    'application/yaml': { schema: ref('SweepSpec') },
    'text/yaml': { schema: ref('SweepSpec') },
  },
};

const artifactResponse: JsonObject = {
  description: 'the fitted pipeline JSON (format sweepq.pipeline), as an attachment',
  content: { 'application/json': { schema: { type: 'object' } } },
};

/** Builds the document served at `GET /openapi.json`. */
export function buildOpenApiDocument(options: { version: string; serverUrl?: string; readsNeedAuth?: boolean }): JsonObject {
  const secured = [{ bearer: [] }];
  return {
    openapi: '3.1.0',
    // Default for reads; mutating operations always list the bearer scheme, /healthz never does.
    security: options.readsNeedAuth === true ? secured : [],
    info: {
      title: 'sweepq API',
      version: options.version,
      description: `Hyperparameter sweeps over a distributed queue. Error codes: ${Object.keys(ERROR_CODES).join(', ')}.`,
    },
    ...(options.serverUrl === undefined ? {} : { servers: [{ url: options.serverUrl }] }),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: jsonSchema(ApiErrorBodySchema),
        // Input side: defaults are optional for the caller.
        SweepSpec: jsonSchema(ResolvedSweepSpecSchema, 'input'),
        DatasetRef: jsonSchema(DatasetRefSchema),
        SubmitResult: jsonSchema(SubmitResultSchema),
        SweepSummary: jsonSchema(SweepSummarySchema),
        SweepList: jsonSchema(SweepListSchema),
        SweepStatus: jsonSchema(SweepStatusSchema),
        TrialRecord: jsonSchema(TrialRecordSchema),
        TrialPage: jsonSchema(TrialPageSchema),
        RetryResult: jsonSchema(RetryResultSchema),
      },
    },
    paths: {
      '/healthz': {
        get: { summary: 'liveness probe', security: [], responses: { '200': { description: 'ok', content: json({ type: 'object' }) } } },
      },
      '/openapi.json': {
        get: { summary: 'this document', responses: { '200': { description: 'OpenAPI 3.1 document', content: json({ type: 'object' }) } } },
      },
      '/datasets': {
        post: {
          summary: 'upload a CSV dataset (content-addressed, idempotent)',
          security: secured,
          requestBody: {
            required: true,
            content: { 'text/csv': { schema: { type: 'string' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: { '201': { description: 'stored', content: json(ref('DatasetRef')) }, ...errorResponses(400, 401, 413, 503) },
        },
      },
      '/sweeps': {
        get: {
          summary: 'list sweeps, newest first',
          parameters: [parameter('experiment', 'query', z.string(), 'only sweeps of this experiment'), limit(1000), offset],
          responses: { '200': { description: 'sweeps', content: json(ref('SweepList')) }, ...errorResponses(400, 401, 503) },
        },
        post: {
          summary: 'submit a sweep: validate, expand and enqueue its trials',
          security: secured,
          requestBody: sweepBody,
          responses: { '201': { description: 'submitted', content: json(ref('SubmitResult')) }, ...errorResponses(400, 401, 413, 503) },
        },
      },
      '/sweeps/{id}': {
        get: {
          summary: 'sweep status: counts, progress, ETA, best trial',
          parameters: [sweepId],
          responses: { '200': { description: 'status', content: json(ref('SweepStatus')) }, ...errorResponses(400, 401, 404, 503) },
        },
      },
      '/sweeps/{id}/trials': {
        get: {
          summary: 'trials of a sweep, in index order or sorted by a metric (best first)',
          parameters: [
            sweepId,
            parameter('sort', 'query', MetricNameSchema, 'sort by this metric, best first'),
            limit(1000, 100),
            offset,
            parameter('status', 'query', TrialStatusSchema, 'only trials in this status'),
          ],
          responses: { '200': { description: 'a page of trials', content: json(ref('TrialPage')) }, ...errorResponses(400, 401, 404, 503) },
        },
        post: {
          summary: 'extend a sweep with more trials (same dataset and pipeline)',
          security: secured,
          parameters: [sweepId],
          requestBody: sweepBody,
          responses: { '201': { description: 'extended', content: json(ref('SubmitResult')) }, ...errorResponses(400, 401, 404, 409, 413, 503) },
        },
      },
      '/sweeps/{id}/best': {
        get: {
          summary: 'best completed trial',
          parameters: [sweepId, metric],
          responses: { '200': { description: 'best trial', content: json(ref('TrialRecord')) }, ...errorResponses(400, 401, 404, 503) },
        },
      },
      '/sweeps/{id}/trials/{trialId}/artifact': {
        get: {
          summary: "download a trial's fitted pipeline",
          parameters: [sweepId, trialId],
          responses: { '200': artifactResponse, ...errorResponses(400, 401, 404, 503) },
        },
      },
      '/sweeps/{id}/best/artifact': {
        get: {
          summary: "download the best trial's fitted pipeline",
          parameters: [sweepId, metric],
          responses: { '200': artifactResponse, ...errorResponses(400, 401, 404, 503) },
        },
      },
      '/sweeps/{id}/cancel': {
        post: {
          summary: 'cancel queued and running trials',
          security: secured,
          parameters: [sweepId],
          responses: { '200': { description: 'status after cancelling', content: json(ref('SweepStatus')) }, ...errorResponses(400, 401, 404, 503) },
        },
      },
      '/sweeps/{id}/retry': {
        post: {
          summary: 're-enqueue failed and cancelled trials',
          security: secured,
          parameters: [sweepId],
          responses: { '200': { description: 'requeued', content: json(ref('RetryResult')) }, ...errorResponses(400, 401, 404, 503) },
        },
      },
    },
  };
}
