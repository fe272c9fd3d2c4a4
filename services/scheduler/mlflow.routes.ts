/**
 * The MLflow tracking API (issue 12, item 1), under `/api/2.0/mlflow/` and `/ajax-api/2.0/mlflow/`,
 * and MLflow's artifact proxy under `/api/2.0/mlflow-artifacts/artifacts`, so the MLflow Python client
 * (`MLFLOW_TRACKING_URI=http://scheduler`, `MLFLOW_TRACKING_TOKEN` = a sweepq token) reads sweeps and
 * logs runs. HTTP only: the logic is in shared/mlflow/mlflow-tracking.ts.
 *
 * Errors answer MLflow's shape `{error_code, message}` (RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE,
 * …); an endpoint sweepq does not implement answers 404 ENDPOINT_NOT_FOUND, as MLflow's server does for
 * an unknown one — never a silent success. Registered in its own context: fastify's JSON parser, and
 * any other body as raw bytes for artefact uploads.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidInputError, SweepqError, httpStatusFor, type ErrorCode } from '../../shared/errors/index.js';
import type { MlflowTracking } from '../../shared/mlflow/mlflow-tracking.js';
import { toSweepqError } from './error-handler.js';

/** The prefixes MLflow clients use: the REST API and the one its web UI calls. */
const PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'];
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';
/** Largest artefact upload (MLflow's proxy has no limit; ours bounds memory, the body is buffered). */
const UPLOAD_LIMIT_BYTES = 256 * 1024 * 1024;

/** sweepq error codes → MLflow's `error_code`. */
const MLFLOW_CODES: Partial<Record<ErrorCode, string>> = {
  NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  LIMIT_EXCEEDED: 'RESOURCE_LIMIT_EXCEEDED',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'PERMISSION_DENIED',
  RATE_LIMITED: 'REQUEST_LIMIT_EXCEEDED',
  CONFLICT: 'INVALID_STATE',
  CANCELLED: 'INVALID_STATE',
  STORE_UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
  INDEX_UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
  TIMEOUT: 'TEMPORARILY_UNAVAILABLE',
  INTERNAL: 'INTERNAL_ERROR',
};

function mlflowCode(code: ErrorCode): string {
  return MLFLOW_CODES[code] ?? (httpStatusFor(code) < 500 ? 'INVALID_PARAMETER_VALUE' : 'INTERNAL_ERROR');
}

/** Sends an error as MLflow does. Server-side failures keep their details in the log only. */
function sendMlflowError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const mapped = toSweepqError(error);
  const status = httpStatusFor(mapped.code);
  if (status >= 500) request.log.error({ err: error, code: mapped.code }, 'MLflow API request failed');
  const message = status >= 500 ? 'internal error; see the scheduler log' : mapped.message;
  if (status === 503) reply.header('retry-after', 1);
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send({ error_code: mlflowCode(mapped.code), message });
}

/** Parses a request part with `schema`; a mismatch is MLflow's INVALID_PARAMETER_VALUE naming the field. */
function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  let data: unknown = value ?? {};
  if (Buffer.isBuffer(data)) {
    try {
      data = data.length === 0 ? {} : (JSON.parse(data.toString('utf8')) as unknown);
    } catch (cause) {
      throw new InvalidInputError('INVALID_ARGUMENT', `the request body is not JSON: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.map(String).join('.') ?? '';
  throw new InvalidInputError('INVALID_ARGUMENT', `Invalid value for parameter '${where}': ${issue?.message ?? 'invalid'}`);
}

/** Query values arrive as text; numbers are parsed where MLflow sends them. */
const intText = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
const KeyValueList = z.array(z.object({ key: z.string(), value: z.string() })).optional();

const RunsSearchBody = z.object({
  experiment_ids: z.array(z.string()).default([]),
  filter: z.string().optional(),
  run_view_type: z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']).optional(),
  max_results: intText.optional(),
  order_by: z.array(z.string()).optional(),
  page_token: z.string().optional(),
});
const ExperimentsSearchBody = z.object({
  max_results: intText.optional(),
  page_token: z.string().optional(),
  filter: z.string().optional(),
  order_by: z.array(z.string()).optional(),
  view_type: z.string().optional(),
});
const CreateRunBody = z.object({
  experiment_id: z.string().optional(),
  user_id: z.string().optional(),
  run_name: z.string().optional(),
  start_time: intText.optional(),
  tags: KeyValueList,
});
const UpdateRunBody = z.object({
  run_id: z.string().optional(),
  run_uuid: z.string().optional(),
  status: z.string().optional(),
  end_time: intText.optional(),
  run_name: z.string().optional(),
});
const MetricBody = z.object({
  key: z.string(),
  value: z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]),
  timestamp: intText.optional(),
  step: intText.optional(),
});
const LogMetricBody = MetricBody.extend({ run_id: z.string().optional(), run_uuid: z.string().optional() });
const LogBatchBody = z.object({ run_id: z.string(), metrics: z.array(MetricBody).optional(), params: KeyValueList, tags: KeyValueList });
const LogParamBody = z.object({ run_id: z.string().optional(), run_uuid: z.string().optional(), key: z.string(), value: z.string() });
const SetTagBody = z.object({ run_id: z.string().optional(), run_uuid: z.string().optional(), key: z.string(), value: z.string() });

function runIdOf(body: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const id = body.run_id ?? body.run_uuid;
  if (id === undefined || id === '') throw new InvalidInputError('INVALID_ARGUMENT', "Missing value for required parameter 'run_id'");
  return id;
}

/** `<experiment id>/<run id>/artifacts/<path>` (what `artifact_uri` + a relative path give) → run and path. */
function artifactTarget(path: string): { runId: string; relPath: string } {
  const parts = path.replace(/^\/+/, '').split('/');
  if (parts.length < 3 || parts[2] !== 'artifacts' || parts[1] === '') {
    throw new SweepqError('NOT_FOUND', `no artifact location '${path.slice(0, 200)}': paths look like <experiment id>/<run id>/artifacts/<file>`);
  }
  return { runId: parts[1]!, relPath: parts.slice(3).join('/') };
}

export function registerMlflowRoutes(app: FastifyInstance, tracking: MlflowTracking): void {
  app.setErrorHandler((error, request, reply) => sendMlflowError(request, reply, error));
  // Every body as bytes: artefact uploads must keep theirs exactly whatever MIME type the client guessed
  // (a .json file arrives as application/json); the API's JSON bodies are parsed by `parse`.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT_BYTES }, (_request, body, done) => done(null, body));

  for (const prefix of PREFIXES) {
    app.get(`${prefix}/experiments/get-by-name`, { config: { role: 'read' } }, async (request) => {
      const q = parse(z.object({ experiment_name: z.string() }), request.query);
      return { experiment: await tracking.experimentByName(q.experiment_name) };
    });
    app.get(`${prefix}/experiments/get`, { config: { role: 'read' } }, async (request) => {
      const q = parse(z.object({ experiment_id: z.string() }), request.query);
      return { experiment: await tracking.experimentById(q.experiment_id) };
    });
    const searchExperiments = async (request: FastifyRequest): Promise<unknown> => {
      const b = parse(ExperimentsSearchBody, request.method === 'GET' ? request.query : request.body);
      if (b.order_by !== undefined && b.order_by.length > 0)
        throw new InvalidInputError('INVALID_ARGUMENT', 'experiments/search orders by name only; leave order_by out');
      const result = await tracking.searchExperiments({
        ...(b.filter === undefined ? {} : { filter: b.filter }),
        ...(b.max_results === undefined ? {} : { maxResults: b.max_results }),
        ...(b.page_token === undefined ? {} : { pageToken: b.page_token }),
      });
      return { experiments: result.experiments, ...(result.nextPageToken === undefined ? {} : { next_page_token: result.nextPageToken }) };
    };
    app.post(`${prefix}/experiments/search`, { config: { role: 'read' } }, searchExperiments);
    app.get(`${prefix}/experiments/search`, { config: { role: 'read' } }, searchExperiments);
    app.post(`${prefix}/experiments/create`, { config: { role: 'write' } }, async (request) => {
      const b = parse(z.object({ name: z.string(), artifact_location: z.string().optional(), tags: KeyValueList }), request.body);
      if (b.artifact_location !== undefined && b.artifact_location !== '')
        throw new InvalidInputError('INVALID_ARGUMENT', 'sweepq keeps artifacts in its own store; leave artifact_location out');
      return { experiment_id: await tracking.createExperiment(b.name) };
    });

    app.post(`${prefix}/runs/search`, { config: { role: 'read' } }, async (request) => {
      const b = parse(RunsSearchBody, request.body);
      const result = await tracking.searchRuns({
        experimentIds: b.experiment_ids,
        ...(b.filter === undefined ? {} : { filter: b.filter }),
        ...(b.order_by === undefined ? {} : { orderBy: b.order_by }),
        ...(b.max_results === undefined ? {} : { maxResults: b.max_results }),
        ...(b.page_token === undefined ? {} : { pageToken: b.page_token }),
        ...(b.run_view_type === undefined ? {} : { runViewType: b.run_view_type }),
      });
      return { runs: result.runs, ...(result.nextPageToken === undefined ? {} : { next_page_token: result.nextPageToken }) };
    });
    app.get(`${prefix}/runs/get`, { config: { role: 'read' } }, async (request) => {
      const q = parse(z.object({ run_id: z.string().optional(), run_uuid: z.string().optional() }), request.query);
      return { run: await tracking.getRun(runIdOf(q)) };
    });
    app.get(`${prefix}/metrics/get-history`, { config: { role: 'read' } }, async (request) => {
      const q = parse(
        z.object({
          run_id: z.string().optional(),
          run_uuid: z.string().optional(),
          metric_key: z.string(),
          max_results: intText.optional(),
          page_token: z.string().optional(),
        }),
        request.query,
      );
      const result = await tracking.metricHistory(runIdOf(q), q.metric_key, {
        ...(q.max_results === undefined ? {} : { maxResults: q.max_results }),
        ...(q.page_token === undefined ? {} : { pageToken: q.page_token }),
      });
      return { metrics: result.metrics, ...(result.nextPageToken === undefined ? {} : { next_page_token: result.nextPageToken }) };
    });
    app.get(`${prefix}/artifacts/list`, { config: { role: 'read' } }, async (request) => {
      const q = parse(z.object({ run_id: z.string().optional(), run_uuid: z.string().optional(), path: z.string().optional() }), request.query);
      const runId = runIdOf(q);
      const run = await tracking.getRun(runId);
      const dir = q.path ?? '';
      const files = await tracking.listArtifacts(runId, dir);
      // This endpoint's paths are relative to the run's root (the proxy's are relative to the folder).
      return { root_uri: run.info.artifact_uri, files: files.map((f) => ({ ...f, path: dir === '' ? f.path : `${dir.replace(/\/+$/, '')}/${f.path}` })) };
    });
    // sweepq has no logged models (MLflow 3): runs:/ URIs resolve to run artefacts, which the client tries after this.
    app.post(`${prefix}/logged-models/search`, { config: { role: 'read' } }, async () => ({ models: [] }));

    app.post(`${prefix}/runs/create`, { config: { role: 'write' } }, async (request) => {
      const b = parse(CreateRunBody, request.body);
      const run = await tracking.createRun({
        ...(b.experiment_id === undefined ? {} : { experimentId: b.experiment_id }),
        ...(b.run_name === undefined ? {} : { runName: b.run_name }),
        ...(b.start_time === undefined ? {} : { startTime: b.start_time }),
        tags: [...(b.tags ?? []), ...(b.user_id === undefined || b.user_id === '' ? [] : [{ key: 'mlflow.user', value: b.user_id }])],
      });
      return { run };
    });
    app.post(`${prefix}/runs/update`, { config: { role: 'write' } }, async (request) => {
      const b = parse(UpdateRunBody, request.body);
      const run = await tracking.updateRun({
        runId: runIdOf(b),
        ...(b.status === undefined ? {} : { status: b.status }),
        ...(b.end_time === undefined ? {} : { endTime: b.end_time }),
        ...(b.run_name === undefined ? {} : { runName: b.run_name }),
      });
      return { run_info: run.info };
    });
    app.post(`${prefix}/runs/log-metric`, { config: { role: 'write' } }, async (request) => {
      const b = parse(LogMetricBody, request.body);
      await tracking.logBatch(runIdOf(b), { metrics: [b] });
      return {};
    });
    app.post(`${prefix}/runs/log-parameter`, { config: { role: 'write' } }, async (request) => {
      const b = parse(LogParamBody, request.body);
      await tracking.logBatch(runIdOf(b), { params: [{ key: b.key, value: b.value }] });
      return {};
    });
    app.post(`${prefix}/runs/set-tag`, { config: { role: 'write' } }, async (request) => {
      const b = parse(SetTagBody, request.body);
      await tracking.logBatch(runIdOf(b), { tags: [{ key: b.key, value: b.value }] });
      return {};
    });
    app.post(`${prefix}/runs/log-batch`, { config: { role: 'write' } }, async (request) => {
      const b = parse(LogBatchBody, request.body);
      await tracking.logBatch(b.run_id, {
        ...(b.metrics === undefined ? {} : { metrics: b.metrics }),
        ...(b.params === undefined ? {} : { params: b.params }),
        ...(b.tags === undefined ? {} : { tags: b.tags }),
      });
      return {};
    });
    // Everything else MLflow has: refused as MLflow refuses an endpoint it does not know.
    app.all(`${prefix}/*`, { config: { role: 'read' } }, async (request, reply) =>
      reply.status(404).send({
        error_code: 'ENDPOINT_NOT_FOUND',
        message: `sweepq does not implement ${request.method} ${request.url.split('?')[0] ?? ''} of the MLflow API (see README: Use sweepq from MLflow)`,
      }),
    );
  }

  // What MLflow 3 clients ask before artefact transfers: no multipart, no workspaces.
  app.get('/api/3.0/mlflow/server-info', { config: { role: 'read' } }, async () => ({
    store_type: 'sweepq',
    workspaces_enabled: false,
    multipart_uploads_enabled: false,
    multipart_downloads_enabled: false,
  }));
  app.all('/api/3.0/mlflow/*', { config: { role: 'read' } }, async (request, reply) =>
    reply
      .status(404)
      .send({ error_code: 'ENDPOINT_NOT_FOUND', message: `sweepq does not implement ${request.method} ${request.url.split('?')[0] ?? ''} of the MLflow API` }),
  );

  // The artifact proxy: list with ?path=, GET a file, PUT a file. Artefacts embed training data: never anonymous.
  app.get(ARTIFACTS, { config: { role: 'read', sensitive: true } }, async (request) => {
    const q = parse(z.object({ path: z.string().optional() }), request.query);
    const { runId, relPath } = artifactTarget(q.path ?? '');
    return { files: await tracking.listArtifacts(runId, relPath) };
  });
  app.get(`${ARTIFACTS}/*`, { config: { role: 'read', sensitive: true } }, async (request, reply) => {
    const { runId, relPath } = artifactTarget((request.params as { '*': string })['*']);
    const bytes = await tracking.readArtifact(runId, relPath);
    return reply.type('application/octet-stream').send(bytes);
  });
  app.put(`${ARTIFACTS}/*`, { config: { role: 'write' }, bodyLimit: UPLOAD_LIMIT_BYTES }, async (request) => {
    const { runId, relPath } = artifactTarget((request.params as { '*': string })['*']);
    const body = request.body;
    await tracking.writeArtifact(runId, relPath, Buffer.isBuffer(body) ? body : Buffer.alloc(0));
    return {};
  });
}
