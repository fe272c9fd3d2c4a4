/**
 * The planned trials of a sweep and the two cursors that walk them: `created` (trials [0, created) have
 * hashes) and `fed` (trials [0, fed) have jobs). Segments are appended atomically with the sweep's
 * total; trials are created lazily by whichever feeder gets there first, under compare-and-set.
 */
import type { Redis } from 'ioredis';
import { InvalidInputError, SweepqError } from '../errors/index.js';
import { SegmentSchema, type Segment, type SegmentPlan } from '../search/search-segment.js';
import type { IndexKeys } from './index-keys.js';
import type { IndexScripts } from './index-scripts.js';

export interface FeedState {
  /** Trials [0, fed) have been handed to the job queue. */
  fed: number;
  /** Trials [0, created) have hashes. */
  created: number;
  /** Planned trials. */
  total: number;
  /** Trials in a terminal status (uncreated trials of a cancelled sweep included). */
  done: number;
  cancelled: boolean;
  /** A stop rule ended the sweep: nothing more is created or fed. */
  stopped: boolean;
  /** Number of segments (a change means an extension: refresh the cached segments). */
  segments: number;
}

/** A trial to create: its base name (made unique by the script) and definition. */
export interface NewTrial {
  name: string;
  model: string;
  entry: number;
  segment: number;
  params: Record<string, unknown>;
  seed: number;
}

/** Segments never change once appended: cache them per sweep, refreshed when more are appended. */
const SEGMENT_CACHE_SIZE = 256;

export class FeedCursor {
  private readonly segmentCache = new Map<string, Segment[]>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: IndexKeys,
    private readonly scripts: IndexScripts,
  ) {}

  /**
   * Appends segments (a submit's or an extension's) and grows the sweep's total by their sizes, in one
   * atomic step; marks the sweep as feeding.
   * @returns the index of the first new trial.
   * @throws SweepqError CONFLICT when the sweep is cancelled, InvalidInputError LIMIT_EXCEEDED past `maxTotal`.
   */
  async appendSegments(sweepId: string, plans: readonly SegmentPlan[], maxTotal: number): Promise<number> {
    const k = this.keys;
    const args: Array<string | number> = [maxTotal, sweepId];
    let added = 0;
    for (const plan of plans) {
      args.push(JSON.stringify(plan), plan.size);
      added += plan.size;
    }
    const reply = (await this.scripts.run('append-segments', [k.sweep(sweepId), k.segments(sweepId), k.feeding(), k.unfinished()], args)) as [string, number?];
    if (reply[0] === 'cancelled') {
      throw new SweepqError('CONFLICT', `sweep ${sweepId} is cancelled; run \`sweepq retry ${sweepId}\` first to resume it, then extend it`);
    }
    if (reply[0] === 'limit') {
      throw new InvalidInputError(
        'LIMIT_EXCEEDED',
        `the sweep would have ${Number(reply[1]) + added} trials, more than the limit of ${maxTotal} (SWEEPQ_MAX_TRIALS)`,
        {
          details: { trials: Number(reply[1]) + added, limit: maxTotal },
        },
      );
    }
    return Number(reply[1]);
  }

  /** The sweep's segments in index order (cached; re-read when `count` says more were appended). */
  async segments(sweepId: string, count?: number): Promise<Segment[]> {
    const cached = this.segmentCache.get(sweepId);
    if (cached !== undefined && (count === undefined || cached.length >= count)) return cached;
    const raw = await this.redis.lrange(this.keys.segments(sweepId), 0, -1);
    const segments = raw.map((text, i) => {
      const parsed = SegmentSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new SweepqError('INTERNAL', `sweep ${sweepId} has a corrupt segment ${i} in Redis`, { cause: parsed.error });
      return parsed.data;
    });
    if (this.segmentCache.size >= SEGMENT_CACHE_SIZE) this.segmentCache.delete(this.segmentCache.keys().next().value!);
    this.segmentCache.set(sweepId, segments);
    return segments;
  }

  /** Where a sweep's cursors stand; null when the sweep does not exist. */
  async state(sweepId: string): Promise<FeedState | null> {
    const [id, fed, created, total, completed, failed, cancelled, pruned, quarantined, flag, stopReason] = await this.redis.hmget(
      this.keys.sweep(sweepId),
      'id',
      'fed',
      'created',
      'total',
      'completed',
      'failed',
      'cancelled',
      'pruned',
      'quarantined',
      'cancelledFlag',
      'stopReason',
    );
    if (!id) return null;
    const segments = await this.redis.llen(this.keys.segments(sweepId));
    return {
      fed: Number(fed ?? 0),
      created: Number(created ?? 0),
      total: Number(total ?? 0),
      done: Number(completed ?? 0) + Number(failed ?? 0) + Number(cancelled ?? 0) + Number(pruned ?? 0) + Number(quarantined ?? 0),
      cancelled: flag === '1',
      stopped: typeof stopReason === 'string' && stopReason !== '',
      segments,
    };
  }

  /**
   * Creates trials [expected, expected + trials.length) if `created` is still `expected`.
   * @returns 'ok', 'moved' (another feeder created them first) or 'cancelled'.
   */
  async createTrials(sweepId: string, expected: number, trials: readonly NewTrial[]): Promise<'ok' | 'moved' | 'cancelled'> {
    const k = this.keys;
    const args: Array<string | number> = [expected, k.trialPrefix(sweepId), sweepId];
    for (const t of trials) args.push(t.name, t.model, t.entry, t.segment, JSON.stringify(t.params), t.seed);
    return (await this.scripts.run('create-trials', [k.sweep(sweepId), k.names(sweepId), k.open(sweepId)], args)) as 'ok' | 'moved' | 'cancelled';
  }

  /** Compare-and-set of the feed cursor; false when another feeder moved it first. */
  async advanceFeed(sweepId: string, expected: number, next: number): Promise<boolean> {
    return Number(await this.scripts.run('advance-feed', [this.keys.sweep(sweepId)], [expected, next])) === 1;
  }

  /** Marks a sweep as having trials that still need feeding (its workers' timers look here). */
  async markFeeding(sweepId: string): Promise<void> {
    await this.redis.sadd(this.keys.feeding(), sweepId);
  }

  async stopFeeding(sweepId: string): Promise<void> {
    await this.redis.srem(this.keys.feeding(), sweepId);
  }

  async feedingSweeps(): Promise<string[]> {
    return this.redis.smembers(this.keys.feeding());
  }
}
