/**
 * The metrics index: the repository that owns every Redis key of sweeps and trials (layout in
 * docs/ARCHITECTURE.md), one part per role — sweep records, trial records, the fenced transitions, the
 * feed cursors, the completion log, the worker registry — plus the objective leaderboard.
 */
import type { Redis } from 'ioredis';
import { CompletionLog } from './completion-log.js';
import { FeedCursor } from './feed-cursor.js';
import { IndexKeys } from './index-keys.js';
import { IndexScripts } from './index-scripts.js';
import { RunRecords } from './run-records.js';
import { SweepRecords } from './sweep-records.js';
import { TrialRecords } from './trial-records.js';
import { TrialTransitions } from './trial-transitions.js';
import { WorkerRegistry } from './worker-registry.js';

/** Default worker heartbeat (ms). */
export const DEFAULT_HEARTBEAT_MS = 5000;

export class MetricsIndex {
  readonly keys: IndexKeys;
  readonly sweeps: SweepRecords;
  readonly trials: TrialRecords;
  readonly transitions: TrialTransitions;
  readonly feed: FeedCursor;
  readonly log: CompletionLog;
  readonly workers: WorkerRegistry;
  /** MLflow experiment ids, external sweeps, run data writes (tags, MLflow logging), histories, uploads. */
  readonly runs: RunRecords;

  constructor(
    /** The connection the index runs on (the read model pipelines its bulk loads on it). */
    readonly redis: Redis,
    prefix: string,
    options: { heartbeatMs?: number } = {},
  ) {
    this.keys = new IndexKeys(prefix);
    const scripts = new IndexScripts(redis);
    this.sweeps = new SweepRecords(redis, this.keys);
    this.trials = new TrialRecords(redis, this.keys);
    this.transitions = new TrialTransitions(redis, this.keys, scripts);
    this.feed = new FeedCursor(redis, this.keys, scripts);
    this.log = new CompletionLog(redis, this.keys);
    this.workers = new WorkerRegistry(redis, this.keys, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.runs = new RunRecords(redis, this.keys, scripts);
  }

  /**
   * Completed trials ranked by the objective, best first, ties by lowest index (the leaderboard's
   * scores are oriented so ascending is best, and members are zero-padded indices).
   */
  async leaderboard(sweepId: string, offset: number, limit: number): Promise<{ indices: number[]; total: number }> {
    const key = this.keys.best(sweepId);
    const [members, total] = await Promise.all([this.redis.zrange(key, offset, offset + limit - 1), this.redis.zcard(key)]);
    return { indices: members.map(Number), total };
  }
}
