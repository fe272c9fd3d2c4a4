/**
 * What the exporter and /metrics/queue make of a reading, without Redis: bounded per-sweep series,
 * no stale series when Redis cannot be read, durations from committed trials only, and the demand an
 * autoscaler sees (a cancelled sweep asks for nothing).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SweepProgress } from '../../shared/index/index.js';
import type { TrialCounts } from '../../shared/schemas/sweep-status.schema.js';
import type { ClusterSnapshot } from '../../shared/telemetry/index.js';
import { PrometheusExporter } from '../../shared/telemetry/prometheus-exporter.js';
import { queueMetrics } from '../../shared/telemetry/queue-demand.js';

function counts(partial: Partial<TrialCounts>): TrialCounts {
  return { queued: 0, active: 0, completed: 0, failed: 0, cancelled: 0, pruned: 0, quarantined: 0, ...partial };
}

function sweep(id: string, partial: Partial<SweepProgress>): SweepProgress {
  return {
    id,
    name: `exp-${id}`,
    createdAt: 0,
    finished: false,
    cancelled: false,
    total: 100,
    created: 20,
    fed: 20,
    counts: counts({ queued: 100 }),
    ...partial,
  };
}

function snapshot(unfinished: SweepProgress[]): ClusterSnapshot {
  return {
    collectedAt: 1_700_000_000_000,
    collectSeconds: 0.004,
    redisRttSeconds: 0.0002,
    jobs: { waiting: 5, prioritized: 3, delayed: 2, active: 4, paused: 0, 'waiting-children': 0, completed: 7, failed: 1 },
    unfinished,
    totals: counts({ queued: 250, active: 4, completed: 46 }),
    sweeps: unfinished.length + 2,
    workers: { alive: 2, slots: 4, busy: 3, paused: 1 },
  };
}

/** `name{labels} value` lines of the exposition whose name is `name` (exactly). */
function lines(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe('PrometheusExporter', () => {
  it('gives series to the newest maxSweepSeries unfinished sweeps only, and counts every sweep in the totals', async () => {
    const exporter = new PrometheusExporter({ maxSweepSeries: 2, processMetrics: false });
    const text = await exporter.render(
      snapshot([sweep('c', { created: 30, fed: 25 }), sweep('b', { created: 12, fed: 10 }), sweep('a', { created: 9, fed: 5 })]),
    );
    const sweeps = new Set(lines(text, 'sweepq_sweep_trials').map((l) => /sweep="([^"]+)"/.exec(l)![1]));
    assert.deepEqual([...sweeps].sort(), ['b', 'c']);
    assert.equal(lines(text, 'sweepq_sweep_trials').length, 2 * 7, 'one series per status');
    assert.deepEqual(lines(text, 'sweepq_feed_lag_trials'), ['sweepq_feed_lag_trials 11'], 'lag over all three: 5 + 2 + 4');
    assert.deepEqual(lines(text, 'sweepq_feed_unfed_trials'), ['sweepq_feed_unfed_trials 260']);
    assert.ok(lines(text, 'sweepq_queue_jobs').includes('sweepq_queue_jobs{state="prioritized"} 3'));
    assert.deepEqual(lines(text, 'sweepq_sweeps'), ['sweepq_sweeps{state="unfinished"} 3', 'sweepq_sweeps{state="finished"} 2']);
    assert.deepEqual(lines(text, 'sweepq_worker_slots'), ['sweepq_worker_slots{state="busy"} 3', 'sweepq_worker_slots{state="idle"} 1']);
  });

  it('drops every installation series when Redis cannot be read, keeping sweepq_redis_up 0', async () => {
    const exporter = new PrometheusExporter({ processMetrics: false });
    await exporter.render(snapshot([sweep('a', {})]));
    const text = await exporter.render(undefined);
    assert.deepEqual(lines(text, 'sweepq_redis_up'), ['sweepq_redis_up 0']);
    for (const name of ['sweepq_queue_jobs', 'sweepq_sweep_trials', 'sweepq_trials', 'sweepq_workers_alive', 'sweepq_redis_rtt_seconds'])
      assert.deepEqual(lines(text, name), [], name);
  });

  it('observes the durations of committed trials only, and counts every transition', async () => {
    const exporter = new PrometheusExporter({ processMetrics: false });
    exporter.observe({ i: 0, s: 'active', t: 1 });
    exporter.observe({ i: 0, s: 'completed', t: 2, d: 1500 });
    exporter.observe({ i: 1, s: 'pruned', t: 3, d: 40 });
    exporter.observe({ i: 2, s: 'failed', t: 4, d: 99_000 });
    exporter.observe({ i: 3, s: 'completed', t: 5 }); // a cancelled sweep's commit carries no duration
    const text = await exporter.render(undefined);
    assert.ok(text.includes('sweepq_trial_duration_seconds_count{status="completed"} 1'));
    assert.ok(text.includes('sweepq_trial_duration_seconds_sum{status="completed"} 1.5'));
    assert.ok(text.includes('sweepq_trial_duration_seconds_bucket{le="0.05",status="pruned"} 1'));
    assert.ok(!text.includes('status="failed"} 99'), 'a failed attempt is no training time');
    assert.ok(text.includes('sweepq_trial_transitions_total{status="completed"} 2'));
    assert.ok(text.includes('sweepq_trial_transitions_total{status="failed"} 1'));
  });
});

describe('queueMetrics (/metrics/queue)', () => {
  it('asks for a slot per waiting, prioritized, delayed, active and unfed trial, none for a cancelled sweep', () => {
    // Fewer trials than jobs want slots (a trial split into fold jobs holds several): the jobs decide.
    const answer = queueMetrics(
      snapshot([sweep('a', { total: 100, fed: 40, counts: counts({ queued: 60, active: 4 }) }), sweep('b', { total: 50, fed: 10, cancelled: true })]),
    );
    assert.equal(answer.ready, 8);
    assert.equal(answer.pending, 10);
    assert.equal(answer.unfed, 60);
    assert.equal(answer.demand, 10 + 4 + 60);
    assert.deepEqual(answer.workers, { alive: 2, slots: 4, busy: 3 });
  });

  it('counts the trials of block jobs, not the jobs: 2 block jobs of 32 trials waiting ask for 64 slots', () => {
    const blocks = snapshot([sweep('a', { total: 64, fed: 64, counts: counts({ queued: 64 }) })]);
    blocks.jobs = { waiting: 2, prioritized: 0, delayed: 0, active: 0, paused: 0, 'waiting-children': 0, completed: 0, failed: 0 };
    const answer = queueMetrics(blocks);
    assert.deepEqual(answer.trials, { queued: 64, active: 0 });
    assert.equal(answer.demand, 64);
  });
});
