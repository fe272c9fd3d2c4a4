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
 * The JSON of `/metrics/queue`. `demand` = jobs waiting (list and priority set) + delayed + active
 * + unfed trials: every trial that wants a worker slot now or soon. Active jobs count so that an
 * autoscaler keeps the workers that are training (counting only waiting jobs scales busy workers away
 * once the queue drains); delayed ones count because they run as soon as their backoff ends.
 */
export function queueMetrics(snapshot: ClusterSnapshot): QueueMetrics {
  const j = snapshot.jobs;
  const ready = j.waiting + j.prioritized;
  const pending = ready + j.delayed;
  const unfed = unfedTrials(snapshot.unfinished);
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
    demand: pending + j.active + unfed,
    workers: { alive: snapshot.workers.alive, slots: snapshot.workers.slots, busy: snapshot.workers.busy },
    unfinishedSweeps: snapshot.unfinished.length,
    collectedAt: snapshot.collectedAt,
  };
}
