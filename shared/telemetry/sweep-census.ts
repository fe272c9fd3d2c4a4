/**
 * Trial counts across every sweep, kept fresh without reading every sweep on every scrape.
 *
 * A finished sweep's counters no longer move (a `retry` puts it back into the unfinished set first),
 * so after one full read at start-up each refresh reads only the unfinished sweeps, the ones that
 * finished since the last refresh (their final counts) and the ones added since (found by comparing
 * the sweep count): a handful of hashes in one round trip, whatever the number of trials. No trial
 * hash is ever read.
 */
import type { SweepProgress, SweepRecords } from '../index/index.js';
import type { TrialCounts } from '../schemas/sweep-status.schema.js';

export interface SweepCensusResult {
  /** Sweeps not finished yet, newest first. */
  unfinished: SweepProgress[];
  /** Sweeps that were unfinished at the previous refresh and are finished now. */
  justFinished: SweepProgress[];
  /** Sweeps first seen in this refresh, after the first one (created since the census started). */
  discovered: SweepProgress[];
  /** Sweeps that disappeared (a rolled-back submit). */
  removed: string[];
  /** Trials per status, summed over every sweep. */
  totals: TrialCounts;
  /** Sweeps that exist. */
  sweeps: number;
  /** True for the first refresh (everything was read). */
  first: boolean;
}

function emptyCounts(): TrialCounts {
  return { queued: 0, active: 0, completed: 0, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 };
}

export class SweepCensus {
  private readonly known = new Map<string, SweepProgress>();
  private unfinishedBefore = new Set<string>();
  private started = false;

  constructor(private readonly records: SweepRecords) {}

  async refresh(): Promise<SweepCensusResult> {
    const first = !this.started;
    const [count, unfinishedIds] = await Promise.all([this.records.count(), this.records.unfinishedIds()]);
    const toRead = new Set<string>(unfinishedIds);
    for (const id of this.unfinishedBefore) toRead.add(id);
    const removed: string[] = [];
    const added = new Set<string>();
    if (count !== this.known.size) {
      // Start-up, or sweeps were submitted (or rolled back) since: list the ids (no hashes) to find them.
      const all = await this.records.allIds();
      const present = new Set(all);
      for (const id of this.known.keys()) {
        if (!present.has(id)) removed.push(id);
      }
      for (const id of all) {
        if (!this.known.has(id)) {
          toRead.add(id);
          added.add(id);
        }
      }
    }
    const ids = [...toRead];
    const progress = await this.records.progressMany(ids);
    const justFinished: SweepProgress[] = [];
    const discovered: SweepProgress[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const sweep = progress[i];
      if (sweep === null || sweep === undefined) {
        if (this.known.has(id) && !removed.includes(id)) removed.push(id);
        continue;
      }
      this.known.set(id, sweep);
      if (sweep.finished && this.unfinishedBefore.has(id)) justFinished.push(sweep);
      if (!first && added.has(id)) discovered.push(sweep);
    }
    for (const id of removed) this.known.delete(id);
    this.started = true;

    const totals = emptyCounts();
    const unfinished: SweepProgress[] = [];
    for (const sweep of this.known.values()) {
      const c = sweep.counts;
      totals.queued += c.queued;
      totals.active += c.active;
      totals.completed += c.completed;
      totals.failed += c.failed;
      totals.cancelled += c.cancelled;
      totals.pruned += c.pruned;
      totals.quarantined += c.quarantined;
      if (!sweep.finished) unfinished.push(sweep);
    }
    unfinished.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
    this.unfinishedBefore = new Set(unfinished.map((s) => s.id));
    return { unfinished, justFinished, discovered, removed, totals, sweeps: this.known.size, first };
  }
}
