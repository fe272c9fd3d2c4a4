/**
 * Feeds a sweep's trials into the job queue a window at a time instead of all at submit: a
 * 100,000-trial sweep is submitted in seconds (writing trial hashes is cheap; BullMQ's per-job add is
 * not), cancelling it touches only the window, and Redis holds at most `window` jobs per sweep.
 *
 * The cursor `fed` in the sweep hash says which trials [0, fed) have jobs. A feeder enqueues the next
 * range with deterministic job ids, then moves the cursor by compare-and-set. Crash-safe by
 * construction: if a feeder dies between the two steps, the next feeder enqueues the same range again
 * and BullMQ drops the duplicate ids (a job already completed and trimmed would be re-added, but its
 * claim finds the trial completed and skips it). Workers feed after every trial and on a timer, so a
 * sweep keeps moving whoever dies.
 */
import type { JobRef, MetricsIndex } from '../index/index.js';
import type { Logger } from '../logger/logger.js';
import type { TrialQueue } from '../queue/index.js';
import type { TrialJob } from '../schemas/trial.schema.js';
import { estimateTrialCost } from '../search/estimate-trial-cost.js';

export class SweepFeeder {
  /** One feed at a time per sweep in this process; a request during a feed runs once more after it. */
  private readonly running = new Map<string, Promise<number>>();
  private readonly again = new Set<string>();

  constructor(
    private readonly index: MetricsIndex,
    private readonly queue: TrialQueue,
    private readonly window: number,
    private readonly logger?: Logger,
  ) {}

  /** Tops the sweep's queued jobs up to the window; resolves with the number of jobs added. */
  feed(sweepId: string): Promise<number> {
    const current = this.running.get(sweepId);
    if (current) {
      this.again.add(sweepId);
      return current;
    }
    const run = (async () => {
      let added = 0;
      try {
        do {
          this.again.delete(sweepId);
          added += await this.topUp(sweepId);
        } while (this.again.has(sweepId));
      } finally {
        // Synchronously with the last check above, so a request arriving now starts a new feed.
        this.running.delete(sweepId);
      }
      return added;
    })();
    this.running.set(sweepId, run);
    return run;
  }

  /** Feeds every sweep that still has unfed trials (the workers' periodic safety net). */
  async feedAll(): Promise<void> {
    for (const sweepId of await this.index.feedingSweeps()) {
      await this.feed(sweepId).catch((error: unknown) => this.logger?.warn({ err: error, sweepId }, 'feeding a sweep failed; will retry'));
    }
  }

  private async topUp(sweepId: string): Promise<number> {
    for (;;) {
      const state = await this.index.feedState(sweepId);
      if (state === null) return 0;
      if (state.cancelled || state.fed >= state.total) {
        await this.index.stopFeeding(sweepId);
        return 0;
      }
      // Waiting jobs ≈ fed − done. Top up when under half the window, so feeds come in batches.
      const waiting = Math.max(0, state.fed - state.done);
      if (waiting > this.window / 2) return 0;
      const end = Math.min(state.total, state.fed + this.window - waiting);
      const indices: number[] = [];
      for (let i = state.fed; i < end; i++) indices.push(i);
      const refs = await this.index.jobRefs(sweepId, indices);
      // Feed only up to the first trial whose hash is not written yet (a concurrent extend still
      // writing its range): the cursor must never pass a trial that has no job.
      let contiguous = 0;
      while (contiguous < refs.length && refs[contiguous]!.index === state.fed + contiguous) contiguous++;
      const next = state.fed + contiguous;
      if (contiguous === 0) return 0;
      refs.length = contiguous;
      const queued: Array<{ ref: JobRef; cost: number }> = [];
      for (const ref of refs) {
        // A trial cancelled before it was fed has no job to get; `retry` re-queues it (and feeds).
        if (ref.status === 'queued') queued.push({ ref, cost: estimateTrialCost(ref.model, JSON.parse(ref.params) as Record<string, unknown>) });
      }
      // Longest first within the window (stable for equal costs): the queue is FIFO, so short trials
      // fill the gaps at the end instead of one long trial running alone on one worker.
      queued.sort((a, b) => b.cost - a.cost || a.ref.index - b.ref.index);
      const jobs: Array<{ data: TrialJob; retries: number }> = queued.map(({ ref }) => ({
        data: { v: 1, sweepId, trialId: ref.id, index: ref.index },
        retries: ref.retries,
      }));
      await this.queue.enqueue(jobs);
      if (await this.index.advanceFeed(sweepId, state.fed, next)) {
        if (next >= state.total) await this.index.stopFeeding(sweepId);
        return jobs.length;
      }
      // Another feeder moved the cursor meanwhile: our jobs were duplicates of its (dropped by id);
      // look again from where it left off.
    }
  }
}
