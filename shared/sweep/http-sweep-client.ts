/**
 * SweepClient over the scheduler's HTTP API (CLI with SWEEPQ_API_URL). Every response is parsed with
 * the same zod schemas the server answers with — the network is a trust boundary — and error bodies
 * are turned back into SweepqError with the server's code, so `sweepq` exits with the same code
 * (2 for INVALID_*) whether it talks to Redis directly or through the API.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import { ERROR_CODES, SweepqError, type ErrorCode, type ErrorLocation } from '../errors/index.js';
import {
  ApiErrorBodySchema,
  ApiRoleSchema,
  DatasetUploadResultSchema,
  LoginLinkSchema,
  ExperimentListSchema,
  RetryResultSchema,
  DeletionReportSchema,
  SubmitResultSchema,
  SweepListSchema,
  TrialPageSchema,
  WorkerListSchema,
} from '../schemas/api.schema.js';
import { SweepStatusSchema, type ExperimentSummary, type SweepStatus, type SweepSummary } from '../schemas/sweep-status.schema.js';
import { TagsResultSchema, type TagChange } from '../schemas/tags.schema.js';
import { TrialIdSchema, TrialRecordSchema, type TrialRecord } from '../schemas/trial.schema.js';
import type { WorkerInfo } from '../schemas/worker.schema.js';
import type { DeletionReport } from './sweep-deletion.js';
import { BundleManifestSchema, type LocalBundle } from '../program/program-bundle.js';
import { BundleOfferSchema } from '../schemas/bundle-api.schema.js';
import type { SubmitResult, SweepClient, TrialPage, TrialQuery } from './sweep-client.js';

export interface HttpSweepClientOptions {
  /** API root, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** Write token (SWEEPQ_API_TOKEN): sent on writes, and on reads when there is no read token. */
  token?: string | undefined;
  /** Read token (SWEEPQ_API_READ_TOKEN): sent on reads; on writes only when there is no write token (→ 403). */
  readToken?: string | undefined;
  /** Per-request timeout; default 30 s. Artefact downloads use the same budget. */
  timeoutMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Slowest upload rate a dataset upload is given time for: 1 MiB/s. */
const MIN_UPLOAD_BYTES_PER_MS = 1048.576;

function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

export class HttpSweepClient implements SweepClient {
  private readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly readToken: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: HttpSweepClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch (cause) {
      throw new SweepqError('INVALID_ARGUMENT', `SWEEPQ_API_URL is not a valid URL: ${options.baseUrl}`, { cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SweepqError('INVALID_ARGUMENT', `SWEEPQ_API_URL must be an http(s) URL, got ${url.protocol}`);
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.token = options.token === undefined || options.token === '' ? undefined : options.token;
    this.readToken = options.readToken === undefined || options.readToken === '' ? undefined : options.readToken;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Streams a local data file to `POST /datasets` (never held whole in memory). The request's time
   * budget grows with the file: the configured timeout, or 1 MiB/s, whichever is longer.
   */
  async uploadDatasetFile(file: string): Promise<{ sha256: string }> {
    const size = (await stat(file)).size;
    return this.upload(createReadStream(file), size);
  }

  /** Streams `body` to `POST /datasets`; the server enforces its own limit (`limitBytes` is the caller's). */
  async uploadDatasetStream(body: Readable, limitBytes: number): Promise<{ sha256: string }> {
    return this.upload(body, undefined, limitBytes);
  }

  private async upload(stream: Readable, size: number | undefined, expectedMax?: number): Promise<{ sha256: string }> {
    const budgetBytes = size ?? expectedMax ?? 0;
    const res = await this.request('POST', '/datasets', {
      body: Readable.toWeb(stream) as ReadableStream<Uint8Array>,
      contentType: 'application/octet-stream',
      ...(size === undefined ? {} : { contentLength: size }),
      timeoutMs: Math.max(this.timeoutMs, Math.ceil(budgetBytes / MIN_UPLOAD_BYTES_PER_MS)),
    });
    return this.parse(DatasetUploadResultSchema, await this.json(res));
  }

  /**
   * Uploads a program bundle: offers its manifest, streams the file contents the server lacks (none
   * when the bundle is stored already), then offers it again, which stores it.
   */
  async uploadBundle(bundle: LocalBundle): Promise<void> {
    const offer = async () => {
      const res = await this.request('POST', '/bundles', { body: JSON.stringify({ manifest: bundle.manifest }), contentType: 'application/json' });
      const answer = this.parse(BundleOfferSchema, await this.json(res));
      if (answer.sha256 !== bundle.sha256) throw new SweepqError('INTERNAL', `the server computed bundle id ${answer.sha256}, expected ${bundle.sha256}`);
      return answer;
    };
    const first = await offer();
    if (first.stored) return;
    const { files } = BundleManifestSchema.parse(JSON.parse(bundle.manifest));
    const missing = new Set(first.missing);
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      if (!missing.delete(file.sha256)) continue;
      const size = (await stat(bundle.sources[i]!)).size;
      await this.request('PUT', `/bundles/blobs/${file.sha256}`, {
        body: Readable.toWeb(createReadStream(bundle.sources[i]!)) as ReadableStream<Uint8Array>,
        contentType: 'application/octet-stream',
        contentLength: size,
        timeoutMs: Math.max(this.timeoutMs, Math.ceil(size / MIN_UPLOAD_BYTES_PER_MS)),
      });
    }
    const second = await offer();
    if (!second.stored)
      throw new SweepqError('CONFLICT', `the server still lacks ${second.missing.length} file(s) of the bundle (were they deleted meanwhile?); submit again`);
  }

  async submit(spec: unknown): Promise<SubmitResult> {
    const res = await this.request('POST', '/sweeps', { body: JSON.stringify(spec), contentType: 'application/json' });
    return this.parse(SubmitResultSchema, await this.json(res));
  }

  async extend(sweepId: string, spec: unknown): Promise<SubmitResult> {
    const res = await this.request('POST', `/sweeps/${encodeURIComponent(sweepId)}/trials`, {
      body: JSON.stringify(spec),
      contentType: 'application/json',
    });
    return this.parse(SubmitResultSchema, await this.json(res));
  }

  async listSweeps(options: { experiment?: string; limit?: number; offset?: number } = {}): Promise<SweepSummary[]> {
    const query = new URLSearchParams();
    if (options.experiment !== undefined) query.set('experiment', options.experiment);
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.offset !== undefined) query.set('offset', String(options.offset));
    const res = await this.request('GET', `/sweeps${suffix(query)}`);
    return this.parse(SweepListSchema, await this.json(res)).sweeps;
  }

  async status(sweepId: string): Promise<SweepStatus> {
    const res = await this.request('GET', `/sweeps/${encodeURIComponent(sweepId)}`);
    return this.parse(SweepStatusSchema, await this.json(res));
  }

  async listExperiments(options: { limit?: number; offset?: number } = {}): Promise<ExperimentSummary[]> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.offset !== undefined) query.set('offset', String(options.offset));
    const res = await this.request('GET', `/experiments${suffix(query)}`);
    return this.parse(ExperimentListSchema, await this.json(res)).experiments;
  }

  async trials(sweepId: string, query: TrialQuery = {}): Promise<TrialPage> {
    const res = await this.request('GET', `/sweeps/${encodeURIComponent(sweepId)}/trials${suffix(trialParams(query))}`);
    return this.parse(TrialPageSchema, await this.json(res));
  }

  async experimentTrials(experiment: string, query: TrialQuery = {}): Promise<TrialPage> {
    const res = await this.request('GET', `/experiments/${encodeURIComponent(experiment)}/trials${suffix(trialParams(query))}`);
    return this.parse(TrialPageSchema, await this.json(res));
  }

  async workers(): Promise<WorkerInfo[]> {
    const res = await this.request('GET', '/workers');
    return this.parse(WorkerListSchema, await this.json(res)).workers;
  }

  async best(sweepId: string, metric?: string): Promise<TrialRecord> {
    const params = new URLSearchParams();
    if (metric !== undefined) params.set('metric', metric);
    const res = await this.request('GET', `/sweeps/${encodeURIComponent(sweepId)}/best${suffix(params)}`);
    return this.parse(TrialRecordSchema, await this.json(res));
  }

  async artifact(sweepId: string, trialId: string): Promise<Buffer> {
    const res = await this.request('GET', `/sweeps/${encodeURIComponent(sweepId)}/trials/${encodeURIComponent(trialId)}/artifact`);
    return Buffer.from(await this.read(res, () => res.arrayBuffer()));
  }

  async cancel(sweepId: string): Promise<SweepStatus> {
    const res = await this.request('POST', `/sweeps/${encodeURIComponent(sweepId)}/cancel`);
    return this.parse(SweepStatusSchema, await this.json(res));
  }

  async retry(sweepId: string): Promise<{ requeued: number }> {
    const res = await this.request('POST', `/sweeps/${encodeURIComponent(sweepId)}/retry`);
    return this.parse(RetryResultSchema, await this.json(res));
  }

  async delete(sweepId: string): Promise<DeletionReport> {
    const res = await this.request('DELETE', `/sweeps/${encodeURIComponent(sweepId)}`);
    return this.parse(DeletionReportSchema, await this.json(res));
  }

  async tag(id: string, change: TagChange): Promise<{ tags: Record<string, string> }> {
    const at = id.lastIndexOf('-t');
    const path = TrialIdSchema.safeParse(id).success
      ? `/sweeps/${encodeURIComponent(id.slice(0, at))}/trials/${encodeURIComponent(id)}/tags`
      : `/sweeps/${encodeURIComponent(id)}/tags`;
    const res = await this.request('POST', path, { body: JSON.stringify(change), contentType: 'application/json' });
    return this.parse(TagsResultSchema, await this.json(res));
  }

  /**
   * A one-time login link for a browser (`sweepq ui`): opening it gives a session of `role` (default:
   * the role of the token sent) and lands on the dashboard.
   */
  async createLoginLink(role?: z.infer<typeof ApiRoleSchema>): Promise<z.infer<typeof LoginLinkSchema>> {
    const res = await this.request('POST', '/auth/login-links', { body: JSON.stringify(role === undefined ? {} : { role }), contentType: 'application/json' });
    return this.parse(LoginLinkSchema, await this.json(res));
  }

  /** Nothing to release: fetch keeps no per-client connection pool we own. */
  async close(): Promise<void> {}

  private async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { body?: string | Buffer | ReadableStream<Uint8Array>; contentType?: string; contentLength?: number; timeoutMs?: number } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = method === 'GET' ? (this.readToken ?? this.token) : (this.token ?? this.readToken);
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    if (options.contentLength !== undefined) headers['content-length'] = String(options.contentLength);
    const body = options.body;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        // A Buffer is not a BodyInit in the DOM typings; a copy into a plain Uint8Array is (one copy of
        // a size-limited upload). A stream is sent as it is read (undici needs duplex: 'half').
        ...(body === undefined
          ? {}
          : body instanceof ReadableStream
            ? { body, duplex: 'half' }
            : { body: typeof body === 'string' ? body : new Uint8Array(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs),
      } as RequestInit);
    } catch (cause) {
      throw this.transportError(cause, method, path);
    }
    if (!res.ok) throw await this.errorFrom(res);
    return res;
  }

  private async json(res: Response): Promise<unknown> {
    const text = await this.read(res, () => res.text());
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new SweepqError('INTERNAL', `the sweepq API returned a response that is not JSON (HTTP ${res.status})`, { cause });
    }
  }

  /** Reads a body; the timeout signal also covers the body, so a stalled download ends as TIMEOUT. */
  private async read<T>(res: Response, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (cause) {
      throw this.transportError(cause, 'GET', new URL(res.url).pathname);
    }
  }

  private parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
    const result = schema.safeParse(value);
    if (!result.success) {
      throw new SweepqError('INTERNAL', 'the sweepq API returned a response that does not match its schema', {
        details: result.error.issues,
      });
    }
    return result.data;
  }

  private async errorFrom(res: Response): Promise<SweepqError> {
    let body: unknown;
    try {
      body = JSON.parse(await res.text()) as unknown;
    } catch {
      body = undefined;
    }
    const parsed = ApiErrorBodySchema.safeParse(body);
    if (!parsed.success) {
      const code: ErrorCode =
        res.status === 401
          ? 'UNAUTHORIZED'
          : res.status === 403
            ? 'FORBIDDEN'
            : res.status === 404
              ? 'NOT_FOUND'
              : res.status === 413
                ? 'PAYLOAD_TOO_LARGE'
                : res.status === 429
                  ? 'RATE_LIMITED'
                  : 'INTERNAL';
      return new SweepqError(code, `the sweepq API answered HTTP ${res.status} ${res.statusText}`.trim());
    }
    const { code, message, location, details } = parsed.data.error;
    return new SweepqError(isErrorCode(code) ? code : 'INTERNAL', message, {
      ...(location === undefined ? {} : { location: stripUndefined(location) }),
      ...(details === undefined ? {} : { details }),
    });
  }

  private transportError(cause: unknown, method: string, path: string): SweepqError {
    const name = cause instanceof Error ? cause.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new SweepqError('TIMEOUT', `the sweepq API did not answer ${method} ${path} within ${this.timeoutMs} ms`, { cause });
    }
    // fetch reports refused connections, DNS failures and resets as a TypeError whose cause holds the
    // system error; the message names the URL only (never the token).
    return new SweepqError('INDEX_UNAVAILABLE', `cannot reach the sweepq API at ${this.baseUrl}`, { cause });
  }
}

/** A trial query as the query string of `GET …/trials`. */
function trialParams(query: TrialQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.filter !== undefined) params.set('filter', query.filter);
  for (const key of query.orderBy ?? []) params.append('order_by', key);
  if (query.sort !== undefined) params.set('sort', query.sort);
  if (query.status !== undefined) params.set('status', query.status);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.offset !== undefined) params.set('offset', String(query.offset));
  return params;
}

function suffix(params: URLSearchParams): string {
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function stripUndefined(location: {
  path?: string | undefined;
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}): ErrorLocation {
  const out: ErrorLocation = {};
  if (location.path !== undefined) out.path = location.path;
  if (location.file !== undefined) out.file = location.file;
  if (location.line !== undefined) out.line = location.line;
  if (location.column !== undefined) out.column = location.column;
  return out;
}
