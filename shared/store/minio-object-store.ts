/**
 * ObjectStore on MinIO / S3 through the `minio` client (v8).
 *
 * Every call is bounded by a per-attempt *idle* timeout — no byte sent or received for
 * `requestTimeoutMs` — and retried with exponential backoff on transient
 * failures until a total deadline (default 60 s, so a MinIO restart of ~10 s is ridden out). Transient
 * vs permanent is decided by error types and codes only, never by message text. Two client quirks shape
 * the design:
 * - minio-js turns 408/429/5xx responses into a plain `Error` whose only information is its message
 *   (`internal/request.ts`, `requestWithRetry`). A wrapping transport therefore fails such responses
 *   itself with a typed {@link TransientHttpStatusError} before the client sees them, and the client's
 *   own retry (which also `console.warn`s) is disabled.
 * - The client has no per-request timeout or AbortSignal. The transport takes the signal of the current
 *   attempt from an AsyncLocalStorage, so a timed-out attempt really aborts its socket.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Client, S3Error, type ClientOptions } from 'minio';
import type { Logger } from 'pino';
import { SweepqError } from '../errors/index.js';
import { assertObjectKey } from './object-key.js';
import type { GroupObject, ObjectStore, PutOptions } from './object-store.js';

/** Options of {@link MinioObjectStore}. */
export interface MinioObjectStoreOptions {
  /** `http(s)://host[:port]`, e.g. `http://127.0.0.1:9000`. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Default `us-east-1`. Given explicitly so the client never issues a region lookup request. */
  region?: string;
  /**
   * Idle bound of one attempt, default 10000 ms: the attempt fails when no byte moved for this long.
   * An idle timeout, not a total one, so a large artefact on a slow link is stored, and a stalled
   * connection is still noticed quickly.
   */
  requestTimeoutMs?: number;
  /**
   * Time after which no new attempt starts, default 60000 ms; a call thus ends within
   * `retryDeadlineMs + requestTimeoutMs`.
   */
  retryDeadlineMs?: number;
  /** First backoff delay, default 100 ms; doubles per attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  /** Backoff ceiling, default 2000 ms: short, so recovery is noticed quickly. */
  maxBackoffMs?: number;
  logger?: Logger;
}

/** An HTTP status that S3 clients conventionally retry (408, 429, 5xx), raised by our transport. */
export class TransientHttpStatusError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number) {
    super(`Object store answered HTTP ${statusCode}`);
    this.name = 'TransientHttpStatusError';
    this.statusCode = statusCode;
  }
}

/** One attempt ran longer than `requestTimeoutMs`. */
export class StoreTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Object store call made no progress for ${timeoutMs} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** Node socket / DNS errors worth retrying: the server is restarting, overloaded or not resolvable yet. */
const TRANSIENT_SYSTEM_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** S3 error codes that mean "try again" (the server's state, not the request, is the problem). */
const TRANSIENT_S3_CODES: ReadonlySet<string> = new Set([
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'RequestTimeout',
  'OperationTimedOut',
  'XMinioServerNotInitialized',
  'XMinioReadQuorum',
  'XMinioWriteQuorum',
  'XMinioBackendDown',
]);

const RETRYABLE_HTTP_STATUS: ReadonlySet<number> = new Set([408, 429, 499, 500, 502, 503, 504, 520]);

/** S3 codes meaning the object is absent (`NotFound` is what HEAD yields: it has no body). */
const MISSING_S3_CODES: ReadonlySet<string> = new Set(['NoSuchKey', 'NotFound']);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Transient = worth another attempt. Decided by class and code only. */
export function isTransientStoreError(error: unknown): boolean {
  if (error instanceof TransientHttpStatusError || error instanceof StoreTimeoutError) return true;
  const code = errorCode(error);
  if (code === undefined) return false;
  if (error instanceof S3Error) return TRANSIENT_S3_CODES.has(code);
  return TRANSIENT_SYSTEM_CODES.has(code);
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return error instanceof S3Error && code !== undefined && MISSING_S3_CODES.has(code);
}

interface AttemptContext {
  signal: AbortSignal;
  /** The sockets of the attempt's requests, with their byte counters when the attempt got them (keep-alive sockets arrive used). */
  sockets: Map<import('node:net').Socket, { read: number; flushed: number }>;
}

/**
 * An `http`/`https` look-alike for the minio client: attaches the current attempt's AbortSignal and
 * turns retryable HTTP statuses into a typed error (draining the body so keep-alive sockets stay usable).
 */
function createTransport(base: typeof http | typeof https, attempts: AsyncLocalStorage<AttemptContext>): ClientOptions['transport'] {
  const request = (options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest => {
    const context = attempts.getStore();
    const req = base.request(context === undefined ? options : { ...options, signal: context.signal }, (res) => {
      const status = res.statusCode ?? 0;
      if (RETRYABLE_HTTP_STATUS.has(status)) {
        res.resume();
        req.emit('error', new TransientHttpStatusError(status));
        return;
      }
      callback?.(res);
    });
    // Progress is read off the socket's byte counters (listening to the body would consume it).
    if (context !== undefined) {
      req.on('socket', (socket) => {
        if (!context.sockets.has(socket)) context.sockets.set(socket, { read: socket.bytesRead, flushed: socket.bytesWritten - socket.writableLength });
      });
    }
    return req;
  };
  return { request } as unknown as ClientOptions['transport'];
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Slowest link an upload is allowed before a pending write counts as stalled: 256 KB/s. */
const FLOOR_BYTES_PER_MS = 256;

export class MinioObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  private readonly client: Client;
  private readonly agent: http.Agent;
  private readonly attempts = new AsyncLocalStorage<AttemptContext>();
  private readonly requestTimeoutMs: number;
  private readonly retryDeadlineMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly region: string;
  private readonly logger: Logger | undefined;

  constructor(options: MinioObjectStoreOptions) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch (error) {
      throw new SweepqError('INVALID_ARGUMENT', `Invalid S3 endpoint ${JSON.stringify(options.endpoint)}`, { cause: error });
    }
    const useSSL = url.protocol === 'https:';
    this.bucket = options.bucket;
    this.region = options.region ?? 'us-east-1';
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.retryDeadlineMs = options.retryDeadlineMs ?? 60_000;
    this.initialBackoffMs = options.initialBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 2000;
    this.logger = options.logger;
    this.agent = useSSL ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.client = new Client({
      endPoint: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? (useSSL ? 443 : 80) : Number(url.port),
      useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: this.region,
      pathStyle: true,
      transport: createTransport(useSSL ? https : http, this.attempts),
      transportAgent: this.agent,
      retryOptions: { disableRetry: true },
    });
  }

  /** Creates the bucket unless it exists; two processes racing to create it both succeed. */
  async ensureReady(): Promise<void> {
    await this.call('ensureReady', this.bucket, async () => {
      if (await this.client.bucketExists(this.bucket)) return;
      try {
        await this.client.makeBucket(this.bucket, this.region);
      } catch (error) {
        const code = errorCode(error);
        if (error instanceof S3Error && (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists')) return;
        throw error;
      }
    });
  }

  async put(key: string, body: Buffer | string, options?: PutOptions): Promise<void> {
    assertObjectKey(key);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const metadata = { 'Content-Type': options?.contentType ?? 'application/octet-stream' };
    await this.call('put', key, async () => {
      await this.client.putObject(this.bucket, key, bytes, bytes.length, metadata);
    });
  }

  async putGroup(objects: readonly GroupObject[]): Promise<void> {
    // Each PUT is durable when it answers: the group's uploads only overlap.
    await Promise.all(objects.map((o) => this.put(o.key, o.body, { ...(o.contentType === undefined ? {} : { contentType: o.contentType }) })));
  }

  async putFile(key: string, file: string, options?: PutOptions): Promise<void> {
    assertObjectKey(key);
    const metadata = { 'Content-Type': options?.contentType ?? 'application/octet-stream' };
    // A fresh stream per attempt: a retried upload starts from the file's beginning.
    await this.call('put', key, async () => {
      const size = (await stat(file)).size;
      await this.client.putObject(this.bucket, key, createReadStream(file), size, metadata);
    });
  }

  async getToFile(key: string, file: string): Promise<void> {
    assertObjectKey(key);
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await this.call('get', key, async () => {
        try {
          const stream = await this.client.getObject(this.bucket, key);
          await pipeline(stream, createWriteStream(temp));
        } catch (error) {
          if (isMissing(error)) throw new SweepqError('NOT_FOUND', `Object not found: ${key}`);
          throw error;
        }
      });
      await rename(temp, file);
    } finally {
      await rm(temp, { force: true });
    }
  }

  async get(key: string): Promise<Buffer> {
    assertObjectKey(key);
    return this.call('get', key, async () => {
      try {
        return await readAll(await this.client.getObject(this.bucket, key));
      } catch (error) {
        if (isMissing(error)) throw new SweepqError('NOT_FOUND', `Object not found: ${key}`);
        throw error;
      }
    });
  }

  async exists(key: string): Promise<boolean> {
    assertObjectKey(key);
    return this.call('exists', key, async () => {
      try {
        await this.client.statObject(this.bucket, key);
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    });
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    // S3 DELETE of a missing key succeeds, so a retried delete is harmless.
    await this.call('delete', key, () => this.client.removeObject(this.bucket, key));
  }

  async deleteFolder(folder: string): Promise<number> {
    assertObjectKey(folder);
    const prefix = `${folder}/`;
    let deleted = 0;
    // One page listed, then removed (≤ 1,000 keys, one multi-object DELETE), until the listing is empty:
    // each round starts from scratch, so a retried or interrupted round never skips a key.
    for (;;) {
      const page = await this.call('list', prefix, () => this.client.listObjectsV2Query(this.bucket, prefix, '', '', 1000, ''));
      const names = page.objects.map((o) => o.name).filter((name): name is string => typeof name === 'string');
      if (names.length === 0) return deleted;
      const results = await this.call('delete', prefix, () => this.client.removeObjects(this.bucket, names));
      const failed = results.find((r) => r?.Error !== undefined);
      if (failed?.Error !== undefined)
        throw new SweepqError(
          'STORE_UNAVAILABLE',
          `Object store could not delete ${failed.Error.Key ?? prefix}: ${failed.Error.Code ?? ''} ${failed.Error.Message ?? ''}`.trim(),
        );
      deleted += names.length;
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  /** Runs one store operation with per-attempt timeout and transient-error retry up to the deadline. */
  private async call<T>(operation: string, key: string, run: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.retryDeadlineMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(run);
      } catch (error) {
        if (error instanceof SweepqError) throw error;
        const transient = isTransientStoreError(error);
        const remaining = deadline - Date.now();
        // Jittered exponential backoff; the last sleep is cut to the deadline so one final attempt runs there.
        const backoff = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempt - 1)) * (0.5 + Math.random() * 0.5);
        const delay = Math.min(backoff, remaining);
        if (!transient || remaining <= 0) {
          const why = transient ? `gave up after ${attempt} attempt(s) in ${this.retryDeadlineMs} ms` : 'not retryable';
          throw new SweepqError('STORE_UNAVAILABLE', `Object store ${operation} ${key} failed (${why}): ${describe(error)}`, { cause: error });
        }
        this.logger?.warn({ operation, key, attempt, delayMs: Math.round(delay), error: describe(error) }, 'object store call failed; retrying');
        await sleep(delay);
      }
    }
  }

  /**
   * One attempt bounded by idleness; on timeout the attempt's signal aborts its HTTP request. Progress
   * is read off the attempt's sockets: bytes read, and bytes handed to the kernel. Bytes just handed
   * over may sit in kernel buffers for a while on a slow link, so they buy time at a floor bandwidth;
   * so does a large write still queued whole (Node reports its progress only when it ends).
   */
  private async attempt<T>(run: () => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const sockets = new Map<import('node:net').Socket, { read: number; flushed: number }>();
    const counters = (): { read: number; flushed: number; queued: number } => {
      let read = 0;
      let flushed = 0;
      let queued = 0;
      for (const [socket, base] of sockets) {
        read += socket.bytesRead - base.read;
        flushed += socket.bytesWritten - socket.writableLength - base.flushed;
        queued += socket.writableLength;
      }
      return { read, flushed, queued };
    };
    let timer: NodeJS.Timeout | undefined;
    let fail: (error: Error) => void = () => undefined;
    const timedOut = new Promise<never>((_, reject) => {
      fail = reject;
    });
    let last = counters();
    let quietSince = Date.now();
    let allowanceMs = this.requestTimeoutMs;
    const check = (): void => {
      const now = counters();
      const flushed = now.flushed - last.flushed;
      if (flushed > 0 || now.read > last.read) {
        quietSince = Date.now();
        allowanceMs = Math.max(this.requestTimeoutMs, flushed / FLOOR_BYTES_PER_MS);
      } else if (now.queued > 0) {
        allowanceMs = Math.max(allowanceMs, now.queued / FLOOR_BYTES_PER_MS);
      }
      last = now;
      if (Date.now() - quietSince < allowanceMs) {
        timer = setTimeout(check, this.requestTimeoutMs);
        return;
      }
      const error = new StoreTimeoutError(this.requestTimeoutMs);
      controller.abort(error);
      fail(error);
    };
    timer = setTimeout(check, this.requestTimeoutMs);
    const running = this.attempts.run({ signal: controller.signal, sockets }, run);
    // The loser of the race must not surface as an unhandled rejection.
    running.catch(() => undefined);
    try {
      return await Promise.race([running, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A short, secret-free description of a client error for messages and logs. */
function describe(error: unknown): string {
  const code = errorCode(error);
  if (error instanceof TransientHttpStatusError) return `HTTP ${error.statusCode}`;
  if (error instanceof Error) return code === undefined ? `${error.name}: ${error.message}` : `${error.name} ${code}: ${error.message}`;
  return String(error);
}
