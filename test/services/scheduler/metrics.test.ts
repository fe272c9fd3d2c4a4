/**
 * `/metrics` and `/metrics/queue` scraped from a scheduler while a real worker runs a sweep on a real
 * Redis, their numbers checked against the index: trial counts per status, planned and fed trials,
 * BullMQ jobs, the trial duration histogram against the trials' recorded durations, the worker
 * registry; and the metrics token's reach.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../services/scheduler/app.js';
import { startWorker, type RunningWorker } from '../../../services/worker/worker-runtime.js';
import { QueueMetricsSchema, type QueueMetrics } from '../../../shared/schemas/queue-metrics.schema.js';
import type { SweepStatus } from '../../../shared/schemas/sweep-status.schema.js';
import { TRIAL_STATUSES } from '../../../shared/schemas/trial.schema.js';
import { createSweepService, type SweepService } from '../../../shared/sweep/sweep-service.js';
import { ClusterTelemetry } from '../../../shared/telemetry/index.js';
import { makeTestSetup, type TestSetup } from '../../support/test-config.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
const WRITE_TOKEN = 'write-token-0123456789ab';
const WINDOW = 10;
const TRIALS = 80;

function sweepSpec(trials: number) {
  return {
    name: 'metrics-scrape',
    dataset: { make_classification: { n_samples: 150, n_features: 4, n_informative: 2, n_redundant: 1, random_state: 7 }, target: 'target' },
    pipeline: { imputer: null, scaler: null },
    cv: { folds: 0, scoring: 'accuracy' },
    objective: { metric: 'accuracy', goal: 'maximize' },
    search: {
      method: 'random',
      max_trials: trials,
      seed: 11,
      space: [{ model: 'logistic_regression', params: { C: { distribution: 'log_uniform', min: 0.01, max: 10 } } }],
    },
  };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus exposition text (the subset prom-client writes: no timestamps). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when absent. */
function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}

describe('GET /metrics and /metrics/queue', () => {
  let setup: TestSetup;
  let service: SweepService;
  let telemetry: ClusterTelemetry;
  let app: FastifyInstance;

  before(async () => {
    setup = await makeTestSetup('metrics', {
      env: {
        SWEEPQ_FEED_WINDOW: String(WINDOW),
        SWEEPQ_FEED_INTERVAL_MS: '200',
        SWEEPQ_METRICS_TOKEN: METRICS_TOKEN,
        SWEEPQ_API_TOKEN: WRITE_TOKEN,
        SWEEPQ_HEARTBEAT_MS: '1000',
      },
    });
    service = await createSweepService({ config: setup.config, logger: setup.logger });
    // No reuse of readings: every scrape reads Redis, so consecutive scrapes can be compared.
    telemetry = new ClusterTelemetry({ index: service.index, config: setup.config, logger: setup.logger, minIntervalMs: 0, processMetrics: false });
    app = buildApp({ service, config: setup.config, logger: setup.logger, telemetry });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await telemetry.close();
    await service.close();
    await setup.cleanup();
  });

  async function scrape(): Promise<Sample[]> {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}`, host: '10.1.2.3:8080' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    return parseExposition(res.body);
  }

  async function queueMetrics(): Promise<QueueMetrics> {
    const res = await app.inject({ method: 'GET', url: '/metrics/queue', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.statusCode, 200, res.body);
    return QueueMetricsSchema.parse(res.json());
  }

  async function waitFor(sweepId: string, done: (status: SweepStatus) => boolean): Promise<SweepStatus> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const status = await service.status(sweepId);
      if (done(status)) return status;
      if (Date.now() > deadline) throw new Error(`sweep ${sweepId} stuck at ${JSON.stringify(status.counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('opens to the metrics token only the two metrics routes, whatever the Host', async () => {
    const forbidden = await app.inject({ method: 'GET', url: '/sweeps', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(forbidden.statusCode, 403);
    const anonymous = await app.inject({ method: 'GET', url: '/metrics', headers: { host: '10.1.2.3:8080' } });
    assert.equal(anonymous.statusCode, 401, 'no anonymous scrape from another host');
    const withWriteToken = await app.inject({ method: 'GET', url: '/metrics/queue', headers: { authorization: `Bearer ${WRITE_TOKEN}` } });
    assert.equal(withWriteToken.statusCode, 200, 'read credentials open it too');
  });

  it('reports a running sweep as the index records it, during the run and once the worker stopped', async () => {
    // A scrape before the submit: the sweep is then new to the scheduler, whose duration histogram sees every commit.
    const before = await scrape();
    assert.equal(valueOf(before, 'sweepq_redis_up'), 1);
    const { sweepId, total } = await service.submit(sweepSpec(TRIALS));
    assert.equal(total, TRIALS);
    const sweep = { sweep: sweepId };

    const worker: RunningWorker = await startWorker({ config: setup.config, logger: setup.logger, concurrency: 1 });
    let stopped = false;
    try {
      // During the run: counts only move forward, so the scrape lies between two readings of the index.
      const earlier = await waitFor(sweepId, (s) => s.counts.completed >= 3);
      const during = await scrape();
      const later = await service.status(sweepId);
      assert.ok(later.state === 'running', `the sweep still runs (${later.state}): make it longer`);
      const completed = valueOf(during, 'sweepq_sweep_trials', { ...sweep, status: 'completed' });
      assert.ok(
        completed !== undefined && completed >= earlier.counts.completed && completed <= later.counts.completed,
        `completed ${completed} within [${earlier.counts.completed}, ${later.counts.completed}]`,
      );
      let sum = 0;
      for (const status of TRIAL_STATUSES) sum += valueOf(during, 'sweepq_sweep_trials', { ...sweep, status }) ?? Number.NaN;
      assert.equal(sum, TRIALS, 'per-status series of the sweep add up to its planned trials');
      assert.equal(valueOf(during, 'sweepq_sweep_trials_planned', sweep), TRIALS);
      assert.equal(valueOf(during, 'sweepq_workers_alive'), 1);
      assert.equal((valueOf(during, 'sweepq_worker_slots', { state: 'busy' }) ?? 0) + (valueOf(during, 'sweepq_worker_slots', { state: 'idle' }) ?? 0), 1);
      // One slot plus the jobs it fetches ahead while trials are short (SWEEPQ_FETCH_AHEAD per slot).
      assert.ok((valueOf(during, 'sweepq_queue_jobs', { state: 'active' }) ?? -1) <= 1 + setup.config.worker.fetchAhead);
      assert.ok((valueOf(during, 'sweepq_feed_unfed_trials') ?? 0) > 0, 'a window at a time: trials still unfed');
      const rtt = valueOf(during, 'sweepq_redis_rtt_seconds');
      assert.ok(rtt !== undefined && rtt > 0 && rtt < 5, `redis rtt ${rtt}`);
      const running = await queueMetrics();
      assert.equal(running.workers.alive, 1);
      assert.ok(running.demand > 0 && running.demand <= TRIALS);

      // The worker stops mid-sweep (its running trial goes back to the queue): nothing moves any more,
      // so every number must equal the index's exactly.
      await worker.close(5000);
      stopped = true;
      const status = await service.status(sweepId);
      assert.equal(status.state, 'running');
      const still = await scrape();
      for (const s of TRIAL_STATUSES) assert.equal(valueOf(still, 'sweepq_sweep_trials', { ...sweep, status: s }), status.counts[s], `status ${s}`);
      const terminal = status.counts.completed + status.counts.failed + status.counts.cancelled + status.counts.pruned + status.counts.quarantined;
      const fed = (await service.index.sweeps.progressMany([sweepId]))[0]!.fed;
      assert.ok(fed > terminal && fed < TRIALS, `fed ${fed}: more than finished (${terminal}), fewer than planned`);
      const queued = ['waiting', 'prioritized', 'delayed'].reduce((n, state) => n + (valueOf(still, 'sweepq_queue_jobs', { state }) ?? Number.NaN), 0);
      // A block job carries several short trials: count the trials the queued jobs hold.
      const jobs = await service.jobQueue.getJobs(['waiting', 'prioritized', 'delayed']);
      assert.equal(jobs.length, queued, "the exported job counts are BullMQ's");
      const trialsOf = (data: unknown): number => {
        const indices = (data as { indices?: unknown }).indices;
        return Array.isArray(indices) ? indices.length : 1;
      };
      const held = jobs.reduce((n, job) => n + trialsOf(job.data), 0);
      assert.equal(held, fed - terminal, 'every fed, unfinished trial is in a job waiting, prioritized or delayed');
      assert.equal(valueOf(still, 'sweepq_queue_jobs', { state: 'active' }), 0);
      assert.equal(valueOf(still, 'sweepq_feed_unfed_trials'), TRIALS - fed);
      assert.equal(valueOf(still, 'sweepq_sweep_feed_lag_trials', sweep), status.created - fed);
      assert.equal(valueOf(still, 'sweepq_workers_alive'), 0, 'a worker that shut down leaves the registry');

      // The histogram saw every commit once, with the durations the trials recorded.
      const { trials } = await service.trials(sweepId, { status: 'completed', limit: 1000 });
      assert.equal(trials.length, status.counts.completed);
      let seconds = 0;
      for (const t of trials) seconds += t.durationMs! / 1000;
      assert.equal(valueOf(still, 'sweepq_trial_duration_seconds_count', { status: 'completed' }), status.counts.completed);
      assert.ok(Math.abs(valueOf(still, 'sweepq_trial_duration_seconds_sum', { status: 'completed' })! - seconds) < 1e-6);
      assert.equal(valueOf(still, 'sweepq_trial_transitions_total', { status: 'completed' }), status.counts.completed);

      const idle = await queueMetrics();
      assert.equal(idle.jobs.active, 0);
      assert.equal(idle.pending, queued);
      assert.deepEqual(idle.trials, { queued: TRIALS - terminal, active: 0 }, 'trials, not jobs: a block counts each of its trials');
      assert.equal(idle.unfed, TRIALS - fed);
      assert.equal(idle.demand, TRIALS - terminal, 'demand = every trial still to run');

      // A finished sweep leaves the per-sweep series (bounded label cardinality); the totals keep it.
      await service.cancel(sweepId);
      const after = await scrape();
      assert.equal(valueOf(after, 'sweepq_sweep_trials', { ...sweep, status: 'completed' }), undefined);
      assert.equal(valueOf(after, 'sweepq_trials', { status: 'completed' }), status.counts.completed);
      assert.equal(valueOf(after, 'sweepq_trials', { status: 'cancelled' }), TRIALS - status.counts.completed);
      assert.equal((await queueMetrics()).demand, 0);
    } finally {
      if (!stopped) await worker.close(1000);
    }
  });
});
