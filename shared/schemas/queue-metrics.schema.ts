/**
 * `GET /metrics/queue`: the work waiting for sweepq workers, as JSON for KEDA's `metrics-api` scaler
 * (`valueLocation: demand`). KEDA's Redis-list scaler reads `LLEN` of BullMQ's `wait` list only and so
 * misses jobs in the `prioritized` and `delayed` sorted sets, the jobs being trained (it would scale
 * busy workers away) and the planned trials not yet handed to BullMQ; `demand` counts them all.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();

/** BullMQ jobs per state (the trial queue). */
export const QueueJobCountsSchema = z.object({
  waiting: count,
  prioritized: count,
  delayed: count,
  active: count,
  paused: count,
  waitingChildren: count,
  /** Retained jobs only (SWEEPQ_KEEP_COMPLETED_JOBS); results live in the index. */
  completed: count,
  /** Retained jobs only (SWEEPQ_KEEP_FAILED_JOBS). */
  failed: count,
});

export const QueueMetricsSchema = z.object({
  jobs: QueueJobCountsSchema,
  /** waiting + prioritized: what a free worker slot would take now. */
  ready: count,
  /** ready + delayed: queued in BullMQ, not running. */
  pending: count,
  /** Planned trials of running, uncancelled sweeps not handed to BullMQ yet (fed a window at a time). */
  unfed: count,
  /**
   * Trials of unfinished sweeps that want a slot: queued (of uncancelled sweeps, fed or not) and active.
   * A block job holds many trials, so job counts undercount the work (issue 13 item 4).
   */
  trials: z.object({ queued: count, active: count }),
  /**
   * Worker slots the queued and running work wants: max(trials.queued + trials.active, pending +
   * jobs.active + unfed) — trials for block jobs, jobs for trials split into fold jobs. KEDA scales on this.
   */
  demand: count,
  /** The worker registry: live workers, their slots (WORKER_CONCURRENCY each) and the slots training a trial. */
  workers: z.object({ alive: count, slots: count, busy: count }),
  /** Sweeps not finished yet. */
  unfinishedSweeps: count,
  /** When these numbers were read (ms since the epoch); answers are cached for about a second. */
  collectedAt: z.number().int(),
});
export type QueueMetrics = z.infer<typeof QueueMetricsSchema>;
