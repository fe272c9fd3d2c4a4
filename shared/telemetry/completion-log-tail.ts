/**
 * Follows the completion logs of sweeps that may still log, reading only the events appended since the
 * last pass. The log is where every transition is recorded exactly once, in the same Lua step as the
 * counters (a trial's commit is one event whichever worker made it, however often it was retried), so
 * every process that follows it sees every commit once — unlike counters kept in worker processes,
 * which vanish when an autoscaler removes the pod, and would each see only a share.
 *
 * Sweeps that existed when the tail started are followed from their log's end when first followed
 * (history is not replayed, as with any Prometheus counter); sweeps created later from their start.
 */
import type { CompletionLog, LogEvent } from '../index/completion-log.js';
import { SweepqError } from '../errors/index.js';
import type { Logger } from '../logger/logger.js';

/** Events read per round trip. */
const CHUNK = 2000;
/** Stands in for a corrupt event, so cursors still count it. */
const SKIPPED: LogEvent = { i: -1, s: 'queued', t: 0 };

/** What parseLogEvent throws for an event that is not valid JSON or not an event. */
function isCorruptEvent(error: unknown): error is Error {
  return error instanceof SyntaxError || (error instanceof SweepqError && error.code === 'INTERNAL');
}

export interface CompletionLogTailOptions {
  log: CompletionLog;
  /** Called once per new event, in log order. */
  onEvent: (event: LogEvent) => void;
  /** Most events read in one pass (bounds a scrape's cost after a burst); the rest waits for the next. Default 20,000. */
  maxEventsPerPass?: number;
  logger?: Logger | undefined;
}

export class CompletionLogTail {
  private readonly cursors = new Map<string, number>();
  /** Sweeps with events left over by a pass that reached its bound. */
  private readonly behind = new Set<string>();
  private readonly maxEventsPerPass: number;

  constructor(private readonly options: CompletionLogTailOptions) {
    this.maxEventsPerPass = options.maxEventsPerPass ?? 20_000;
  }

  /** Starts following `sweepIds` from the current end of their logs (one round trip per sweep, pipelined by ioredis). */
  async startAtEnd(sweepIds: readonly string[]): Promise<void> {
    const lengths = await Promise.all(sweepIds.map((id) => this.options.log.length(id)));
    for (let i = 0; i < sweepIds.length; i++) this.cursors.set(sweepIds[i]!, lengths[i]!);
  }

  /** Forgets sweeps that no longer exist. */
  forget(sweepIds: readonly string[]): void {
    for (const id of sweepIds) {
      this.cursors.delete(id);
      this.behind.delete(id);
    }
  }

  /**
   * Reads the new events of `sweepIds` (and of sweeps left behind by an earlier pass) and hands them to
   * `onEvent`. A sweep not followed yet is read from its first event when it is in `newSweeps` (created
   * since the tail started), else from the end of its log (an old sweep brought back by a retry: its
   * history was counted before, or before this process watched).
   */
  async advance(sweepIds: Iterable<string>, newSweeps: ReadonlySet<string>): Promise<void> {
    const targets = new Set(sweepIds);
    for (const id of this.behind) targets.add(id);
    const unfollowedOld: string[] = [];
    for (const id of targets) {
      if (this.cursors.has(id)) continue;
      if (newSweeps.has(id)) this.cursors.set(id, 0);
      else unfollowedOld.push(id);
    }
    if (unfollowedOld.length > 0) await this.startAtEnd(unfollowedOld);
    let budget = this.maxEventsPerPass;
    for (const sweepId of targets) {
      let cursor = this.cursors.get(sweepId) ?? 0;
      // Stays behind until its log was read to the end (a Redis error half-way keeps it on the list).
      this.behind.add(sweepId);
      while (budget > 0) {
        const want = Math.min(CHUNK, budget);
        let events: LogEvent[];
        try {
          events = await this.options.log.read(sweepId, cursor, want);
        } catch (error) {
          if (!isCorruptEvent(error)) throw error;
          events = await this.readSkippingCorrupt(sweepId, cursor, want);
        }
        for (const event of events) if (event !== SKIPPED) this.options.onEvent(event);
        cursor += events.length;
        budget -= events.length;
        // Moved with every chunk handed over: a Redis error on the next one must not replay this one.
        this.cursors.set(sweepId, cursor);
        if (events.length < want) {
          this.behind.delete(sweepId);
          break;
        }
      }
    }
  }

  /** A chunk holding a corrupt event, read one event at a time: the bad ones are logged and skipped, never the good. */
  private async readSkippingCorrupt(sweepId: string, from: number, max: number): Promise<LogEvent[]> {
    const out: LogEvent[] = [];
    for (let at = from; at < from + max; at++) {
      try {
        const one = await this.options.log.read(sweepId, at, 1);
        if (one.length === 0) break;
        out.push(one[0]!);
      } catch (error) {
        if (!isCorruptEvent(error)) throw error;
        this.options.logger?.warn({ sweepId, at, err: error.message }, 'skipping a corrupt completion log event');
        out.push(SKIPPED);
      }
    }
    return out;
  }
}
