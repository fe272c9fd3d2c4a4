/**
 * The sweep logic behind every user-facing surface (HTTP API, CLI, embedded `sweepq run`): validate,
 * expand and enqueue sweeps atomically; answer status and leaderboard queries from the metrics index;
 * cancel and retry. Boundaries (Redis index, BullMQ queue, object store) are injected repositories.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import { InvalidInputError, SweepqError } from '../errors/index.js';
import { MetricsIndex, type NewTrial, type SweepRecord } from '../index/index.js';
import type { Logger } from '../logger/logger.js';
import { datasetToCsv } from '../ml/dataset/read-csv.js';
import { applyMissing, makeClassification } from '../ml/dataset/make-classification.js';
import { GREATER_IS_BETTER, METRIC_NAMES, type MetricName } from '../ml/metrics/metric-names.js';
import { createRedisConnection, TrialQueue, trialJobId } from '../queue/index.js';
import { datasetKey, Sha256Schema, type DatasetRef, type SweepContext } from '../schemas/sweep-context.schema.js';
import type { SweepStatus, SweepSummary } from '../schemas/sweep-status.schema.js';
import { SweepIdSchema, TrialIdSchema, type TrialJob, type TrialRecord } from '../schemas/trial.schema.js';
import { createObjectStore, type ObjectStore } from '../store/index.js';
import { assertTrialLimit, countTrials, expandTrials } from '../search/expand-trials.js';
import { parseResolvedSpec, type ResolvedSweepSpec } from './parse-sweep-file.js';
import { DatasetCache, sha256Hex } from './dataset-cache.js';
import { SweepFeeder } from './sweep-feeder.js';
import { assertDatasetFits } from './assert-dataset-fits.js';
import type { SubmitResult, SweepClient, TrialQuery } from './sweep-client.js';

/** Every metric a trial reports (test metrics + CV summary); each has a leaderboard. */
export const REPORTED_METRICS: readonly string[] = [...METRIC_NAMES, 'cv_mean', 'cv_std'];

/** Direction of a metric: higher is better, except losses and spread. */
export function greaterIsBetter(metric: string): boolean {
  if (metric === 'cv_std') return false;
  if (metric === 'cv_mean') return true;
  return GREATER_IS_BETTER[metric as MetricName] ?? true;
}

export interface SweepServiceDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  store: ObjectStore;
  /** Called by close(): releases what the factory created. */
  onClose?: () => Promise<void>;
}

export class SweepService implements SweepClient {
  private readonly index: MetricsIndex;
  private readonly queue: TrialQueue;
  private readonly feeder: SweepFeeder;
  private readonly datasets: DatasetCache;
  private readonly logger: Logger;

  constructor(private readonly deps: SweepServiceDeps) {
    this.index = new MetricsIndex(deps.redis, deps.config.redis.prefix);
    this.queue = new TrialQueue(deps.redis, deps.config.redis.prefix, deps.config.queue);
    this.datasets = new DatasetCache(deps.store, path.join(deps.config.stateDir, 'cache', 'datasets'));
    this.logger = deps.logger.child({ component: 'sweep-service' });
    this.feeder = new SweepFeeder(this.index, this.queue, deps.config.queue.feedWindow, this.logger);
  }

  async uploadDataset(bytes: Buffer): Promise<{ sha256: string }> {
    const limit = this.deps.config.limits.datasetBodyLimitBytes;
    if (bytes.length === 0) throw new InvalidInputError('INVALID_CSV', 'the uploaded dataset is empty; send a CSV with a header row');
    if (bytes.length > limit) {
      throw new InvalidInputError('PAYLOAD_TOO_LARGE', `the dataset is ${bytes.length} bytes, more than the ${limit}-byte limit (SWEEPQ_BODY_LIMIT_BYTES)`);
    }
    const sha256 = sha256Hex(bytes);
    const key = datasetKey(sha256);
    if (!(await this.deps.store.exists(key))) await this.deps.store.put(key, bytes, { contentType: 'text/csv' });
    return { sha256 };
  }

  async submit(input: unknown): Promise<SubmitResult> {
    const spec = parseResolvedSpec(input);
    const maxTrials = this.deps.config.limits.maxTrials;
    // The validator's own check: the same message as the CLI gives ("grid expands to N trials …") and
    // a location (search.space / search.max_trials / trials); the ad-hoc message here had neither.
    assertTrialLimit(spec, maxTrials);
    const plans = expandTrials(spec, { maxTrials });
    const context = await this.resolveContext(spec);
    const sweepId = newSweepId();
    const objective = { metric: spec.objective.metric, goal: spec.objective.goal };
    await this.index.createSweep({
      id: sweepId,
      name: spec.name,
      description: spec.description ?? '',
      createdAt: Date.now(),
      objective,
      seed: spec.seed,
      context,
      spec,
    });
    await this.index.reserveIndices(sweepId, plans.length);
    const trials = plans.map((p) => toNewTrial(sweepId, p.index, p));
    await this.enqueueOrRollback(sweepId, spec.name, trials, true);
    this.logger.info({ sweepId, name: spec.name, total: trials.length }, 'sweep submitted');
    return { sweepId, name: spec.name, total: trials.length };
  }

  async extend(sweepId: string, input: unknown): Promise<SubmitResult> {
    const sweep = await this.requireSweep(sweepId);
    if (sweep.cancelled) {
      throw new SweepqError('CONFLICT', `sweep ${sweepId} is cancelled; run \`sweepq retry ${sweepId}\` first to resume it, then extend it`);
    }
    const spec = parseResolvedSpec(input);
    const context = await this.resolveContext(spec);
    if (JSON.stringify(context) !== JSON.stringify(sweep.context)) {
      throw new InvalidInputError('INVALID_SPEC', `extending sweep ${sweepId} needs the same dataset, split, pipeline and cv as the sweep; submit a new sweep for different ones`);
    }
    const maxTrials = this.deps.config.limits.maxTrials;
    const count = countTrials(spec);
    if (sweep.total + count > maxTrials) {
      throw new InvalidInputError('LIMIT_EXCEEDED', `extending would give ${sweep.total + count} trials, more than the limit of ${maxTrials} (SWEEPQ_MAX_TRIALS)`);
    }
    const plans = expandTrials(spec, { maxTrials });
    const first = await this.index.reserveIndices(sweepId, plans.length);
    const trials = plans.map((p) => toNewTrial(sweepId, first + p.index, p));
    await this.enqueueOrRollback(sweepId, sweep.name, trials, false);
    // The sweep's size with this extension in (a concurrent one may add more).
    return { sweepId, name: sweep.name, total: first + trials.length };
  }

  async listSweeps(options: { experiment?: string; limit?: number; offset?: number } = {}): Promise<SweepSummary[]> {
    const limit = clampInt(options.limit, 1, 1000, 100);
    const offset = clampInt(options.offset, 0, Number.MAX_SAFE_INTEGER, 0);
    const ids = await this.index.listSweepIds({ experiment: options.experiment, offset, limit });
    const sweeps = await this.index.getSweeps(ids);
    return sweeps.map(toSummary);
  }

  async status(sweepId: string): Promise<SweepStatus> {
    const sweep = await this.requireSweep(sweepId);
    const best = await this.bestOrNull(sweep, sweep.objective.metric);
    const now = Date.now();
    const end = sweep.finishedAt ?? now;
    const elapsedMs = sweep.startedAt === null ? 0 : Math.max(0, end - sweep.startedAt);
    const c = sweep.counts;
    const done = c.completed + c.failed + c.cancelled;
    const remaining = sweep.total - done;
    const etaMs = sweep.finishedAt !== null ? 0 : done === 0 || elapsedMs === 0 ? null : Math.round((elapsedMs / done) * remaining);
    return {
      ...toSummary(sweep),
      percent: sweep.total === 0 ? 100 : Math.round((1000 * done) / sweep.total) / 10,
      startedAt: sweep.startedAt,
      elapsedMs,
      etaMs,
      best,
    };
  }

  async trials(sweepId: string, query: TrialQuery = {}): Promise<{ trials: TrialRecord[]; total: number }> {
    const sweep = await this.requireSweep(sweepId);
    const limit = clampInt(query.limit, 1, 1000, 100);
    const offset = clampInt(query.offset, 0, Number.MAX_SAFE_INTEGER, 0);
    if (query.sort !== undefined) {
      assertMetric(query.sort);
      // Leaderboards hold completed trials only: any other status filter matches nothing.
      if (query.status !== undefined && query.status !== 'completed') return { trials: [], total: 0 };
      const { indices, total } = await this.index.leaderboard(sweepId, query.sort, greaterIsBetter(query.sort), offset, limit);
      return { trials: await this.index.getTrials(sweepId, indices), total };
    }
    if (query.status === undefined) {
      const indices: number[] = [];
      for (let i = offset; i < Math.min(sweep.total, offset + limit); i++) indices.push(i);
      return { trials: await this.index.getTrials(sweepId, indices), total: sweep.total };
    }
    // Filtered listing: scan statuses in chunks (cheap pipelined HGETs), then load the page.
    const matching: number[] = [];
    let seen = 0;
    for (let start = 0; start < sweep.total; start += 1000) {
      const statuses = await this.index.statuses(sweepId, start, Math.min(sweep.total, start + 1000));
      for (let i = 0; i < statuses.length; i++) {
        if (statuses[i] !== query.status) continue;
        if (seen >= offset && matching.length < limit) matching.push(start + i);
        seen++;
      }
    }
    return { trials: await this.index.getTrials(sweepId, matching), total: seen };
  }

  async best(sweepId: string, metric?: string): Promise<TrialRecord> {
    const sweep = await this.requireSweep(sweepId);
    const by = metric ?? sweep.objective.metric;
    assertMetric(by);
    const best = await this.bestOrNull(sweep, by);
    if (!best) throw new SweepqError('NOT_FOUND', `sweep ${sweepId} has no completed trial with a ${by} score yet`);
    return best;
  }

  async artifact(sweepId: string, trialId: string): Promise<Buffer> {
    SweepIdSchema.parse(sweepId);
    const parsed = TrialIdSchema.safeParse(trialId);
    if (!parsed.success || !trialId.startsWith(`${sweepId}-t`)) {
      throw new InvalidInputError('INVALID_ARGUMENT', `"${trialId.slice(0, 80)}" is not a trial of sweep ${sweepId}`);
    }
    const index = Number(trialId.slice(sweepId.length + 2));
    const trial = await this.index.getTrial(sweepId, index);
    if (!trial) throw new SweepqError('NOT_FOUND', `trial ${trialId} does not exist`);
    if (trial.status !== 'completed' || trial.artifact === null) {
      throw new SweepqError('NOT_FOUND', `trial ${trialId} has no artefact (status: ${trial.status})`);
    }
    return this.deps.store.get(trial.artifact);
  }

  async cancel(sweepId: string): Promise<SweepStatus> {
    const sweep = await this.requireSweep(sweepId);
    // A finished sweep has nothing left to cancel: setting the flag would only relabel a completed
    // sweep as cancelled (state is derived with cancelled first). No-op, status unchanged.
    if (MetricsIndex.stateOf(sweep) === 'completed') return this.status(sweepId);
    // Flag first: feeders stop adding jobs and claims refuse, so the jobs found below are all there is.
    await this.index.flagCancelled(sweepId);
    const removedJobs = await this.queue.removeJobs(await this.waitingJobIds(sweep));
    const cancelled = await this.index.cancel(sweepId, sweep.total);
    this.logger.info({ sweepId, cancelled, removedJobs }, 'sweep cancelled');
    return this.status(sweepId);
  }

  async retry(sweepId: string): Promise<{ requeued: number }> {
    const sweep = await this.requireSweep(sweepId);
    const requeued = await this.index.requeue(sweepId, sweep.total);
    if (requeued.length === 0) return { requeued: 0 };
    // Trials that already had a job get a new one (id suffixed with the retry number); trials never
    // fed (cancelled before their turn) are left to the feeder, which names them the same way.
    const fed = (await this.index.feedState(sweepId))?.fed ?? sweep.total;
    const jobs: Array<{ data: TrialJob; retries: number }> = [];
    for (const r of requeued) {
      if (r.index < fed) jobs.push({ data: toJob({ sweepId, id: `${sweepId}-t${r.index}`, index: r.index }), retries: r.retries });
    }
    await this.queue.enqueue(jobs);
    await this.index.markFeeding(sweepId);
    await this.feeder.feed(sweepId);
    this.logger.info({ sweepId, requeued: requeued.length }, 'sweep retried');
    return { requeued: requeued.length };
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.deps.onClose?.();
  }

  /**
   * Writes the trial hashes, then feeds the first window of jobs (workers feed the rest as trials
   * finish). A new sweep that cannot be written and fed whole is removed again, jobs included, so
   * nothing half-done remains; an extension's trials, once written, are fed by the workers' timers.
   */
  private async enqueueOrRollback(sweepId: string, name: string, trials: NewTrial[], newSweep: boolean): Promise<void> {
    try {
      await this.index.addTrials(sweepId, trials);
      await this.index.markFeeding(sweepId);
      await this.feeder.feed(sweepId);
    } catch (error) {
      this.logger.error({ err: error, sweepId }, 'enqueue failed; rolling back');
      if (newSweep) {
        const fed = (await this.index.feedState(sweepId).catch(() => null))?.fed ?? Math.min(trials.length, this.deps.config.queue.feedWindow);
        const jobIds: string[] = [];
        for (let i = 0; i < fed; i++) jobIds.push(trialJobId(`${sweepId}-t${i}`, 0));
        await this.queue.removeJobs(jobIds).catch(() => undefined);
        await this.index.deleteSweep(sweepId, name, trials.length, REPORTED_METRICS).catch(() => undefined);
      }
      throw error instanceof SweepqError ? error : new SweepqError('INDEX_UNAVAILABLE', 'could not enqueue the sweep; nothing was submitted', { cause: error });
    }
  }

  private async waitingJobIds(sweep: SweepRecord): Promise<string[]> {
    const ids: string[] = [];
    // Only trials [0, fed) were ever handed to the queue; the rest have no job to remove.
    const fed = (await this.index.feedState(sweep.id))?.fed ?? sweep.total;
    for (let start = 0; start < fed; start += 1000) {
      const end = Math.min(fed, start + 1000);
      const statuses = await this.index.statuses(sweep.id, start, end);
      const queued: number[] = [];
      for (let i = 0; i < statuses.length; i++) if (statuses[i] === 'queued') queued.push(start + i);
      if (queued.length === 0) continue;
      // A retried trial's current job id carries its retry number. Only id + retries are read: parsing
      // whole trial records made this the slowest step of cancelling a 100k-trial sweep.
      const refs = await this.index.jobRefs(sweep.id, queued);
      for (const r of refs) ids.push(trialJobId(r.id, r.retries));
    }
    return ids;
  }

  private async bestOrNull(sweep: SweepRecord, metric: string): Promise<TrialRecord | null> {
    const { indices } = await this.index.leaderboard(sweep.id, metric, greaterIsBetter(metric), 0, 1);
    if (indices.length === 0) return null;
    return this.index.getTrial(sweep.id, indices[0]!);
  }

  private async requireSweep(sweepId: string): Promise<SweepRecord> {
    const parsed = SweepIdSchema.safeParse(sweepId);
    if (!parsed.success) throw new InvalidInputError('INVALID_ARGUMENT', `"${String(sweepId).slice(0, 80)}" is not a sweep id (they look like s-<letters and digits>)`);
    const sweep = await this.index.getSweep(sweepId);
    if (!sweep) throw new SweepqError('NOT_FOUND', `sweep ${sweepId} does not exist`);
    return sweep;
  }

  /**
   * Turns the spec's dataset into content-addressed store objects and checks that it loads (target
   * column, classes, split) — bad data is rejected here, before anything is enqueued.
   */
  private async resolveContext(spec: ResolvedSweepSpec): Promise<SweepContext> {
    const dataset = spec.dataset;
    let ref: DatasetRef;
    // The schema fills split defaults for single-file datasets; train + test files have none.
    const split = spec.split === undefined ? null : { test_size: spec.split.test_size, random_state: spec.split.random_state, stratify: spec.split.stratify };
    // Generated data is stored only after the checks below pass: a refused spec writes nothing.
    let generatedCsv: string | undefined;
    if (dataset.make_classification !== undefined) {
      let generated = makeClassification(dataset.make_classification);
      if (dataset.missing !== undefined && dataset.missing.length > 0) generated = applyMissing(generated, dataset.missing);
      generatedCsv = datasetToCsv(generated, dataset.target);
      ref = { train: sha256Hex(generatedCsv), test: null, target: dataset.target, split };
    } else if (dataset.csv !== undefined) {
      ref = { train: await this.requireDataset(dataset.csv.sha256, 'dataset.csv'), test: null, target: dataset.target, split };
    } else if (dataset.train !== undefined && dataset.test !== undefined) {
      ref = {
        train: await this.requireDataset(dataset.train.sha256, 'dataset.train'),
        test: await this.requireDataset(dataset.test.sha256, 'dataset.test'),
        target: dataset.target,
        split: null,
      };
    } else {
      throw new InvalidInputError('INVALID_SPEC', 'dataset needs exactly one of csv, train + test, or make_classification', { location: { path: 'dataset' } });
    }
    const trainText = generatedCsv ?? (await this.datasets.readText(ref.train));
    const testText = ref.test === null ? null : await this.datasets.readText(ref.test);
    assertDatasetFits(ref, trainText, testText, spec.cv.folds);
    if (generatedCsv !== undefined) await this.uploadDataset(Buffer.from(generatedCsv));
    return { v: 1, dataset: ref, pipeline: spec.pipeline, cv: { folds: spec.cv.folds, scoring: spec.cv.scoring, shuffle: spec.cv.shuffle } };
  }

  private async requireDataset(sha256: string, where: string): Promise<string> {
    Sha256Schema.parse(sha256);
    if (!(await this.deps.store.exists(datasetKey(sha256)))) {
      throw new InvalidInputError('INVALID_SPEC', `${where}: dataset ${sha256} has not been uploaded; upload it first (POST /datasets, or submit with the CLI which uploads local files)`, {
        location: { path: where },
      });
    }
    return sha256;
  }
}

/** Builds a SweepService with its own Redis connection and object store from the config. */
export async function createSweepService(options: { config: Config; logger: Logger; redisUrl?: string }): Promise<SweepService> {
  const url = options.redisUrl ?? options.config.redis.url;
  if (!url) throw new SweepqError('INVALID_ARGUMENT', 'no Redis configured: set REDIS_URL (or use `sweepq run`, which starts its own)');
  const redis = createRedisConnection(url, { name: 'sweepq-service', logger: options.logger });
  const store = await createObjectStore(options.config, options.logger);
  try {
    await store.ensureReady();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return new SweepService({
    config: options.config,
    logger: options.logger,
    redis,
    store,
    onClose: async () => {
      await redis.quit().catch(() => undefined);
      await store.close?.();
    },
  });
}

function newSweepId(): string {
  // Time-ordered (base36 ms) + 48 random bits: unique across schedulers without coordination.
  return `s-${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

function toNewTrial(sweepId: string, index: number, plan: { name: string; model: string; params: Record<string, unknown>; seed: number }): NewTrial {
  return { index, id: `${sweepId}-t${index}`, name: plan.name, model: plan.model, params: plan.params, seed: plan.seed };
}

function toJob(trial: { sweepId: string; id: string; index: number }): TrialJob {
  return { v: 1, sweepId: trial.sweepId, trialId: trial.id, index: trial.index };
}

function toSummary(sweep: SweepRecord): SweepSummary {
  return {
    id: sweep.id,
    name: sweep.name,
    state: MetricsIndex.stateOf(sweep),
    total: sweep.total,
    counts: sweep.counts,
    objective: sweep.objective,
    createdAt: sweep.createdAt,
    finishedAt: sweep.finishedAt,
  };
}

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

function assertMetric(metric: string): void {
  if (!REPORTED_METRICS.includes(metric)) {
    throw new InvalidInputError('INVALID_ARGUMENT', `unknown metric "${metric.slice(0, 40)}"; use one of ${REPORTED_METRICS.join(', ')}`);
  }
}
