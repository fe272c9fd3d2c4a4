/**
 * Parses sweep bodies in worker threads so that no request body can hold the API's event loop:
 * composing a megabyte of YAML takes seconds even when done right, and `/healthz` and every other
 * client must not wait for it. Each parse gets a deadline; a thread that passes it is terminated and
 * the request answered LIMIT_EXCEEDED. Threads have a memory ceiling, start on first use and are
 * kept; at most `maxQueued` bodies wait for a thread (then RATE_LIMITED).
 */
import { Worker } from 'node:worker_threads';
import { InvalidInputError, SweepqError, type ErrorCode, type ErrorLocation } from '../errors/index.js';
import type { SweepBodyLimits } from './parse-sweep-body.js';
import type { SweepFileFormat } from './parse-sweep-file.js';

const THREAD_FILE = new URL('./sweep-parse-thread.js', import.meta.url);

/** One body to parse (main thread → parse thread). */
export interface ParseRequest {
  id: number;
  text: string;
  format: SweepFileFormat;
  limits: SweepBodyLimits;
}

/** A refused body, as SweepqError.toJSON() gives it. */
export interface ParseFailure {
  code: ErrorCode;
  message: string;
  location?: ErrorLocation;
  details?: unknown;
}

/** The answer (parse thread → main thread). */
export type ParseReply = { id: number; value: unknown; error?: undefined } | { id: number; error: ParseFailure };

/** The first message of a thread: its modules are loaded (the deadline of a parse excludes the start-up). */
export const THREAD_READY = 'ready';

export interface SweepParsePoolOptions {
  /** Parse threads (default 1: the scheduler shares its machine with workers). */
  threads?: number;
  /** Most time one body may take (SWEEPQ_PARSE_TIMEOUT_MS). */
  timeoutMs: number;
  /** Most bodies waiting for a thread (default 32). */
  maxQueued?: number;
  /** Heap ceiling of a thread in MiB (default 512): a body that needs more is refused, not an OOM of the API. */
  maxHeapMb?: number;
  /** Limits checked on the parsed spec (see parseSweepBody). */
  limits: SweepBodyLimits;
}

interface Job {
  request: ParseRequest;
  resolve: (value: unknown) => void;
  reject: (error: SweepqError) => void;
}

interface Slot {
  thread: Worker;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

export class SweepParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly threads: number;
  private readonly maxQueued: number;

  constructor(private readonly options: SweepParsePoolOptions) {
    this.threads = Math.max(1, options.threads ?? 1);
    this.maxQueued = options.maxQueued ?? 32;
  }

  /**
   * The raw document of a sweep body (see parseSweepBody), parsed in a thread.
   * @throws InvalidInputError as parseSweepBody; LIMIT_EXCEEDED past the deadline or the memory
   *   ceiling; SweepqError RATE_LIMITED when too many bodies wait.
   */
  parse(text: string, format: SweepFileFormat): Promise<unknown> {
    if (this.closed) return Promise.reject(new SweepqError('INTERNAL', 'the sweep parser is closed'));
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(new SweepqError('RATE_LIMITED', `the scheduler is already parsing ${this.maxQueued} sweep bodies; retry in a few seconds`));
    }
    return new Promise<unknown>((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, text, format, limits: this.options.limits }, resolve, reject });
      this.dispatch();
    });
  }

  /** Terminates every thread; waiting and running parses fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new SweepqError('INTERNAL', 'the sweep parser was closed'));
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot, new SweepqError('INTERNAL', 'the sweep parser was closed'))));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && s.job === undefined);
      if (slot === undefined) {
        // A thread still starting takes the next job when it is ready.
        if (this.slots.length < this.threads && this.slots.every((s) => s.ready)) this.spawn();
        return;
      }
      this.start(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const maxHeapMb = this.options.maxHeapMb ?? 512;
    const thread = new Worker(THREAD_FILE, { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 } });
    // The pool keeps idle threads; they must not keep a finished process alive.
    thread.unref();
    const slot: Slot = { thread, ready: false, job: undefined, timer: undefined };
    thread.on('message', (reply: ParseReply | typeof THREAD_READY) => {
      if (reply === THREAD_READY) {
        slot.ready = true;
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (job === undefined || job.request.id !== reply.id) return;
      this.finish(slot);
      if (reply.error === undefined) job.resolve(reply.value);
      else job.reject(fromReply(reply.error));
      this.dispatch();
    });
    thread.on('error', (error: Error & { code?: string }) => {
      const limit = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      void this.replace(
        slot,
        limit
          ? new InvalidInputError(
              'LIMIT_EXCEEDED',
              `the sweep body needs more than ${maxHeapMb} MiB to parse (a sweep file only describes the sweep; put data in CSV files)`,
            )
          : new SweepqError('INTERNAL', `sweep parse thread failed: ${error.message}`, { cause: error }),
      );
    });
    thread.on('exit', () => {
      if (this.slots.includes(slot)) void this.replace(slot, new SweepqError('INTERNAL', 'sweep parse thread exited'));
    });
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.timer = setTimeout(() => {
      void this.replace(
        slot,
        new InvalidInputError(
          'LIMIT_EXCEEDED',
          `the sweep body took more than ${this.options.timeoutMs} ms to parse and was refused (SWEEPQ_PARSE_TIMEOUT_MS; a sweep file needs a few KB)`,
        ),
      );
    }, this.options.timeoutMs);
    slot.thread.postMessage(job.request);
  }

  private finish(slot: Slot): void {
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
  }

  /** Fails the slot's job with `error`, terminates its thread and lets the next job start on a new one. */
  private async replace(slot: Slot, error: SweepqError): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    // A thread that dies before it is ready would die again: fail what waits instead of respawning forever.
    if (!slot.ready) for (const job of this.queue.splice(0)) job.reject(error);
    await this.retire(slot, error);
    if (!this.closed) this.dispatch();
  }

  private async retire(slot: Slot, error: SweepqError): Promise<void> {
    const job = slot.job;
    this.finish(slot);
    job?.reject(error);
    await slot.thread.terminate().catch(() => undefined);
  }
}

function fromReply(error: ParseFailure): SweepqError {
  const options = { ...(error.location === undefined ? {} : { location: error.location }), ...(error.details === undefined ? {} : { details: error.details }) };
  return new SweepqError(error.code, error.message, options);
}
