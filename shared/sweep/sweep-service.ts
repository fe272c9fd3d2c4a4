/**
 * The sweep logic behind every user-facing surface (HTTP API, CLI, embedded `sweepq run`): validate a
 * sweep and plan its trials atomically; answer status, listing, filter and leaderboard queries from the
 * metrics index and the read model; cancel and retry. Boundaries (Redis index, BullMQ queue, object
 * store) are injected repositories.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import { InvalidInputError, SweepqError } from '../errors/index.js';
import { ensureIndexVersion, MetricsIndex, SweepRecords, type RunState, type RunWrite, type SweepRecord } from '../index/index.js';
import type { Logger } from '../logger/logger.js';
import { createRedisConnection, currentJobId, TrialQueue, trialJobId } from '../queue/index.js';
import { SweepReadModel } from '../read-model/sweep-read-model.js';
import { DEFAULT_SCORING } from '../ml/metrics/metric-names.js';
import type { DatasetFormat, SweepContext } from '../schemas/sweep-context.schema.js';
import type { ResolvedSweepSpec } from '../schemas/sweep-spec.schema.js';
import { MetricRegistry } from '../metrics/metric-registry.js';
import type { SegmentPlan } from '../search/search-segment.js';
import type { ExperimentSummary, SweepStatus, SweepSummary } from '../schemas/sweep-status.schema.js';
import { closestMatch } from '../schemas/spec-messages.js';
import { applyTagChange, MAX_TAGS, TagChangeSchema, type TagChange } from '../schemas/tags.schema.js';
import { SweepIdSchema, TrialIdSchema, type TrialJob, type TrialRecord } from '../schemas/trial.schema.js';
import type { WorkerInfo } from '../schemas/worker.schema.js';
import { planSegments } from '../search/expand-trials.js';
import { createObjectStore, type ObjectStore } from '../store/index.js';
import { assertTrialsFit } from './assert-trials-fit.js';
import { parseProgramSweepSpec, parseResolvedSweepSpec } from './parse-sweep-file.js';
import { isProgramSweepDocument, type ProgramContext, type ProgramSweepSpec } from '../schemas/program-spec.schema.js';
import { builtinMetric } from '../metrics/metric-registry.js';
import { bundleKey, uploadBundle, type LocalBundle } from '../program/program-bundle.js';
import { BundleIntake } from '../program/bundle-intake.js';
import type { SubmitResult, SweepClient, TrialPage, TrialQuery } from './sweep-client.js';
import type { ResolvedContext, SweepContextResolver } from './sweep-context-resolver.js';
import { createSweepContextResolver, type PreparedSweepContext } from './sweep-context-preparation.js';
import { storeDatasetFile, storeHashedDatasetFile } from './store-dataset-file.js';
import { SweepDeletion, type DeletionReport } from './sweep-deletion.js';
import { SweepRetention } from './sweep-retention.js';
import { SweepFeeder } from './sweep-feeder.js';
import { collectWarmStart } from './warm-start.js';
import { Reconciler } from './reconciler.js';

export interface SweepServiceDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  store: ObjectStore;
  /** Called by close(): releases what the factory created. */
  onClose?: () => Promise<void>;
}

const MAX_PAGE = 1000;

export class SweepService implements SweepClient {
  readonly index: MetricsIndex;
  /** The columnar snapshots of sweeps' trials that filters, orderings and charts are answered from. */
  readonly readModel: SweepReadModel;
  private readonly queue: TrialQueue;
  private readonly feeder: SweepFeeder;
  private readonly resolver: SweepContextResolver;
  private readonly logger: Logger;
  /** Repairs what the queue and index disagree on (see reconciler.ts); started by long-lived hosts. */
  readonly reconciler: Reconciler;
  /** Deletes sweeps past SWEEPQ_RETENTION_DAYS (see sweep-retention.ts); started by long-lived hosts. */
  readonly retention: SweepRetention;
  private readonly deletion: SweepDeletion;

  private intake: BundleIntake | undefined;

  constructor(private readonly deps: SweepServiceDeps) {
    this.index = new MetricsIndex(deps.redis, deps.config.redis.prefix, { heartbeatMs: deps.config.worker.heartbeatMs });
    this.queue = new TrialQueue(deps.redis, deps.config.redis.prefix, deps.config.queue);
    this.logger = deps.logger.child({ component: 'sweep-service' });
    this.feeder = new SweepFeeder(this.index, this.queue, deps.config.queue.feedWindow, this.logger);
    this.resolver = createSweepContextResolver(deps.config, deps.store);
    this.readModel = new SweepReadModel(this.index);
    this.reconciler = new Reconciler(this.index, this.queue, this.feeder, { intervalMs: deps.config.queue.reconcileIntervalMs, logger: this.logger });
    this.deletion = new SweepDeletion(this.index, this.queue, deps.store, this.logger);
    this.retention = new SweepRetention(this.deletion, deps.redis, this.index.keys.retentionLock(), {
      retentionDays: deps.config.queue.retentionDays,
      intervalMs: deps.config.queue.retentionIntervalMs,
      logger: this.logger,
    });
  }

  /** The object store (artefacts, datasets, trial diagnostics): the MLflow artefact routes and the dashboard read it. */
  get store(): ObjectStore {
    return this.deps.store;
  }

  /** The BullMQ queue of trial jobs (the read-only queue view at /admin/queues). */
  get jobQueue(): TrialQueue['queue'] {
    return this.queue.queue;
  }

  /** Stores dataset bytes held in memory (tests, small generated files); see {@link uploadDatasetStream}. */
  uploadDataset(bytes: Buffer): Promise<{ sha256: string; format: DatasetFormat }> {
    return this.uploadDatasetStream(Readable.from([bytes]), this.deps.config.limits.datasetBodyLimitBytes);
  }

  /** Stores a local data file (CSV, gzip CSV or Parquet), streamed; see store-dataset-file.ts. */
  uploadDatasetFile(file: string): Promise<{ sha256: string; format: DatasetFormat }> {
    return storeDatasetFile(this.deps.store, file);
  }

  /**
   * Stores a dataset arriving as a stream (an HTTP upload), never held in memory: written to a
   * scratch file while hashed, refused past `limitBytes` (PAYLOAD_TOO_LARGE, nothing kept), then
   * stored content-addressed like {@link uploadDatasetFile}.
   */
  async uploadDatasetStream(body: Readable, limitBytes: number): Promise<{ sha256: string; format: DatasetFormat }> {
    const dir = path.join(this.deps.config.stateDir, 'cache', 'uploads');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `upload-${randomBytes(8).toString('hex')}.part`);
    try {
      let size = 0;
      const hash = createHash('sha256');
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (size > limitBytes) {
            callback(new InvalidInputError('PAYLOAD_TOO_LARGE', `the dataset is more than the ${limitBytes}-byte limit (SWEEPQ_BODY_LIMIT_BYTES)`));
            return;
          }
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      await pipeline(body, meter, createWriteStream(file));
      if (size === 0) throw new InvalidInputError('INVALID_CSV', 'the uploaded dataset is empty; send a CSV with a header row');
      // Awaited here, so the temp file is removed (finally) only after the store has it.
      return await storeHashedDatasetFile(this.deps.store, file, hash.digest('hex'));
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * Validates, plans and creates a sweep, then feeds its first trials. `prepared`: its context, resolved
   * ahead while this service started (`sweepq run`); used only when it was resolved from this spec.
   */
  async submit(input: unknown, options: { prepared?: PreparedSweepContext } = {}): Promise<SubmitResult> {
    if (isProgramSweepDocument(input)) return this.submitProgram(input);
    const spec = parseResolvedSweepSpec(input);
    const maxTrials = this.deps.config.limits.maxTrials;
    // Planning counts the trials without creating any: an oversized grid is refused at once.
    const segments = planSegments(spec, maxTrials);
    const { context, shape, schema, task } = await this.resolveContext(spec, options.prepared);
    // Poison trials are refused here, before they can kill worker after worker.
    assertTrialsFit(segments, shape, context.limits!.memory_mb, task);
    await this.warmStart(spec, context, segments, spec.objective ?? { metric: DEFAULT_SCORING[task] });
    const sweepId = newSweepId();
    await this.index.sweeps.create({
      id: sweepId,
      name: spec.name,
      description: spec.description ?? '',
      createdAt: Date.now(),
      metrics: {
        cvScoring: spec.cv.folds >= 2 ? context.cv.scoring : null,
        objective: spec.objective ?? { metric: DEFAULT_SCORING[task] },
        ...(spec.metrics === undefined ? {} : { declared: spec.metrics }),
      },
      seed: spec.seed,
      context,
      schema,
      spec,
    });
    return this.planAndFeed(sweepId, spec.name, segments, 'sweep submitted');
  }

  /** The context of `spec`: the prepared one when it was resolved from an equal spec, else resolved now. */
  private resolveContext(spec: ResolvedSweepSpec, prepared: PreparedSweepContext | undefined): Promise<ResolvedContext> {
    if (prepared !== undefined && isDeepStrictEqual(prepared.spec, spec)) return prepared.resolved;
    return this.resolver.resolve(spec);
  }

  /**
   * Second half of a submit, once the sweep hash exists: the segments are appended and the first window
   * created and fed now (workers feed the rest as trials finish); any failure rolls the whole sweep back.
   */
  private async planAndFeed(sweepId: string, name: string, segments: SegmentPlan[], message: string): Promise<SubmitResult> {
    let total = 0;
    try {
      await this.index.feed.appendSegments(sweepId, segments, this.deps.config.limits.maxTrials);
      for (const s of segments) total += s.size;
      await this.feeder.feed(sweepId);
    } catch (error) {
      await this.rollback(sweepId, name, error);
    }
    this.logger.info({ sweepId, name, total }, message);
    return { sweepId, name, total };
  }

  /** search.warm_start: gives the TPE segment the earlier sweeps' completed trials (see warm-start.ts). */
  private async warmStart(
    spec: ResolvedSweepSpec,
    context: SweepContext,
    segments: SegmentPlan[],
    objective: { metric: string; goal?: 'maximize' | 'minimize' | undefined },
  ): Promise<void> {
    const warm = spec.search?.warm_start;
    const segment = segments.find((s) => s.kind === 'tpe');
    if (warm === undefined || segment === undefined || segment.kind !== 'tpe') return;
    const goal =
      objective.goal ??
      new MetricRegistry({
        cvScoring: spec.cv.folds >= 2 ? context.cv.scoring : null,
        objective: { metric: objective.metric },
        ...(spec.metrics === undefined ? {} : { declared: spec.metrics }),
      }).objective.goal;
    const read = async (sweepId: string, limit: number) => (await this.trials(sweepId, { status: 'completed', limit: Math.min(limit, MAX_PAGE) })).trials;
    const observations = await collectWarmStart(this.index, read, {
      spec: warm,
      name: spec.name,
      context,
      objective: { metric: objective.metric, goal },
      space: spec.search!.space,
    });
    if (observations.length > 0) segment.warm = observations;
    this.logger.info({ name: spec.name, warm: observations.length }, 'warm start from earlier sweeps');
  }

  /**
   * Submits a program sweep (issue 14): no data to resolve; the program's command, environment and
   * limits become the sweep context. The objective is declared as a metric when it is not built in,
   * so `best`, sorting and the leaderboard know its direction.
   */
  private async submitProgram(input: unknown): Promise<SubmitResult> {
    const spec = parseProgramSweepSpec(input);
    const segments = planSegments(spec, this.deps.config.limits.maxTrials);
    const context = await this.programContext(spec);
    const declared = [...(spec.metrics ?? [])];
    if (builtinMetric(spec.objective.metric) === undefined && !declared.some((d) => d.name === spec.objective.metric))
      declared.push({ name: spec.objective.metric, goal: spec.objective.goal });
    const sweepId = newSweepId();
    await this.index.sweeps.create({
      id: sweepId,
      name: spec.name,
      description: spec.description ?? '',
      createdAt: Date.now(),
      metrics: { cvScoring: null, objective: spec.objective, declared },
      seed: spec.seed,
      context,
      schema: null,
      spec,
    });
    return this.planAndFeed(sweepId, spec.name, segments, 'program sweep submitted');
  }

  /** A program sweep's context: its command, environment, bundle (which must be stored), limits and pruner. */
  private async programContext(spec: ProgramSweepSpec): Promise<ProgramContext> {
    const limits = this.deps.config.limits;
    const memory = spec.limits?.memory_mb ?? limits.trialMemoryMb;
    if (memory > limits.trialMemoryMaxMb) {
      throw new InvalidInputError(
        'LIMIT_EXCEEDED',
        `limits.memory_mb is ${memory}, more than this sweepq allows per trial (${limits.trialMemoryMaxMb}, SWEEPQ_TRIAL_MEMORY_MAX_MB); lower it`,
        { location: { path: 'limits.memory_mb' } },
      );
    }
    const bundle = spec.program.bundle;
    if (typeof bundle === 'string' || (bundle !== undefined && !(await this.deps.store.exists(bundleKey(bundle.sha256))))) {
      throw new InvalidInputError('INVALID_SPEC', 'program.bundle has not been uploaded (submit with the CLI, which uploads the folder, or upload it first)', {
        location: { path: 'program.bundle' },
      });
    }
    return {
      v: 1,
      kind: 'program',
      program: {
        command: spec.program.command,
        env: spec.program.env ?? {},
        workdir: spec.program.workdir ?? null,
        bundle: bundle?.sha256 ?? null,
        memory_mb: spec.limits?.memory_mb ?? null,
      },
      limits: { memory_mb: memory, timeout_s: spec.program.timeout_s ?? spec.limits?.timeout_s ?? limits.trialTimeoutS },
      ...(spec.search?.pruner === undefined ? {} : { pruner: spec.search.pruner }),
    };
  }

  /**
   * Adds trials to a program sweep: the extension's file must run the same program (command,
   * environment, bundle — so the same code), report the same objective and prune alike; its trials
   * and search are appended like a built-in extension's. Limits and the working directory stay the
   * sweep's (every trial runs under the sweep's context).
   */
  private async extendProgram(
    sweep: { id: string; name: string; context: ProgramContext; objective: { metric: string } },
    input: unknown,
  ): Promise<SubmitResult> {
    if (!isProgramSweepDocument(input))
      throw new InvalidInputError(
        'INVALID_SPEC',
        `sweep ${sweep.id} runs a program: extend it with a program sweep file (program:, objective:, trials: or search:)`,
      );
    const spec = parseProgramSweepSpec(input);
    const maxTrials = this.deps.config.limits.maxTrials;
    const segments = planSegments(spec, maxTrials);
    const context = await this.programContext(spec);
    const same = (a: ProgramContext) => JSON.stringify({ ...a.program, workdir: null, memory_mb: null });
    if (same(context) !== same(sweep.context)) {
      throw new InvalidInputError(
        'INVALID_SPEC',
        `extending sweep ${sweep.id} needs the same program (command, env and bundle: the same code) as the sweep; submit a new sweep for a changed program`,
        { location: { path: 'program' } },
      );
    }
    if (spec.objective.metric !== sweep.objective.metric) {
      throw new InvalidInputError(
        'INVALID_SPEC',
        `sweep ${sweep.id} optimizes ${sweep.objective.metric}, not ${spec.objective.metric}; an extension keeps the sweep's objective`,
        { location: { path: 'objective.metric' } },
      );
    }
    if (JSON.stringify(context.pruner ?? null) !== JSON.stringify(sweep.context.pruner ?? null)) {
      throw new InvalidInputError(
        'INVALID_SPEC',
        `extending sweep ${sweep.id} needs the same search.pruner as the sweep (its rungs are shared by every trial)`,
        { location: { path: 'search.pruner' } },
      );
    }
    return this.appendAndFeed(sweep.id, sweep.name, segments, maxTrials);
  }

  /** One atomic append: the extension's segments all land, with disjoint indices, or none does. */
  private async appendAndFeed(sweepId: string, name: string, segments: SegmentPlan[], maxTrials: number): Promise<SubmitResult> {
    const first = await this.index.feed.appendSegments(sweepId, segments, maxTrials);
    let added = 0;
    for (const s of segments) added += s.size;
    await this.feeder.feed(sweepId).catch((error: unknown) => {
      // The segments are stored: the workers' feed timers create and feed them. Nothing is lost.
      this.logger.warn({ err: error, sweepId }, 'feeding the extension failed; workers will feed it');
    });
    return { sweepId, name, total: first + added };
  }

  /** Takes bundles uploaded over the HTTP API (bundle.routes.ts), into the store behind this service. */
  get bundleIntake(): BundleIntake {
    this.intake ??= new BundleIntake(this.deps.store, path.join(this.deps.config.stateDir, 'cache', 'uploads'));
    return this.intake;
  }

  /** Stores a program bundle read by the CLI (content-addressed: unchanged files are not uploaded again). */
  uploadBundle(bundle: LocalBundle): Promise<void> {
    return uploadBundle(this.deps.store, bundle);
  }

  async extend(sweepId: string, input: unknown): Promise<SubmitResult> {
    const sweep = await this.requireTrainedSweep(sweepId, 'extended');
    if (sweep.cancelled) {
      throw new SweepqError('CONFLICT', `sweep ${sweepId} is cancelled; run \`sweepq retry ${sweepId}\` first to resume it, then extend it`);
    }
    const { context } = sweep;
    if ('kind' in context) return this.extendProgram({ id: sweepId, name: sweep.name, context, objective: sweep.objective }, input);
    if (isProgramSweepDocument(input))
      throw new InvalidInputError('INVALID_SPEC', `sweep ${sweepId} trains built-in models: a program sweep file cannot extend it (submit it as a new sweep)`);
    const spec = parseResolvedSweepSpec(input);
    const maxTrials = this.deps.config.limits.maxTrials;
    const segments = planSegments(spec, maxTrials);
    const resolved = await this.resolver.resolve(spec);
    const { shape, task } = resolved;
    // fold_split holds the data shape (same data, same shape) and this process's split threshold, which
    // may differ from the submitting one's; the sweep keeps its own.
    const differences = contextDifferences(context, resolved.context);
    if (differences.length > 0) {
      throw new InvalidInputError(
        'INVALID_SPEC',
        `extending sweep ${sweepId} needs the same dataset, split, pipeline and cv as the sweep, but this file's ${differences.join(', ')} differ${differences.length === 1 ? 's' : ''} from the sweep's; submit a new sweep for different ones`,
      );
    }
    assertTrialsFit(segments, shape, context.limits?.memory_mb ?? this.deps.config.limits.trialMemoryMb, task);
    return this.appendAndFeed(sweepId, sweep.name, segments, maxTrials);
  }

  async listSweeps(options: { experiment?: string; limit?: number; offset?: number } = {}): Promise<SweepSummary[]> {
    const limit = clampInt(options.limit, 1, MAX_PAGE, 100);
    const offset = clampInt(options.offset, 0, Number.MAX_SAFE_INTEGER, 0);
    const ids = await this.index.sweeps.listIds({ experiment: options.experiment, offset, limit });
    const sweeps = await this.index.sweeps.getMany(ids);
    return sweeps.map(toSummary);
  }

  async listExperiments(options: { limit?: number; offset?: number } = {}): Promise<ExperimentSummary[]> {
    const limit = clampInt(options.limit, 1, MAX_PAGE, 100);
    const offset = clampInt(options.offset, 0, Number.MAX_SAFE_INTEGER, 0);
    return this.index.sweeps.experimentSummaries(offset, limit);
  }

  async status(sweepId: string): Promise<SweepStatus> {
    const sweep = await this.requireSweep(sweepId);
    const [best, workers] = await Promise.all([this.bestOrNull(sweep, sweep.objective.metric), this.index.workers.list()]);
    const now = Date.now();
    const end = sweep.finishedAt ?? now;
    const elapsedMs = sweep.startedAt === null ? 0 : Math.max(0, end - sweep.startedAt);
    const c = sweep.counts;
    const done = sweep.total - c.queued - c.active;
    const remaining = sweep.total - done;
    const etaMs = sweep.finishedAt !== null ? 0 : done === 0 || elapsedMs === 0 ? null : Math.round((elapsedMs / done) * remaining);
    return {
      ...toSummary(sweep),
      percent: sweep.total === 0 ? 100 : Math.round((1000 * done) / sweep.total) / 10,
      startedAt: sweep.startedAt,
      elapsedMs,
      etaMs,
      best,
      workers,
      data: await this.index.sweeps.schema(sweepId),
      task: sweep.context === null ? null : 'kind' in sweep.context ? 'program' : (sweep.context.task ?? 'classification'),
    };
  }

  async trials(sweepId: string, query: TrialQuery = {}): Promise<TrialPage> {
    checkSweepId(sweepId);
    const limit = clampInt(query.limit, 1, MAX_PAGE, 100);
    const offset = clampInt(query.offset, 0, Number.MAX_SAFE_INTEGER, 0);
    // The dashboard's table: sweep record, page and records usually in one round trip (issue 10).
    const page = await this.readModel.recordPageById(sweepId, { ...query, limit, offset });
    if (page === null) throw new SweepqError('NOT_FOUND', `sweep ${sweepId} does not exist`);
    return { trials: page.records, total: page.total };
  }

  async experimentTrials(experiment: string, query: TrialQuery = {}): Promise<TrialPage> {
    const ids = await this.index.sweeps.experimentSweepIds(experiment);
    if (ids.length === 0) {
      // Most often a misspelt name: suggest the closest experiment there is.
      const known = (await this.index.sweeps.experimentSummaries(0, MAX_PAGE)).map((summary) => summary.name);
      const suggestion = closestMatch(experiment, known);
      throw new SweepqError(
        'NOT_FOUND',
        `experiment "${experiment.slice(0, 100)}" has no sweeps${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
      );
    }
    return this.queryTrialsOf(await this.index.sweeps.getMany(ids), query);
  }

  async best(sweepId: string, metric?: string): Promise<TrialRecord> {
    const sweep = await this.requireSweep(sweepId);
    const by = metric ?? sweep.objective.metric;
    sweep.metrics.get(by);
    const best = await this.bestOrNull(sweep, by);
    if (!best)
      throw new SweepqError('NOT_FOUND', `sweep ${sweepId} has no completed trial with a score for ${by} yet (sweepq status ${sweepId} shows its progress)`);
    return best;
  }

  async artifact(sweepId: string, trialId: string): Promise<Buffer> {
    SweepIdSchema.parse(sweepId);
    const parsed = TrialIdSchema.safeParse(trialId);
    if (!parsed.success || !trialId.startsWith(`${sweepId}-t`)) {
      throw new InvalidInputError('INVALID_ARGUMENT', `"${trialId.slice(0, 80)}" is not a trial of sweep ${sweepId}`);
    }
    const index = Number(trialId.slice(sweepId.length + 2));
    const trial = await this.index.trials.get(sweepId, index);
    if (!trial) throw new SweepqError('NOT_FOUND', `trial ${trialId} does not exist`);
    if (trial.status !== 'completed' || trial.artifact === null) {
      throw new SweepqError('NOT_FOUND', `trial ${trialId} has no artefact (status: ${trial.status})`);
    }
    return this.deps.store.get(trial.artifact);
  }

  async cancel(sweepId: string): Promise<SweepStatus> {
    const sweep = await this.requireTrainedSweep(sweepId, 'cancelled');
    // A finished sweep has nothing left to cancel: setting the flag would only relabel a completed
    // sweep as cancelled (state is derived with cancelled first). No-op, status unchanged.
    if (SweepRecords.stateOf(sweep) === 'completed') return this.status(sweepId);
    // Flag first: feeders stop creating and adding jobs and claims refuse, so the jobs found below are all there is.
    await this.index.transitions.flagCancelled(sweepId);
    const removedJobs = await this.queue.removeJobs(await this.waitingJobIds(sweep));
    const cancelled = await this.index.transitions.cancel(sweepId);
    this.logger.info({ sweepId, cancelled, removedJobs }, 'sweep cancelled');
    return this.status(sweepId);
  }

  async retry(sweepId: string): Promise<{ requeued: number }> {
    await this.requireTrainedSweep(sweepId, 'retried');
    const { requeued, resumed } = await this.index.transitions.requeue(sweepId);
    if (requeued.length === 0 && resumed === 0) {
      // Nothing to bring back, but queued trials stranded without a job are repaired all the same.
      const repaired = await this.reconciler.repairNow(sweepId);
      return { requeued: repaired.rejobbed + repaired.reset };
    }
    // Trials that already had a job get a new one (id suffixed with the retry number); trials never
    // fed (cancelled before their turn) and uncreated ones are left to the feeder.
    const fed = (await this.index.feed.state(sweepId))?.fed ?? 0;
    const jobs: Array<{ data: TrialJob; retries: number }> = [];
    for (const r of requeued) {
      if (r.index < fed) jobs.push({ data: { v: 1, sweepId, trialId: `${sweepId}-t${r.index}`, index: r.index }, retries: r.retries });
    }
    await this.queue.enqueue(jobs);
    await this.index.feed.markFeeding(sweepId);
    await this.feeder.feed(sweepId);
    // Also repair trials a previous retry re-queued but could not enqueue (it died in between).
    await this.reconciler.repairNow(sweepId);
    this.logger.info({ sweepId, requeued: requeued.length, resumed }, 'sweep retried');
    return { requeued: requeued.length + resumed };
  }

  async delete(sweepId: string): Promise<DeletionReport> {
    checkSweepId(sweepId);
    const report = await this.deletion.delete(sweepId);
    this.readModel.forget(sweepId);
    return report;
  }

  workers(): Promise<WorkerInfo[]> {
    return this.index.workers.list();
  }

  async tag(id: string, change: TagChange): Promise<{ tags: Record<string, string> }> {
    const parsed = TagChangeSchema.safeParse(change);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined ? '' : issue.path.map(String).join('.');
      throw new InvalidInputError(
        'INVALID_ARGUMENT',
        `invalid tag change${where === '' ? '' : ` at ${where}`}: ${issue?.message ?? 'invalid'}`,
        where === '' ? {} : { location: { path: where } },
      );
    }
    const target = parseTagTarget(id);
    const sweep = await this.requireSweep(target.sweepId);
    checkTagKeys(parsed.data, sweep.kind === 'external' && target.index !== undefined);
    if (target.index === undefined) {
      const tags = await this.index.runs.updateSweepTags(sweep.id, (current) => boundedTags(applyTagChange(current, parsed.data), id));
      return { tags };
    }
    const { state, write } = await this.index.runs.update(sweep.id, target.index, (run) =>
      tagWrite(run, boundedTags(applyTagChange(run.tags, parsed.data), id)),
    );
    return { tags: write?.event.u.g ?? state.tags };
  }

  async close(): Promise<void> {
    await this.reconciler.stop();
    await this.retention.stop();
    await this.queue.close();
    await this.deps.onClose?.();
  }

  /** One page of trials across `sweeps` (the MLflow API's runs/search spans several experiments). */
  async queryTrialsOf(sweeps: readonly SweepRecord[], query: TrialQuery): Promise<TrialPage> {
    const limit = clampInt(query.limit, 1, MAX_PAGE, 100);
    const offset = clampInt(query.offset, 0, Number.MAX_SAFE_INTEGER, 0);
    const page = await this.readModel.query(sweeps, { ...query, limit, offset });
    // The page's full records (timings, artefact, errors) come from the trial hashes: one round trip per sweep.
    const bySweep = new Map<string, number[]>();
    for (const ref of page.refs) {
      const list = bySweep.get(ref.sweepId) ?? [];
      list.push(ref.index);
      bySweep.set(ref.sweepId, list);
    }
    const records = new Map<string, TrialRecord>();
    await Promise.all(
      [...bySweep].map(async ([sweepId, indices]) => {
        for (const record of await this.index.trials.getMany(sweepId, indices)) records.set(record.id, record);
      }),
    );
    const trials: TrialRecord[] = [];
    for (const ref of page.refs) {
      const record = records.get(`${ref.sweepId}-t${ref.index}`);
      if (record !== undefined) trials.push(record);
    }
    return { trials, total: page.total };
  }

  /** Rolls a submit back: removes the jobs fed so far and every key of the sweep; rethrows as a SweepqError. */
  private async rollback(sweepId: string, name: string, error: unknown): Promise<never> {
    this.logger.error({ err: error, sweepId }, 'submit failed; rolling back');
    const fed = (await this.index.feed.state(sweepId).catch(() => null))?.fed ?? this.deps.config.queue.feedWindow;
    const jobIds = new Set<string>();
    for (let i = 0; i < fed; i++) jobIds.add(trialJobId(`${sweepId}-t${i}`, 0));
    // Short trials may have been fed in blocks: their jobs carry the block's id, which each trial
    // records before its block is enqueued (read while the sweep's keys still exist).
    for (const id of await this.blockJobIds(sweepId, fed).catch(() => [])) jobIds.add(id);
    await this.queue.removeJobs([...jobIds]).catch(() => undefined);
    await this.index.sweeps.delete(sweepId, name).catch(() => undefined);
    throw error instanceof SweepqError ? error : new SweepqError('INDEX_UNAVAILABLE', 'could not enqueue the sweep; nothing was submitted', { cause: error });
  }

  /** The block jobs trials [0, fed) of a sweep were fed in. */
  private async blockJobIds(sweepId: string, fed: number): Promise<string[]> {
    const ids = new Set<string>();
    for (let start = 0; start < fed; start += 1000) {
      const indices = Array.from({ length: Math.min(fed, start + 1000) - start }, (_, i) => start + i);
      for (const ref of await this.index.trials.jobRefs(sweepId, indices)) if (ref.block !== null) ids.add(ref.block);
    }
    return [...ids];
  }

  private async waitingJobIds(sweep: SweepRecord): Promise<string[]> {
    const ids: string[] = [];
    // Only trials [0, fed) were ever handed to the queue; the rest have no job to remove.
    const fed = (await this.index.feed.state(sweep.id))?.fed ?? sweep.created;
    for (let start = 0; start < fed; start += 1000) {
      const end = Math.min(fed, start + 1000);
      const statuses = await this.index.trials.statuses(sweep.id, start, end);
      const queued: number[] = [];
      for (let i = 0; i < statuses.length; i++) if (statuses[i] === 'queued') queued.push(start + i);
      if (queued.length === 0) continue;
      // A retried trial's current job id carries its retry number; a trial in a block has its block's
      // (once per block: the waiting block goes, its trials are cancelled by the index).
      const refs = await this.index.trials.jobRefs(sweep.id, queued);
      for (const r of refs) ids.push(currentJobId(r));
    }
    return [...new Set(ids)];
  }

  private async bestOrNull(sweep: SweepRecord, metric: string): Promise<TrialRecord | null> {
    if (metric === sweep.objective.metric) {
      const { indices } = await this.index.leaderboard(sweep.id, 0, 1);
      return indices.length === 0 ? null : this.index.trials.get(sweep.id, indices[0]!);
    }
    // Any other metric: best first in its direction, completed trials with a value only.
    // Missing values sort last, so the first trial has a value unless none has.
    const page = await this.queryTrialsOf([sweep], { status: 'completed', sort: metric, limit: 1, offset: 0 });
    const first = page.trials[0];
    const value = first?.metrics?.[metric];
    return first !== undefined && typeof value === 'number' && Number.isFinite(value) ? first : null;
  }

  /** A sweep planned from a sweep file: external sweeps (MLflow runs) are neither extended, cancelled nor retried. */
  private async requireTrainedSweep(sweepId: string, verb: string): Promise<SweepRecord & { context: NonNullable<SweepRecord['context']> }> {
    const sweep = await this.requireSweep(sweepId);
    if (sweep.context === null) {
      throw new SweepqError(
        'CONFLICT',
        `sweep ${sweepId} holds the runs of experiment "${sweep.name}" logged through the MLflow API; it cannot be ${verb} (end its runs with MLflow's runs/update)`,
      );
    }
    return sweep as SweepRecord & { context: NonNullable<SweepRecord['context']> };
  }

  private async requireSweep(sweepId: string): Promise<SweepRecord> {
    checkSweepId(sweepId);
    const sweep = await this.index.sweeps.get(sweepId);
    if (!sweep) throw new SweepqError('NOT_FOUND', `sweep ${sweepId} does not exist`);
    return sweep;
  }
}

/** Builds a SweepService with its own Redis connection and object store from the config. */
/**
 * A SweepService on its own Redis connection and store. `commandTimeoutMs` bounds every Redis command
 * once start-up (index version check, possibly a migration under a lock) is done: behind the HTTP API
 * a Redis that stops answering must become a prompt 503 INDEX_UNAVAILABLE, not requests that hang.
 */
export async function createSweepService(options: { config: Config; logger: Logger; redisUrl?: string; commandTimeoutMs?: number }): Promise<SweepService> {
  const url = options.redisUrl ?? options.config.redis.url;
  if (!url) throw new SweepqError('INVALID_ARGUMENT', 'no Redis configured: set REDIS_URL (or use `sweepq run`, which starts its own)');
  const redis = createRedisConnection(url, { name: 'sweepq-service', logger: options.logger });
  const store = await createObjectStore(options.config, options.logger);
  try {
    await ensureIndexVersion(redis, options.config.redis.prefix, (message) => options.logger.warn(message));
    await store.ensureReady();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  // ioredis reads the option on every command it sends, so setting it now bounds every later command.
  if (options.commandTimeoutMs !== undefined) redis.options.commandTimeout = options.commandTimeoutMs;
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

/** A sweep id (its own tags) or a trial id (the trial's). @throws InvalidInputError INVALID_ARGUMENT. */
function parseTagTarget(id: string): { sweepId: string; index?: number } {
  if (TrialIdSchema.safeParse(id).success) {
    const at = id.lastIndexOf('-t');
    return { sweepId: id.slice(0, at), index: Number(id.slice(at + 2)) };
  }
  if (SweepIdSchema.safeParse(id).success) return { sweepId: id };
  throw new InvalidInputError(
    'INVALID_ARGUMENT',
    `"${String(id).slice(0, 80)}" is neither a sweep id (s- and 6 to 40 lowercase letters or digits) nor a trial id (s-<id>-t<index>)`,
  );
}

/**
 * Tags sweepq derives and a user may not set: the run name and parent of MLflow's view (a trial's name
 * is sweepq's; runs created through MLflow are renamed through MLflow, and their parent tag is theirs).
 */
function checkTagKeys(change: TagChange, externalRun: boolean): void {
  const keys = [...Object.keys(change.set ?? {}), ...(change.remove ?? [])];
  for (const key of keys) {
    if (key === 'mlflow.runName' || (key === 'mlflow.parentRunId' && !externalRun)) {
      throw new InvalidInputError(
        'INVALID_ARGUMENT',
        `the tag ${key} is sweepq's (the ${key === 'mlflow.runName' ? 'trial name' : 'sweep a trial belongs to'}); it cannot be set or removed`,
        {
          location: { path: key },
        },
      );
    }
  }
}

function boundedTags(tags: Record<string, string>, id: string): Record<string, string> {
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS) throw new InvalidInputError('LIMIT_EXCEEDED', `${id} would have ${count} tags; at most ${MAX_TAGS} are kept per sweep or trial`);
  return tags;
}

/** The write of a trial's new tags (null when they did not change), with its data event for the read model. */
function tagWrite(run: RunState, tags: Record<string, string>): (RunWrite & { event: { u: { g: Record<string, string> } } }) | null {
  if (JSON.stringify(tags) === JSON.stringify(run.tags)) return null;
  return { fields: { tags: JSON.stringify(tags) }, event: { s: run.status, t: Date.now(), u: { g: tags } } };
}

function toSummary(sweep: SweepRecord): SweepSummary {
  return {
    id: sweep.id,
    kind: sweep.kind,
    name: sweep.name,
    state: SweepRecords.stateOf(sweep),
    total: sweep.total,
    created: sweep.created,
    counts: sweep.counts,
    objective: sweep.objective,
    createdAt: sweep.createdAt,
    finishedAt: sweep.finishedAt,
    ...(Object.keys(sweep.tags).length === 0 ? {} : { tags: sweep.tags }),
    ...(sweep.stopReason === null ? {} : { stopReason: sweep.stopReason }),
  };
}

/** @throws InvalidInputError INVALID_ARGUMENT when `sweepId` is not shaped like a sweep id. */
function checkSweepId(sweepId: string): void {
  if (!SweepIdSchema.safeParse(sweepId).success)
    throw new InvalidInputError(
      'INVALID_ARGUMENT',
      `"${String(sweepId).slice(0, 80)}" is not a sweep id (a sweep id is s- and 6 to 40 lowercase letters or digits)`,
    );
}

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

/**
 * The parts of a built-in sweep's context in which `other` differs from `sweep`, named as in a sweep
 * file (`dataset` covers its files' contents, target, columns and split). Limits and the fold-split
 * threshold are the sweep's own and never compared.
 */
function contextDifferences(sweep: SweepContext, other: SweepContext): string[] {
  const ignored = new Set(['limits', 'fold_split']);
  const keys = new Set([...Object.keys(sweep), ...Object.keys(other)]);
  const differences: string[] = [];
  for (const key of keys) {
    if (ignored.has(key)) continue;
    const a = JSON.stringify((sweep as Record<string, unknown>)[key]);
    const b = JSON.stringify((other as Record<string, unknown>)[key]);
    if (a !== b) differences.push(key === 'pruner' ? 'search.pruner' : key === 'v' ? 'format version' : key);
  }
  return differences;
}
