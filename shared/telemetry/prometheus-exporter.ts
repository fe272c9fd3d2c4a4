/**
 * The Prometheus metrics of a scheduler (`GET /metrics`, prom-client). Everything but the process
 * metrics and the trial-event series describes the whole installation as Redis holds it, so every
 * scheduler replica reports the same values: scrape one, or aggregate replicas with `max`, not `sum`.
 *
 * Label cardinality stays bounded: per-sweep series exist only for the newest `maxSweepSeries`
 * unfinished sweeps and disappear when a sweep finishes; everything else is a total.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LogEvent } from '../index/index.js';
import { QUEUE_JOB_STATES } from '../queue/index.js';
import { TRIAL_STATUSES } from '../schemas/trial.schema.js';
import type { ClusterSnapshot } from './cluster-snapshot.js';
import { feedLag, unfedTrials } from './queue-demand.js';

/** Trial durations span a 50 ms logistic regression to hours of boosting. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];

export interface PrometheusExporterOptions {
  /** Most unfinished sweeps (newest first) that get series of their own. Default 100. */
  maxSweepSeries?: number;
  /** Also export prom-client's process metrics (CPU, memory, event-loop lag, GC). Default true. */
  processMetrics?: boolean;
}

export class PrometheusExporter {
  /** Always exported: sweepq_redis_up, the trial-event series and the process metrics. */
  private readonly registry = new Registry();
  /**
   * The series read from Redis, exported only after a successful reading. A registry of their own
   * because prom-client exports an unlabelled gauge as 0 even after `reset()`: with Redis down that
   * would report `sweepq_workers_alive 0` instead of nothing.
   */
  private readonly clusterRegistry = new Registry();
  private readonly maxSweepSeries: number;
  private readonly redisUp: Gauge;
  private readonly redisRtt: Gauge;
  private readonly collectSeconds: Gauge;
  private readonly queueJobs: Gauge<'state'>;
  private readonly trials: Gauge<'status'>;
  private readonly sweeps: Gauge<'state'>;
  private readonly sweepTrials: Gauge<'sweep' | 'experiment' | 'status'>;
  private readonly sweepPlanned: Gauge<'sweep' | 'experiment'>;
  private readonly sweepFeedLag: Gauge<'sweep' | 'experiment'>;
  private readonly feedLagTotal: Gauge;
  private readonly unfed: Gauge;
  private readonly workersAlive: Gauge;
  private readonly workersPaused: Gauge;
  private readonly workerSlots: Gauge<'state'>;
  private readonly duration: Histogram<'status'>;
  private readonly transitions: Counter<'status'>;
  /** Gauges that describe the installation: cleared when Redis cannot be read, so no stale value is scraped. */
  private readonly clusterGauges: Gauge<string>[];

  constructor(options: PrometheusExporterOptions = {}) {
    this.maxSweepSeries = options.maxSweepSeries ?? 100;
    const registers = [this.registry];
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> =>
      new Gauge<L>({ name, help, labelNames, registers: [this.clusterRegistry] });
    this.redisUp = new Gauge({
      name: 'sweepq_redis_up',
      help: '1 when the last reading of Redis succeeded, else 0 (the other sweepq_ series are then absent)',
      registers,
    });
    this.redisRtt = gauge('sweepq_redis_rtt_seconds', 'Round trip of one PING to Redis, measured at the last reading');
    this.collectSeconds = gauge('sweepq_metrics_collect_seconds', 'Time the last reading of Redis took');
    this.queueJobs = gauge('sweepq_queue_jobs', 'BullMQ trial jobs per state (completed and failed: retained jobs only)', ['state']);
    this.trials = gauge('sweepq_trials', 'Trials per status over every sweep (queued includes planned trials not created yet)', ['status']);
    this.sweeps = gauge('sweepq_sweeps', 'Sweeps, unfinished or finished', ['state']);
    this.sweepTrials = gauge('sweepq_sweep_trials', 'Trials per status of each unfinished sweep (the newest ones)', ['sweep', 'experiment', 'status']);
    this.sweepPlanned = gauge('sweepq_sweep_trials_planned', 'Planned trials of each unfinished sweep (the newest ones)', ['sweep', 'experiment']);
    this.sweepFeedLag = gauge('sweepq_sweep_feed_lag_trials', 'Trials created but not handed to BullMQ (created - fed), per unfinished sweep', [
      'sweep',
      'experiment',
    ]);
    this.feedLagTotal = gauge('sweepq_feed_lag_trials', 'Trials created but not handed to BullMQ (created - fed), over unfinished sweeps');
    this.unfed = gauge('sweepq_feed_unfed_trials', 'Planned trials of running sweeps not handed to BullMQ yet (planned - fed); fed a window at a time');
    this.workersAlive = gauge('sweepq_workers_alive', 'Workers in the registry (heartbeat within three intervals)');
    this.workersPaused = gauge('sweepq_workers_paused', 'Live workers that stopped taking jobs after a local fault');
    this.workerSlots = gauge('sweepq_worker_slots', 'Trial slots of live workers, busy or idle', ['state']);
    this.clusterGauges = [
      this.redisRtt,
      this.collectSeconds,
      this.queueJobs,
      this.trials,
      this.sweeps,
      this.sweepTrials,
      this.sweepPlanned,
      this.sweepFeedLag,
      this.feedLagTotal,
      this.unfed,
      this.workersAlive,
      this.workersPaused,
      this.workerSlots,
    ] as Gauge<string>[];
    this.duration = new Histogram({
      name: 'sweepq_trial_duration_seconds',
      help: 'Training time of committed trials (completed, pruned), from the completion log since this scheduler started watching',
      labelNames: ['status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.transitions = new Counter({
      name: 'sweepq_trial_transitions_total',
      help: 'Completion-log events by the status a trial moved to (active = an attempt started, queued = handed back), since this scheduler started watching',
      labelNames: ['status'],
      registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Takes one completion-log event into the duration histogram and the transition counter. */
  observe(event: LogEvent): void {
    this.transitions.inc({ status: event.s });
    if ((event.s === 'completed' || event.s === 'pruned') && typeof event.d === 'number' && Number.isFinite(event.d) && event.d >= 0) {
      this.duration.observe({ status: event.s }, event.d / 1000);
    }
  }

  /** The exposition text for `snapshot`; undefined = Redis could not be read (only `sweepq_redis_up 0` and the process metrics). */
  async render(snapshot: ClusterSnapshot | undefined): Promise<string> {
    for (const g of this.clusterGauges) g.reset();
    this.redisUp.set(snapshot === undefined ? 0 : 1);
    const always = await this.registry.metrics();
    if (snapshot === undefined) return always;
    this.setCluster(snapshot);
    // Two registries, one exposition: their metric names are distinct, so the texts concatenate.
    return always + (await this.clusterRegistry.metrics());
  }

  private setCluster(snapshot: ClusterSnapshot): void {
    this.redisRtt.set(snapshot.redisRttSeconds);
    this.collectSeconds.set(snapshot.collectSeconds);
    for (const state of QUEUE_JOB_STATES) this.queueJobs.set({ state }, snapshot.jobs[state]);
    for (const status of TRIAL_STATUSES) this.trials.set({ status }, snapshot.totals[status]);
    this.sweeps.set({ state: 'unfinished' }, snapshot.unfinished.length);
    this.sweeps.set({ state: 'finished' }, snapshot.sweeps - snapshot.unfinished.length);
    let lag = 0;
    for (let i = 0; i < snapshot.unfinished.length; i++) {
      const sweep = snapshot.unfinished[i]!;
      lag += feedLag(sweep);
      if (i >= this.maxSweepSeries) continue;
      const labels = { sweep: sweep.id, experiment: sweep.name };
      for (const status of TRIAL_STATUSES) this.sweepTrials.set({ ...labels, status }, sweep.counts[status]);
      this.sweepPlanned.set(labels, sweep.total);
      this.sweepFeedLag.set(labels, feedLag(sweep));
    }
    this.feedLagTotal.set(lag);
    this.unfed.set(unfedTrials(snapshot.unfinished));
    const w = snapshot.workers;
    this.workersAlive.set(w.alive);
    this.workersPaused.set(w.paused);
    this.workerSlots.set({ state: 'busy' }, w.busy);
    this.workerSlots.set({ state: 'idle' }, Math.max(0, w.slots - w.busy));
  }
}
