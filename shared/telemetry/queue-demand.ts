/**
 * What the queued and running trials ask of the workers, for autoscaling (`GET /metrics/queue`,
 * KEDA's `metrics-api` scaler). See queue-metrics.schema.ts for why KEDA's Redis-list scaler is wrong here.
 */
import type { SweepProgress } from '../index/index.js';
import type { QueueMetrics } from '../schemas/queue-metrics.schema.js';
import type { ClusterSnapshot } from './cluster-snapshot.js';

/**
 * Planned trials not handed to BullMQ yet: `total − fed` of unfinished sweeps. A cancelled sweep's
 * remainder never runs, so it asks for nothing.
 */
export function unfedTrials(unfinished: readonly SweepProgress[]): number {
  let unfed = 0;
  for (const sweep of unfinished) if (!sweep.cancelled) unfed += Math.max(0, sweep.total - sweep.fed);
  return unfed;
}

/** Trials created but not handed to BullMQ (`created − fed`): near 0 while feeders keep up. */
export function feedLag(sweep: SweepProgress): number {
  return Math.max(0, sweep.created - sweep.fed);
}

/**
 * Trials that want a worker slot now or soon: queued (created or not, fed or not, waiting for a retry's
 * backoff) of uncancelled unfinished sweeps, and active ones. Counted from the index, not from BullMQ:
 * a block job carries up to 32 trials (issue 13 item 4), so jobs undercount the work.
 */
export function trialDemand(unfinished: readonly SweepProgress[]): { queued: number; active: number } {
  let queued = 0;
  let active = 0;
  for (const sweep of unfinished) {
    if (!sweep.cancelled) queued += Math.max(0, sweep.counts.queued);
    active += Math.max(0, sweep.counts.active);
  }
  return { queued, active };
}

/**
 * The JSON of `/metrics/queue`. `demand` = the larger of the trials that want a slot (queued + active,
 * {@link trialDemand}) and the jobs that do (waiting, prioritized, delayed, active, plus unfed trials).
 * Trials usually decide it — a block job of 32 short trials is 32 trials' work; jobs decide it for
 * trials split into fold jobs, whose one active trial keeps several slots busy. Active work counts so
 * that an autoscaler keeps the workers that are training (counting only waiting jobs scales busy
 * workers away once the queue drains); delayed jobs count because they run as soon as their backoff ends.
 */
export function queueMetrics(snapshot: ClusterSnapshot): QueueMetrics {
  const j = snapshot.jobs;
  const ready = j.waiting + j.prioritized;
  const pending = ready + j.delayed;
  const unfed = unfedTrials(snapshot.unfinished);
  const trials = trialDemand(snapshot.unfinished);
  return {
    jobs: {
      waiting: j.waiting,
      prioritized: j.prioritized,
      delayed: j.delayed,
      active: j.active,
      paused: j.paused,
      waitingChildren: j['waiting-children'],
      completed: j.completed,
      failed: j.failed,
    },
    ready,
    pending,
    unfed,
    trials,
    demand: Math.max(trials.queued + trials.active, pending + j.active + unfed),
    workers: { alive: snapshot.workers.alive, slots: snapshot.workers.slots, busy: snapshot.workers.busy },
    unfinishedSweeps: snapshot.unfinished.length,
    collectedAt: snapshot.collectedAt,
  };
}
