/**
 * The completion log of a sweep: an append-only Redis list of JSON events written by the transition
 * scripts themselves — a claim, a result (completed, pruned), an unsuccessful end (failed, cancelled,
 * quarantined), a re-queue. Samplers read observations from it and the read model stays fresh from
 * it by reading only the events after the last one it saw, never re-reading 100k trial hashes.
 *
 * Besides transitions the log carries data events (`u`): a trial's user tags changed, or a run logged
 * through the MLflow API reported params, metrics or a new name. They keep the read model in order with
 * the transitions around them; `s` is then the trial's status at the time, not a move, and readers of
 * transitions (samplers, counters) skip them.
 */
import type { Redis } from 'ioredis';
import { SweepqError } from '../errors/index.js';
import { TRIAL_STATUSES, type TrialStatus } from '../schemas/trial.schema.js';
import type { IndexKeys } from './index-keys.js';

/** One event of the log (field names are short: there is one event per transition). */
export interface LogEvent {
  /** Trial index. */
  i: number;
  /** The status the trial moved to. */
  s: TrialStatus;
  /** When (ms since the epoch). */
  t: number;
  /** Worker id (claims and attempt ends). */
  w?: string;
  /** Search-space entry (terminal events). */
  e?: number;
  /** Params (terminal events). */
  p?: Record<string, unknown>;
  /** Metrics (completed, pruned). */
  m?: Record<string, number | null>;
  /** Per-fold CV scores (completed, pruned). */
  f?: Array<number | null>;
  /** Attempt duration in ms (completed, pruned). */
  d?: number;
  /** Error (failed, quarantined). */
  x?: string;
  /** A data event, not a transition: the parts of the trial that changed, each given whole. */
  u?: TrialDataUpdate;
}

/** What a data event replaces. Each part present is the whole new value of that part. */
export interface TrialDataUpdate {
  /** New name (a run renamed through the MLflow API). */
  n?: string;
  /** Params. */
  p?: Record<string, unknown>;
  /** Metrics (latest values). */
  m?: Record<string, number | null>;
  /** User tags. */
  g?: Record<string, string>;
}

const STATUSES: ReadonlySet<string> = new Set(TRIAL_STATUSES);
/** Events read per round trip. */
const READ_CHUNK = 10_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates one event (the log is read back across a trust boundary). Hand-written rather than zod:
 * a 100k-trial sweep's read model parses 200k+ events on its first load.
 */
export function parseLogEvent(text: string): LogEvent {
  const value: unknown = JSON.parse(text);
  if (!isRecord(value) || typeof value.i !== 'number' || typeof value.s !== 'string' || !STATUSES.has(value.s) || typeof value.t !== 'number') {
    throw new SweepqError('INTERNAL', `corrupt completion log event: ${text.slice(0, 200)}`);
  }
  if (
    (value.p !== undefined && !isRecord(value.p)) ||
    (value.m !== undefined && !isRecord(value.m)) ||
    (value.f !== undefined && !Array.isArray(value.f)) ||
    (value.u !== undefined && !isRecord(value.u))
  ) {
    throw new SweepqError('INTERNAL', `corrupt completion log event: ${text.slice(0, 200)}`);
  }
  return value as unknown as LogEvent;
}

export class CompletionLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: IndexKeys,
  ) {}

  /** Number of events logged so far. */
  length(sweepId: string): Promise<number> {
    return this.redis.llen(this.keys.log(sweepId));
  }

  /** Events [from, from + max) (fewer at the end of the log). */
  async read(sweepId: string, from: number, max = READ_CHUNK): Promise<LogEvent[]> {
    const texts = await this.redis.lrange(this.keys.log(sweepId), from, from + max - 1);
    const events = new Array<LogEvent>(texts.length);
    for (let i = 0; i < texts.length; i++) events[i] = parseLogEvent(texts[i]!);
    return events;
  }

  /** Every event from `from` to the end, in chunks. */
  async readAll(sweepId: string, from = 0): Promise<LogEvent[]> {
    const out: LogEvent[] = [];
    for (let at = from; ;) {
      const chunk = await this.read(sweepId, at, READ_CHUNK);
      for (const event of chunk) out.push(event);
      at += chunk.length;
      if (chunk.length < READ_CHUNK) return out;
    }
  }
}
