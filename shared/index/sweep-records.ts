/**
 * Sweep records in Redis: the sweep hash (definition, counters, cursors), the indices listing sweeps
 * and experiments, and removal of everything a sweep owns.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { SweepqError } from '../errors/index.js';
import { MetricRegistry, type MetricRegistrySpec } from '../metrics/metric-registry.js';
import { SweepContextSchema, type SweepContext } from '../schemas/sweep-context.schema.js';
import { ProgramContextSchema, type ProgramContext } from '../schemas/program-context.schema.js';
import type { Objective, SweepState, TrialCounts } from '../schemas/sweep-status.schema.js';
import type { IndexKeys } from './index-keys.js';
import { assertExecOk, numberOrNull } from './redis-results.js';
import type { SchemaReport } from '../ml/dataset/schema-report.js';

/** Trial keys are removed in chunks so one command never blocks Redis for long. */
const CHUNK = 1000;

/**
 * `sweep`: planned from a sweep file and trained by workers. `external`: the runs an MLflow-instrumented
 * script created through the MLflow API in one experiment (no spec, dataset or objective; never fed,
 * claimed or reconciled: its trials move only through the MLflow write routes).
 */
export type SweepKind = 'sweep' | 'external';

export interface SweepRecord {
  id: string;
  kind: SweepKind;
  name: string;
  description: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Planned trials (sum of the segments' sizes). */
  total: number;
  /** Trials whose hashes exist: [0, created). */
  created: number;
  counts: TrialCounts;
  cancelled: boolean;
  /** Why a stop rule ended the sweep early (max_duration_s, target, patience); null otherwise. */
  stopReason: string | null;
  objective: Objective;
  /** The sweep's metrics: built-ins, cv_mean directed by cv.scoring, declared ones. */
  metrics: MetricRegistry;
  seed: number;
  /** A built-in sweep's dataset, pipeline and cv, or a program sweep's command (issue 14); null for an external sweep. */
  context: SweepContext | ProgramContext | null;
  /** User tags (`sweepq tag`, MLflow's set-tag on the parent run), including the note `mlflow.note.content`. */
  tags: Record<string, string>;
}

export interface NewSweep {
  id: string;
  name: string;
  description: string;
  createdAt: number;
  metrics: MetricRegistrySpec;
  seed: number;
  context: SweepContext | ProgramContext;
  /** The training table's schema as read at submit (shown by status and the dashboard); null for program sweeps. */
  schema: SchemaReport | null;
  /** The resolved spec as submitted, kept for audit. */
  spec: unknown;
}

/**
 * Where a sweep stands, for monitoring: counters and feed cursors only (no spec, context or metric
 * registry to parse), so a scrape can read hundreds of them in one round trip.
 */
export interface SweepProgress {
  id: string;
  name: string;
  createdAt: number;
  /** Every planned trial reached a terminal status (`finishedAt` is set). */
  finished: boolean;
  /** The cancel flag is set (feeders stop; its unfed trials never run). */
  cancelled: boolean;
  /** Planned trials. */
  total: number;
  /** Trials [0, created) have hashes. */
  created: number;
  /** Trials [0, fed) have been handed to the job queue. */
  fed: number;
  counts: TrialCounts;
}

const PROGRESS_FIELDS = [
  'id',
  'name',
  'createdAt',
  'finishedAt',
  'cancelledFlag',
  'total',
  'created',
  'fed',
  'active',
  'completed',
  'failed',
  'cancelled',
  'pruned',
  'quarantined',
] as const;

/** The sweep hash fields a SweepRecord needs: everything but the (possibly large) submitted spec. */
const SWEEP_FIELDS = [
  'id',
  'name',
  'description',
  'createdAt',
  'startedAt',
  'finishedAt',
  'total',
  'created',
  'active',
  'completed',
  'failed',
  'cancelled',
  'pruned',
  'quarantined',
  'cancelledFlag',
  'metrics',
  'seed',
  'context',
  'deleting',
  'kind',
  'tags',
  'stopReason',
] as const;

export class SweepRecords {
  constructor(
    private readonly redis: Redis,
    private readonly keys: IndexKeys,
  ) {}

  /** Derived sweep state: cancelled wins, then finished, then whether any trial started. */
  static stateOf(record: SweepRecord): SweepState {
    if (record.cancelled) return 'cancelled';
    if (record.finishedAt !== null) return 'completed';
    const c = record.counts;
    return c.active + c.completed + c.failed + c.cancelled + c.pruned + c.quarantined > 0 ? 'running' : 'queued';
  }

  /** Writes a new sweep hash and its experiment/sweep index entries atomically (no trials yet: total 0). */
  async create(sweep: NewSweep): Promise<void> {
    const k = this.keys;
    const registry = new MetricRegistry(sweep.metrics);
    await this.redis
      .multi()
      .hset(k.sweep(sweep.id), {
        id: sweep.id,
        name: sweep.name,
        description: sweep.description,
        createdAt: sweep.createdAt,
        objectiveMetric: registry.objective.metric,
        objectiveGoal: registry.objective.goal,
        metrics: JSON.stringify(sweep.metrics),
        seed: sweep.seed,
        context: JSON.stringify(sweep.context),
        spec: JSON.stringify(sweep.spec),
        schema: JSON.stringify(sweep.schema),
        total: 0,
        created: 0,
        fed: 0,
        active: 0,
        completed: 0,
        failed: 0,
        cancelled: 0,
        pruned: 0,
        quarantined: 0,
        cancelledFlag: 0,
        uncreatedCancelled: 0,
        finishedAt: '',
      })
      .zadd(k.sweeps(), sweep.createdAt, sweep.id)
      .zadd(k.experiment(sweep.name), sweep.createdAt, sweep.id)
      .zadd(k.experiments(), sweep.createdAt, sweep.name)
      .exec()
      .then(assertExecOk);
  }

  /** The training table's schema kept at submit; null for a sweep without one. */
  async schema(sweepId: string): Promise<SchemaReport | null> {
    const raw = await this.redis.hget(this.keys.sweep(sweepId), 'schema');
    return raw ? (JSON.parse(raw) as SchemaReport) : null;
  }

  async get(sweepId: string): Promise<SweepRecord | null> {
    return SweepRecords.fromReply(await this.redis.hmget(this.keys.sweep(sweepId), ...SWEEP_FIELDS));
  }

  /** Queues `get`'s read on a pipeline that reads more in the same round trip; `fromReply` parses its reply. */
  queueGet(pipeline: ChainableCommander, sweepId: string): ChainableCommander {
    return pipeline.hmget(this.keys.sweep(sweepId), ...SWEEP_FIELDS);
  }

  /** The record of a `queueGet` reply (null: no such sweep). */
  static fromReply(values: ReadonlyArray<string | null>): SweepRecord | null {
    const hash = fieldsToHash(values);
    // A sweep being deleted is gone for every reader already (see SweepDeletion).
    if (!hash.id || hash.deleting !== undefined) return null;
    return parseSweepHash(hash);
  }

  async getMany(ids: readonly string[]): Promise<SweepRecord[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.keys.sweep(id), ...SWEEP_FIELDS);
    const results = assertExecOk(await pipeline.exec()) as Array<Array<string | null>>;
    const out: SweepRecord[] = [];
    for (const values of results) {
      const hash = fieldsToHash(values);
      if (hash.id && hash.deleting === undefined) out.push(parseSweepHash(hash));
    }
    return out;
  }

  /** Sweep ids, newest first, optionally of one experiment. */
  async listIds(options: { experiment?: string | undefined; offset: number; limit: number }): Promise<string[]> {
    const key = options.experiment === undefined ? this.keys.sweeps() : this.keys.experiment(options.experiment);
    return this.redis.zrevrange(key, options.offset, options.offset + options.limit - 1);
  }

  /** Every sweep id of an experiment, oldest first. */
  async experimentSweepIds(experiment: string): Promise<string[]> {
    return this.redis.zrange(this.keys.experiment(experiment), 0, -1);
  }

  /** Experiment names, most recently used first. */
  async experiments(offset: number, limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.keys.experiments(), offset, offset + limit - 1);
  }

  /** Experiments, most recently used first, with their sweep counts. */
  async experimentSummaries(offset: number, limit: number): Promise<Array<{ name: string; sweeps: number; lastSubmittedAt: number }>> {
    const flat = await this.redis.zrevrange(this.keys.experiments(), offset, offset + limit - 1, 'WITHSCORES');
    const names: string[] = [];
    const times: number[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      names.push(flat[i]!);
      times.push(Number(flat[i + 1]));
    }
    if (names.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.zcard(this.keys.experiment(name));
    const counts = assertExecOk(await pipeline.exec()) as number[];
    return names.map((name, i) => ({ name, sweeps: Number(counts[i] ?? 0), lastSubmittedAt: times[i]! }));
  }

  /** How many sweeps exist (one ZCARD). */
  async count(): Promise<number> {
    return this.redis.zcard(this.keys.sweeps());
  }

  /** Every sweep id, oldest first. */
  async allIds(): Promise<string[]> {
    return this.redis.zrange(this.keys.sweeps(), 0, -1);
  }

  /** The sweeps not finished yet (the set the transition scripts and the reconciler keep). */
  async unfinishedIds(): Promise<string[]> {
    return this.redis.smembers(this.keys.unfinished());
  }

  /** Counters and cursors of the given sweeps, in order; null for a sweep that no longer exists. One round trip. */
  async progressMany(ids: readonly string[]): Promise<Array<SweepProgress | null>> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.keys.sweep(id), ...PROGRESS_FIELDS);
    const results = assertExecOk(await pipeline.exec()) as Array<Array<string | null>>;
    return results.map(parseProgress);
  }

  /**
   * Removes every key of a sweep: trial hashes [0, created), log, leaderboard, segments, names, indices
   * (the experiment too when this was its last sweep). The sweep hash goes last but one step, so an
   * interrupted removal can be run again.
   */
  async delete(sweepId: string, name: string): Promise<void> {
    const k = this.keys;
    const created = Number((await this.redis.hget(k.sweep(sweepId), 'created')) ?? 0);
    for (let start = 0; start < created; start += CHUNK) {
      const keys: string[] = [];
      for (let i = start; i < Math.min(created, start + CHUNK); i++) keys.push(k.trial(sweepId, i));
      if (keys.length > 0) await this.redis.unlink(...keys);
    }
    await this.redis
      .multi()
      .unlink(k.sweep(sweepId), k.log(sweepId), k.best(sweepId), k.segments(sweepId), k.names(sweepId), k.open(sweepId), k.rungs(sweepId))
      .srem(k.unfinished(), sweepId)
      .zrem(k.sweeps(), sweepId)
      .zrem(k.experiment(name), sweepId)
      .srem(k.feeding(), sweepId)
      .exec()
      .then(assertExecOk);
    // Keys hanging off trials (metric histories, MLflow artefact manifests) have names only a scan finds.
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${k.sweep(sweepId)}:*`, 'COUNT', CHUNK);
      cursor = next;
      if (keys.length > 0) await this.redis.unlink(...keys);
    } while (cursor !== '0');
    // An MLflow experiment's external sweep: the next logged run opens a new one.
    await this.redis.eval(
      "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end return 0",
      1,
      k.externalSweeps(),
      name,
      sweepId,
    );
    await this.redis.srem(k.deleting(), sweepId);
    // The experiment goes from the list with its last sweep (a concurrent submit re-adds it).
    await this.redis.eval(
      "if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end return 0",
      2,
      k.experiment(name),
      k.experiments(),
      name,
    );
  }
}

function parseProgress(values: ReadonlyArray<string | null>): SweepProgress | null {
  const [id, name, createdAt, finishedAt, cancelledFlag, total, created, fed, active, completed, failed, cancelled, pruned, quarantined] = values;
  if (!id) return null;
  const n = (value: string | null | undefined): number => Number(value ?? 0) || 0;
  const counts: TrialCounts = {
    queued: 0,
    active: n(active),
    completed: n(completed),
    failed: n(failed),
    cancelled: n(cancelled),
    pruned: n(pruned),
    quarantined: n(quarantined),
  };
  counts.queued = Math.max(0, n(total) - counts.active - counts.completed - counts.failed - counts.cancelled - counts.pruned - counts.quarantined);
  return {
    id,
    name: name ?? '',
    createdAt: n(createdAt),
    finished: numberOrNull(finishedAt) !== null,
    cancelled: cancelledFlag === '1',
    total: n(total),
    created: n(created),
    fed: n(fed),
    counts,
  };
}

function fieldsToHash(values: ReadonlyArray<string | null>): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i < SWEEP_FIELDS.length; i++) {
    const value = values[i];
    if (value !== null && value !== undefined) hash[SWEEP_FIELDS[i]!] = value;
  }
  return hash;
}

/**
 * Parsed sweep contexts and metric registries by their JSON text. Neither changes after submit, and
 * status polls would otherwise re-validate the same JSON on every call.
 */
const parsedCache = new Map<string, SweepContext | ProgramContext | MetricRegistry>();
const PARSED_CACHE_SIZE = 2048;

function cached<T extends SweepContext | ProgramContext | MetricRegistry>(key: string, parse: () => T): T {
  const hit = parsedCache.get(key);
  if (hit !== undefined) return hit as T;
  const value = parse();
  if (parsedCache.size >= PARSED_CACHE_SIZE) parsedCache.delete(parsedCache.keys().next().value!);
  parsedCache.set(key, value);
  return value;
}

function parseContext(sweepId: string | undefined, text: string | undefined): SweepContext | ProgramContext {
  const json = text ?? 'null';
  return cached(`c${json}`, () => {
    const value = JSON.parse(json) as unknown;
    const isProgram = typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'program';
    const context = isProgram ? ProgramContextSchema.safeParse(value) : SweepContextSchema.safeParse(value);
    if (!context.success) throw new SweepqError('INTERNAL', `sweep ${sweepId} has a corrupt context record in Redis`, { cause: context.error });
    return context.data;
  });
}

function parseRegistry(text: string | undefined): MetricRegistry {
  const json = text ?? '{"cvScoring":null,"objective":{"metric":"accuracy"}}';
  return cached(`m${json}`, () => new MetricRegistry(JSON.parse(json) as MetricRegistrySpec));
}

/** User tags stored as a JSON object of strings; anything else is corrupt. */
export function parseTags(text: string | undefined): Record<string, string> {
  if (text === undefined || text === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new SweepqError('INTERNAL', `corrupt tags record in Redis: ${text.slice(0, 100)}`);
  }
  return value as Record<string, string>;
}

function parseSweepHash(hash: Record<string, string>): SweepRecord {
  const total = Number(hash.total ?? 0);
  const n = (field: string): number => Number(hash[field] ?? 0);
  const counts: TrialCounts = {
    queued: 0,
    active: n('active'),
    completed: n('completed'),
    failed: n('failed'),
    cancelled: n('cancelled'),
    pruned: n('pruned'),
    quarantined: n('quarantined'),
  };
  counts.queued = Math.max(0, total - counts.active - counts.completed - counts.failed - counts.cancelled - counts.pruned - counts.quarantined);
  const metrics = parseRegistry(hash.metrics);
  const kind: SweepKind = hash.kind === 'external' ? 'external' : 'sweep';
  return {
    id: hash.id!,
    kind,
    name: hash.name ?? '',
    description: hash.description ?? '',
    createdAt: n('createdAt'),
    startedAt: numberOrNull(hash.startedAt),
    finishedAt: numberOrNull(hash.finishedAt),
    total,
    created: n('created'),
    counts,
    cancelled: hash.cancelledFlag === '1',
    stopReason: hash.stopReason ? hash.stopReason : null,
    objective: metrics.objective,
    metrics,
    seed: n('seed'),
    context: kind === 'external' ? null : parseContext(hash.id, hash.context),
    tags: parseTags(hash.tags),
  };
}
