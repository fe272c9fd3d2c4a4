/**
 * Scores requests for the scheduler (`POST /sweeps/:id/best/predict`) in a worker thread, so that no
 * scoring request holds the API's event loop: a 100,000-row body takes about a second to parse and
 * score, and `/healthz`, status polls and submits must not wait for it. The thread keeps the last
 * `cacheModels` pipelines it loaded (scorer-cache.ts), keyed by artefact key.
 *
 * A request names its model by artefact key. When the thread does not hold that model it answers
 * "need the artefact"; the pool then loads the bytes (one load per key in flight, however many requests
 * wait for it) and sends the request again with them. Each dispatch has a deadline and the thread a
 * heap ceiling; a thread that passes either is terminated (its cache with it) and the request refused
 * with LIMIT_EXCEEDED; the next request starts a new thread. At most `maxQueued` requests wait (then
 * RATE_LIMITED).
 *
 * The heap ceiling is a backstop, not the bound: Node enforces a worker's heap limit best effort, and
 * some allocations past it (a large JSON.parse) abort the whole process instead of the thread
 * (nodejs/node#47224, seen here with a 32 MiB ceiling). The bounds are the body limit and the row
 * limit; the default ceiling (2 GiB) sits far above what a body within the default body limit needs.
 */
import { Worker } from 'node:worker_threads';
import { InvalidInputError, SweepqError, type ErrorCode, type ErrorLocation } from '../errors/index.js';

const THREAD_FILE = new URL('./scoring-thread.js', import.meta.url);

/** One request (main thread → scoring thread). */
export interface ScoreMessage {
  id: number;
  /** The artefact key: the thread's cache key. */
  key: string;
  /** The artefact bytes, sent only after the thread asked for them. */
  artifact?: Uint8Array;
  body: Uint8Array;
  contentType: string | undefined;
  proba: boolean | undefined;
  maxRows: number;
}

/** A refused request, as SweepqError.toJSON() gives it. */
export interface ScoreFailure {
  code: ErrorCode;
  message: string;
  location?: ErrorLocation;
  details?: unknown;
}

/** The answer (scoring thread → main thread). */
export type ScoreReply = { id: number; answer: string } | { id: number; needArtifact: true } | { id: number; error: ScoreFailure };

/** The first message of a thread: its modules are loaded (a deadline excludes the start-up). */
export const SCORING_THREAD_READY = 'ready';

/** What the scoring thread is started with. */
export interface ScoringThreadData {
  cacheModels: number;
}

export interface ScoringPoolOptions {
  /** Most time one request may take in the thread (SWEEPQ_PREDICT_TIMEOUT_MS). */
  timeoutMs: number;
  /** Pipelines the thread keeps loaded (SWEEPQ_PREDICT_CACHE_MODELS). */
  cacheModels: number;
  /** Most requests waiting for the thread (default 64). */
  maxQueued?: number;
  /** Heap ceiling of the thread in MiB (default 2048): a body that needs more is refused, not an OOM of the API. */
  maxHeapMb?: number;
}

/** One request to score: the model's artefact key and how to load it, the body, the limits. */
export interface PooledScoreRequest {
  key: string;
  loadArtifact: () => Promise<Uint8Array>;
  body: Uint8Array;
  contentType: string | undefined;
  proba: boolean | undefined;
  maxRows: number;
}

interface Job {
  message: ScoreMessage;
  loadArtifact: () => Promise<Uint8Array>;
  /** The artefact load this job carries to the thread (set once the thread asked for it). */
  artifactLoad: Promise<Uint8Array> | undefined;
  resolve: (answer: string) => void;
  reject: (error: SweepqError) => void;
}

export class ScoringPool {
  private thread: Worker | undefined;
  private ready = false;
  private running: Job | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly queue: Job[] = [];
  private readonly artifactLoads = new Map<string, Promise<Uint8Array>>();
  /** Jobs loading their artefact: counted against `maxQueued` like the queue. */
  private loading = 0;
  private nextId = 1;
  private closed = false;
  private readonly maxQueued: number;
  private readonly maxHeapMb: number;

  constructor(private readonly options: ScoringPoolOptions) {
    this.maxQueued = options.maxQueued ?? 64;
    this.maxHeapMb = options.maxHeapMb ?? 2048;
  }

  /**
   * The JSON answer of one request (see Scorer.score), computed in the thread.
   * @throws what Scorer.score throws (4xx codes naming the column); what `loadArtifact` throws;
   *   InvalidInputError LIMIT_EXCEEDED past the deadline or the heap ceiling; SweepqError RATE_LIMITED
   *   when too many requests wait.
   */
  score(request: PooledScoreRequest): Promise<string> {
    if (this.closed) return Promise.reject(new SweepqError('INTERNAL', 'the scoring pool is closed'));
    if (this.queue.length + this.loading >= this.maxQueued) {
      return Promise.reject(new SweepqError('RATE_LIMITED', `the scheduler is already scoring ${this.maxQueued} requests; retry in a few seconds`));
    }
    return new Promise<string>((resolve, reject) => {
      const { key, body, contentType, proba, maxRows } = request;
      this.queue.push({
        message: { id: this.nextId++, key, body, contentType, proba, maxRows },
        loadArtifact: request.loadArtifact,
        artifactLoad: undefined,
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Terminates the thread; waiting and running requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new SweepqError('INTERNAL', 'the scoring pool was closed');
    for (const job of this.queue.splice(0)) job.reject(error);
    await this.retire(error);
  }

  private dispatch(): void {
    if (this.closed || this.running !== undefined || this.queue.length === 0) return;
    if (this.thread === undefined) this.spawn();
    if (!this.ready) return;
    const job = this.queue.shift()!;
    this.running = job;
    this.timer = setTimeout(() => {
      void this.replace(
        new InvalidInputError(
          'LIMIT_EXCEEDED',
          `scoring took more than ${this.options.timeoutMs} ms and was stopped (SWEEPQ_PREDICT_TIMEOUT_MS): send fewer rows per request`,
        ),
      );
    }, this.options.timeoutMs);
    this.thread!.postMessage(job.message);
  }

  private spawn(): void {
    const workerData: ScoringThreadData = { cacheModels: this.options.cacheModels };
    const thread = new Worker(THREAD_FILE, {
      workerData,
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 },
    });
    // An idle thread must not keep a finished process alive.
    thread.unref();
    this.thread = thread;
    this.ready = false;
    thread.on('message', (reply: ScoreReply | typeof SCORING_THREAD_READY) => {
      if (thread !== this.thread) return;
      if (reply === SCORING_THREAD_READY) {
        this.ready = true;
        this.dispatch();
        return;
      }
      const job = this.running;
      if (job === undefined || job.message.id !== reply.id) return;
      this.finishRunning();
      this.forgetArtifact(job);
      if ('answer' in reply) job.resolve(reply.answer);
      else if ('error' in reply) job.reject(fromFailure(reply.error));
      else this.fetchArtifact(job);
      this.dispatch();
    });
    thread.on('error', (error: Error & { code?: string }) => {
      if (thread !== this.thread) return;
      void this.replace(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new InvalidInputError('LIMIT_EXCEEDED', `scoring the request needed more than ${this.maxHeapMb} MiB and was stopped: send fewer rows per request`)
          : new SweepqError('INTERNAL', `scoring thread failed: ${error.message}`, { cause: error }),
      );
    });
    thread.on('exit', () => {
      if (thread === this.thread) void this.replace(new SweepqError('INTERNAL', 'scoring thread exited'));
    });
  }

  /**
   * Loads the job's artefact and queues the job again, first, carrying it. The load stays shared
   * until a job carrying it is answered (the thread then holds the model): requests queued behind
   * the first one ask for the same model before it is loaded, and must not load it again.
   */
  private fetchArtifact(job: Job): void {
    const key = job.message.key;
    if (job.artifactLoad !== undefined) {
      job.reject(new SweepqError('INTERNAL', `scoring thread asked twice for artefact ${key}`));
      return;
    }
    let load = this.artifactLoads.get(key);
    if (load === undefined) {
      load = job.loadArtifact();
      this.artifactLoads.set(key, load);
    }
    job.artifactLoad = load;
    this.loading++;
    load.then(
      (artifact) => {
        this.loading--;
        job.message.artifact = artifact;
        this.queue.unshift(job);
        this.dispatch();
      },
      (error: unknown) => {
        this.loading--;
        this.forgetArtifact(job);
        job.reject(error instanceof SweepqError ? error : new SweepqError('INTERNAL', `loading artefact ${key} failed`, { cause: error }));
      },
    );
  }

  /** Drops the shared load the job carried (after the thread answered it, or the load failed). */
  private forgetArtifact(job: Job): void {
    if (job.artifactLoad !== undefined && this.artifactLoads.get(job.message.key) === job.artifactLoad) this.artifactLoads.delete(job.message.key);
  }

  private finishRunning(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = undefined;
  }

  /** Fails the running job with `error`, terminates the thread; the next job starts a new one. */
  private async replace(error: SweepqError): Promise<void> {
    // A thread that dies before it is ready would die again: fail what waits instead of respawning forever.
    if (!this.ready) for (const job of this.queue.splice(0)) job.reject(error);
    await this.retire(error);
    this.dispatch();
  }

  private async retire(error: SweepqError): Promise<void> {
    const thread = this.thread;
    const job = this.running;
    this.thread = undefined;
    this.ready = false;
    this.finishRunning();
    if (job !== undefined) {
      this.forgetArtifact(job);
      job.reject(error);
    }
    await thread?.terminate().catch(() => undefined);
  }
}

function fromFailure(error: ScoreFailure): SweepqError {
  return new SweepqError(error.code, error.message, {
    ...(error.location === undefined ? {} : { location: error.location }),
    ...(error.details === undefined ? {} : { details: error.details }),
  });
}
