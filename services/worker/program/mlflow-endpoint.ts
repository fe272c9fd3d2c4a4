/**
 * The MLflow tracking endpoint of one program-trial attempt (issue 14): a script already instrumented
 * with MLflow (`mlflow.log_metric`, `log_param`, `set_tag`, `log_artifact`) runs unchanged and reports
 * into its trial. The program gets `MLFLOW_TRACKING_URI` = this endpoint and `MLFLOW_RUN_ID` = its
 * trial id; the MLflow client resumes that run and sends its writes here.
 *
 * Why a per-attempt endpoint in the worker and not the scheduler's MLflow API with a token: the
 * program's environment then holds no credential at all. The endpoint listens on loopback only, under
 * a random path (the URI is the capability, 128 bits), accepts writes for its one run only, and is
 * closed before the attempt commits — so a superseded or finished attempt's writes are refused exactly
 * like its late `sweepq report` lines. Metrics go through {@link TrialReports}, the same path as JSON-line
 * reports (histories, last value = the trial's metric, the pruner); artefacts land in the attempt's
 * SWEEPQ_ARTIFACT_DIR (the run's `artifact_uri` is that folder), which the worker uploads as usual.
 *
 * Served: runs/get, runs/update, runs/log-metric, runs/log-batch, runs/log-parameter, runs/set-tag.
 * Anything else answers MLflow's 404 ENDPOINT_NOT_FOUND (never a silent success) and is counted as a
 * rejected report, so the trial record says which call a script made that sweepq does not take.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { METRIC_NAME_PATTERN } from '../../../shared/metrics/metric-registry.js';
import type { TrialReports } from './trial-reports.js';

/** Largest request body (a log-batch holds at most 1,000 metrics in MLflow's own limits). */
const MAX_BODY_BYTES = 1024 * 1024;
/** Params and tags kept per run, and longest value (MLflow's own bound on a param value). */
const MAX_KEY_VALUES = 200;
const MAX_VALUE_LENGTH = 6000;
const API_PREFIXES = ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/'];

export interface MlflowEndpointRun {
  /** The trial id: the run id the program's MLflow client resumes. */
  runId: string;
  runName: string;
  startedAt: number;
  artifactDir: string;
}

/** MLflow sends NaN and infinities as strings (proto JSON); they are "no value" in a report. */
const MetricValue = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]).transform((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
const MetricBody = z.object({
  key: z.string(),
  value: MetricValue,
  step: z
    .union([
      z.number(),
      z
        .string()
        .regex(/^-?\d+$/)
        .transform(Number),
    ])
    .optional(),
});
const KeyValue = z.object({ key: z.string().min(1).max(250), value: z.string().max(MAX_VALUE_LENGTH) });
const LogBatchBody = z.object({
  metrics: z.array(MetricBody).max(1000).optional(),
  params: z.array(KeyValue).max(100).optional(),
  tags: z.array(KeyValue).max(100).optional(),
});

class EndpointError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export class MlflowEndpoint {
  /** Params and tags the program logged (kept on the trial record). */
  readonly params: Record<string, string> = {};
  readonly tags: Record<string, string> = {};
  private readonly connections = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly secret: string,
    private readonly run: MlflowEndpointRun,
    private readonly reports: TrialReports,
  ) {}

  /** Starts the endpoint on a free loopback port. */
  static async start(run: MlflowEndpointRun, reports: TrialReports): Promise<MlflowEndpoint> {
    const secret = randomBytes(16).toString('hex');
    const server = createServer();
    const endpoint = new MlflowEndpoint(server, secret, run, reports);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void endpoint.handle(request, response));
    server.on('connection', (socket: Socket) => {
      endpoint.connections.add(socket);
      socket.once('close', () => endpoint.connections.delete(socket));
    });
    await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject));
    return endpoint;
  }

  /** What the program gets as MLFLOW_TRACKING_URI. */
  get trackingUri(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${this.secret}`;
  }

  /** True when the program logged params or tags (only then are they stored). */
  get logged(): boolean {
    return Object.keys(this.params).length > 0 || Object.keys(this.tags).length > 0;
  }

  /** Refuses every later write: the attempt is over (open connections are cut, not drained). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const prefix = `/${this.secret}`;
      // Without the secret path nothing is revealed, not even that this is an MLflow endpoint.
      if (!url.pathname.startsWith(`${prefix}/`)) throw new EndpointError(404, 'ENDPOINT_NOT_FOUND', 'not found');
      const route = url.pathname.slice(prefix.length);
      const api = API_PREFIXES.find((p) => route.startsWith(p));
      const name = api === undefined ? route : route.slice(api.length);
      const body = request.method === 'POST' ? await readJson(request) : {};
      const answer = this.route(api === undefined ? null : `${request.method ?? 'GET'} ${name}`, url.searchParams, body, route);
      send(response, 200, answer);
    } catch (error) {
      if (error instanceof EndpointError) send(response, error.status, { error_code: error.errorCode, message: error.message });
      else send(response, 500, { error_code: 'INTERNAL_ERROR', message: 'internal error of the trial endpoint' });
    }
  }

  private route(call: string | null, query: URLSearchParams, body: Record<string, unknown>, route: string): unknown {
    switch (call) {
      case 'GET runs/get':
        this.checkRun(query.get('run_id') ?? query.get('run_uuid'));
        return { run: this.runJson() };
      case 'POST runs/update':
        // The trial's status is the worker's to decide (exit code, objective reported); the client's is accepted and ignored.
        this.checkRun(body.run_id ?? body.run_uuid);
        return { run_info: this.runJson().info };
      case 'POST runs/log-metric':
        this.checkRun(body.run_id ?? body.run_uuid);
        this.metric(parseBody(MetricBody, body));
        return {};
      case 'POST runs/log-parameter':
        this.checkRun(body.run_id ?? body.run_uuid);
        this.keep(this.params, parseBody(KeyValue, body));
        return {};
      case 'POST runs/set-tag':
        this.checkRun(body.run_id ?? body.run_uuid);
        this.keep(this.tags, parseBody(KeyValue, body));
        return {};
      case 'POST runs/log-batch': {
        this.checkRun(body.run_id);
        const batch = parseBody(LogBatchBody, body);
        for (const metric of batch.metrics ?? []) this.metric(metric);
        for (const param of batch.params ?? []) this.keep(this.params, param);
        for (const tag of batch.tags ?? []) this.keep(this.tags, tag);
        return {};
      }
      default:
        this.reports.reject('an MLflow call sweepq does not take from program trials', route);
        throw new EndpointError(
          404,
          'ENDPOINT_NOT_FOUND',
          `${route} is not served to program trials (sweepq takes runs/get, runs/update, runs/log-metric, runs/log-batch, runs/log-parameter, runs/set-tag and log_artifact into the trial's run)`,
        );
    }
  }

  private checkRun(runId: unknown): void {
    if (runId !== this.run.runId) {
      throw new EndpointError(
        403,
        'PERMISSION_DENIED',
        `this program trial may only write to its own run ${this.run.runId} (MLFLOW_RUN_ID), not ${JSON.stringify(runId)}`,
      );
    }
  }

  /** A metric is a report like a JSON line; a name sweepq cannot index is counted, not fatal to the script. */
  private metric(metric: z.output<typeof MetricBody>): void {
    if (!METRIC_NAME_PATTERN.test(metric.key)) {
      this.reports.reject('an MLflow metric name must be lowercase letters, digits and _ starting with a letter', metric.key);
      return;
    }
    if (metric.step !== undefined && (!Number.isSafeInteger(metric.step) || metric.step < 0)) {
      this.reports.reject(`the step of ${metric.key} must be a whole number ≥ 0`, String(metric.step));
      return;
    }
    this.reports.add({ metric: metric.key, value: metric.value, step: metric.step });
  }

  private keep(into: Record<string, string>, entry: { key: string; value: string }): void {
    if (!Object.hasOwn(into, entry.key) && Object.keys(into).length >= MAX_KEY_VALUES)
      throw new EndpointError(400, 'RESOURCE_LIMIT_EXCEEDED', `more than ${MAX_KEY_VALUES} params or tags in one trial`);
    into[entry.key] = entry.value;
  }

  private runJson(): { info: Record<string, unknown>; data: Record<string, unknown>; inputs: Record<string, unknown> } {
    const metrics: Array<{ key: string; value: number | string; timestamp: number; step: number }> = [];
    for (const [key, history] of this.reports.histories) {
      const points = history.toJSON();
      const last = points[points.length - 1];
      metrics.push({ key, value: history.last ?? 'NaN', timestamp: Date.now(), step: last?.[0] ?? 0 });
    }
    const keyValues = (from: Record<string, string>) => Object.entries(from).map(([key, value]) => ({ key, value }));
    return {
      info: {
        run_id: this.run.runId,
        run_uuid: this.run.runId,
        run_name: this.run.runName,
        // MLflow's default experiment: the trial's experiment id lives with the scheduler, not the worker.
        experiment_id: '0',
        user_id: '',
        status: 'RUNNING',
        start_time: this.run.startedAt,
        artifact_uri: pathToFileURL(this.run.artifactDir).href,
        lifecycle_stage: 'active',
      },
      data: { metrics, params: keyValues(this.params), tags: keyValues(this.tags) },
      inputs: {},
    };
  }
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new EndpointError(
    400,
    'INVALID_PARAMETER_VALUE',
    `Invalid value for parameter '${issue?.path.map(String).join('.') ?? ''}': ${issue?.message ?? 'invalid'}`,
  );
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new EndpointError(413, 'RESOURCE_LIMIT_EXCEEDED', `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new EndpointError(400, 'MALFORMED_REQUEST', 'the request body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new EndpointError(400, 'MALFORMED_REQUEST', 'the request body is not a JSON object');
  return value as Record<string, unknown>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
