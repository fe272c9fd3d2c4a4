/**
 * One reading of the whole installation from Redis: BullMQ job counts, trial counts of every sweep and
 * of the unfinished ones, feed cursors, the worker registry and the Redis round-trip time, plus the new
 * completion-log events since the last reading (handed to `onLogEvent`).
 *
 * Cost per reading, whatever the number of trials: one PING, one Lua call for the job counts, a ZCARD
 * and an SMEMBERS, one pipelined HMGET per unfinished sweep, the worker registry (one MGET) and the new
 * log events. Readings are shared: concurrent callers wait for the one under way, and a reading younger
 * than `minIntervalMs` is answered again (Prometheus, a second Prometheus and KEDA polling at once cost
 * one reading).
 */
import type { LogEvent, MetricsIndex, SweepProgress } from '../index/index.js';
import type { Logger } from '../logger/logger.js';
import type { QueueJobState, TrialQueue } from '../queue/index.js';
import type { TrialCounts } from '../schemas/sweep-status.schema.js';
import { CompletionLogTail } from './completion-log-tail.js';
import { SweepCensus } from './sweep-census.js';

export interface WorkerSummary {
  /** Live workers (heartbeat within three intervals). */
  alive: number;
  /** Their trial slots (WORKER_CONCURRENCY each). */
  slots: number;
  /** Slots training a trial now. */
  busy: number;
  /** Workers that stopped taking jobs after a local fault (full or failing disk). */
  paused: number;
}

export interface ClusterSnapshot {
  /** When the reading was taken (ms since the epoch). */
  collectedAt: number;
  /** Seconds the reading took. */
  collectSeconds: number;
  /** Round trip of one PING, in seconds. */
  redisRttSeconds: number;
  jobs: Record<QueueJobState, number>;
  /** Unfinished sweeps, newest first. */
  unfinished: SweepProgress[];
  /** Trials per status over every sweep. */
  totals: TrialCounts;
  /** Sweeps that exist. */
  sweeps: number;
  workers: WorkerSummary;
}

export interface ClusterSnapshotOptions {
  index: MetricsIndex;
  queue: TrialQueue;
  /** Every new completion-log event, once (trial durations come from here). */
  onLogEvent?: (event: LogEvent) => void;
  /** A reading younger than this is answered again. Default 1000 ms. */
  minIntervalMs?: number;
  logger?: Logger | undefined;
}

export class ClusterSnapshotReader {
  private readonly census: SweepCensus;
  private readonly tail: CompletionLogTail | undefined;
  private readonly minIntervalMs: number;
  private last: ClusterSnapshot | undefined;
  private inFlight: Promise<ClusterSnapshot> | undefined;

  constructor(private readonly options: ClusterSnapshotOptions) {
    this.census = new SweepCensus(options.index.sweeps);
    const onEvent = options.onLogEvent;
    this.tail = onEvent === undefined ? undefined : new CompletionLogTail({ log: options.index.log, onEvent, logger: options.logger });
    this.minIntervalMs = options.minIntervalMs ?? 1000;
  }

  /** The latest reading, taken now unless one under `minIntervalMs` old exists or one is under way. */
  read(): Promise<ClusterSnapshot> {
    if (this.last !== undefined && Date.now() - this.last.collectedAt < this.minIntervalMs) return Promise.resolve(this.last);
    this.inFlight ??= this.collect().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async collect(): Promise<ClusterSnapshot> {
    const started = process.hrtime.bigint();
    const { index, queue } = this.options;
    await index.redis.ping();
    const redisRttSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [jobs, census, workers] = await Promise.all([queue.jobCounts(), this.census.refresh(), index.workers.list()]);
    if (this.tail !== undefined) {
      this.tail.forget(census.removed);
      if (census.first) {
        // History before the first reading is not replayed; later sweeps are followed from their first event.
        await this.tail.startAtEnd(census.unfinished.map((s) => s.id));
      } else {
        const follow = new Set<string>();
        for (const list of [census.unfinished, census.justFinished, census.discovered]) for (const s of list) follow.add(s.id);
        await this.tail.advance(follow, new Set(census.discovered.map((s) => s.id)));
      }
    }
    const summary: WorkerSummary = { alive: workers.length, slots: 0, busy: 0, paused: 0 };
    for (const w of workers) {
      summary.slots += w.slots;
      summary.busy += Math.min(w.slots, w.current.length);
      if (w.health === 'paused') summary.paused++;
    }
    const snapshot: ClusterSnapshot = {
      collectedAt: Date.now(),
      collectSeconds: Number(process.hrtime.bigint() - started) / 1e9,
      redisRttSeconds,
      jobs,
      unfinished: census.unfinished,
      totals: census.totals,
      sweeps: census.sweeps,
      workers: summary,
    };
    this.last = snapshot;
    return snapshot;
  }
}
