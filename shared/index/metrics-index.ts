/**
 * The metrics index: the repository that owns every Redis key of sweeps and trials (layout in
 * docs/ARCHITECTURE.md). Status and leaderboard queries are a handful of O(log n) commands.
 */
import type { Redis } from 'ioredis';
import { SweepqError } from '../errors/index.js';
import { SweepContextSchema, type SweepContext } from '../schemas/sweep-context.schema.js';
import type { Objective, SweepState, TrialCounts } from '../schemas/sweep-status.schema.js';
import { TrialRecordSchema, type TrialRecord, type TrialStatus } from '../schemas/trial.schema.js';
import { IndexKeys } from './index-keys.js';
import {
  abortTrial,
  advanceFeedCursor,
  forceFailTrial,
  cancelQueuedTrials,
  claimTrial,
  commitTrial,
  failTrial,
  releaseTrial,
  requeueTrials,
} from './trial-scripts.js';

/** Trials are written and scanned in chunks so one command never blocks Redis for long. */
const CHUNK = 1000;
/** Chunks written before waiting for their replies (bulk writes only). */
const CHUNKS_IN_FLIGHT = 4;

export interface SweepRecord {
  id: string;
  name: string;
  description: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  total: number;
  counts: TrialCounts;
  cancelled: boolean;
  objective: Objective;
  seed: number;
  context: SweepContext;
}

export interface NewSweep {
  id: string;
  name: string;
  description: string;
  createdAt: number;
  objective: Objective;
  seed: number;
  context: SweepContext;
  /** The resolved spec as submitted, kept for audit and `extend`. */
  spec: unknown;
}

export interface NewTrial {
  index: number;
  id: string;
  name: string;
  model: string;
  params: Record<string, unknown>;
  seed: number;
}

/** What it takes to name and order a trial's job: id, retry number, status, model and params (JSON). */
export interface JobRef {
  index: number;
  id: string;
  retries: number;
  status: TrialStatus;
  model: string;
  params: string;
}

export interface FeedState {
  /** Trials [0, fed) have been handed to the job queue. */
  fed: number;
  total: number;
  /** Completed + failed + cancelled. */
  done: number;
  cancelled: boolean;
}

export interface TrialCommit {
  token: string;
  durationMs: number;
  metrics: Record<string, number | null>;
  timings: Record<string, number>;
  artifact: string;
}

/** Outcome of a fenced transition: 'ok', or why it was refused. */
export type TransitionResult = 'ok' | 'fenced' | 'stale';
export type ClaimResult = 'ok' | 'missing' | 'completed' | 'cancelled' | 'failed';

/** What a worker needs to train a claimed trial. */
export interface TrialDefinition {
  name: string;
  model: string;
  params: Record<string, unknown>;
  seed: number;
}

export interface ClaimOutcome {
  result: ClaimResult;
  /** Present when `result` is 'ok'. */
  trial?: TrialDefinition;
}

export class MetricsIndex {
  readonly keys: IndexKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = new IndexKeys(prefix);
  }

  /** Derived sweep state: cancelled wins, then finished, then whether any trial started. */
  static stateOf(record: SweepRecord): SweepState {
    if (record.cancelled) return 'cancelled';
    if (record.finishedAt !== null) return 'completed';
    const c = record.counts;
    return c.active + c.completed + c.failed + c.cancelled > 0 ? 'running' : 'queued';
  }

  /** Writes a new sweep hash and its experiment/sweep index entries atomically. */
  async createSweep(sweep: NewSweep): Promise<void> {
    const k = this.keys;
    await this.redis
      .multi()
      .hset(k.sweep(sweep.id), {
        id: sweep.id,
        name: sweep.name,
        description: sweep.description,
        createdAt: sweep.createdAt,
        objectiveMetric: sweep.objective.metric,
        objectiveGoal: sweep.objective.goal,
        seed: sweep.seed,
        context: JSON.stringify(sweep.context),
        spec: JSON.stringify(sweep.spec),
        total: 0,
        active: 0,
        completed: 0,
        failed: 0,
        cancelled: 0,
        cancelledFlag: 0,
        finishedAt: '',
        fed: 0,
        reserved: 0,
      })
      .zadd(k.sweeps(), sweep.createdAt, sweep.id)
      .zadd(k.experiment(sweep.name), sweep.createdAt, sweep.id)
      .zadd(k.experiments(), sweep.createdAt, sweep.name)
      .exec()
      .then(assertExecOk);
  }

  /**
   * Writes queued trial hashes, then raises the sweep's `total` (and clears `finishedAt`) in one
   * MULTI at the end: readers never see a total that counts trials not yet written.
   */
  async addTrials(sweepId: string, trials: readonly NewTrial[]): Promise<void> {
    // A few pipelines in flight: encoding the next chunk overlaps Redis writing the previous one.
    let inFlight: Array<Promise<Array<[Error | null, unknown]> | null>> = [];
    const settle = async (): Promise<void> => {
      const results = await Promise.allSettled(inFlight);
      inFlight = [];
      for (const r of results) {
        if (r.status === 'rejected') throw r.reason;
        assertExecOk(r.value);
      }
    };
    for (let start = 0; start < trials.length; start += CHUNK) {
      const pipeline = this.redis.pipeline();
      const end = Math.min(trials.length, start + CHUNK);
      for (let i = start; i < end; i++) {
        const t = trials[i]!;
        pipeline.hset(this.keys.trial(sweepId, t.index), {
          id: t.id,
          index: t.index,
          name: t.name,
          model: t.model,
          params: JSON.stringify(t.params),
          seed: t.seed,
          status: 'queued',
          attempt: 0,
          retries: 0,
        });
      }
      inFlight.push(pipeline.exec());
      if (inFlight.length >= CHUNKS_IN_FLIGHT) await settle();
    }
    await settle();
    await this.redis
      .multi()
      .hincrby(this.keys.sweep(sweepId), 'total', trials.length)
      .hset(this.keys.sweep(sweepId), 'finishedAt', '')
      .exec()
      .then(assertExecOk);
  }

  /**
   * Reserves `count` trial indices atomically and returns the first: concurrent `extend`s of one
   * sweep get disjoint ranges instead of overwriting each other's trials.
   */
  async reserveIndices(sweepId: string, count: number): Promise<number> {
    const end = await this.redis.hincrby(this.keys.sweep(sweepId), 'reserved', count);
    return end - count;
  }

  /** Where a sweep's feed stands: trials [0, fed) have jobs; [fed, total) wait for the feeder. */
  async feedState(sweepId: string): Promise<FeedState | null> {
    const [id, fed, total, completed, failed, cancelled, flag] = await this.redis.hmget(
      this.keys.sweep(sweepId),
      'id', 'fed', 'total', 'completed', 'failed', 'cancelled', 'cancelledFlag',
    );
    if (!id) return null;
    return {
      fed: Number(fed ?? 0),
      total: Number(total ?? 0),
      done: Number(completed ?? 0) + Number(failed ?? 0) + Number(cancelled ?? 0),
      cancelled: flag === '1',
    };
  }

  /** Compare-and-set of the feed cursor; false when another feeder moved it first. */
  async advanceFeed(sweepId: string, expected: number, next: number): Promise<boolean> {
    return Number(await advanceFeedCursor.run(this.redis, [this.keys.sweep(sweepId)], [expected, next])) === 1;
  }

  /** Marks a sweep as having trials that still need feeding (its workers' timers look here). */
  async markFeeding(sweepId: string): Promise<void> {
    await this.redis.sadd(this.keys.feeding(), sweepId);
  }

  async stopFeeding(sweepId: string): Promise<void> {
    await this.redis.srem(this.keys.feeding(), sweepId);
  }

  async feedingSweeps(): Promise<string[]> {
    return this.redis.smembers(this.keys.feeding());
  }

  /** Removes every key of a sweep (rollback of a submit that could not be enqueued whole). */
  async deleteSweep(sweepId: string, name: string, trialCount: number, metrics: readonly string[]): Promise<void> {
    const k = this.keys;
    for (let start = 0; start < trialCount; start += CHUNK) {
      const keys: string[] = [];
      for (let i = start; i < Math.min(trialCount, start + CHUNK); i++) keys.push(k.trial(sweepId, i));
      if (keys.length > 0) await this.redis.unlink(...keys);
    }
    const multi = this.redis
      .multi()
      .unlink(k.sweep(sweepId))
      .zrem(k.sweeps(), sweepId)
      .zrem(k.experiment(name), sweepId)
      .srem(k.feeding(), sweepId);
    for (const metric of metrics) multi.unlink(k.leaderboard(sweepId, metric));
    await multi.exec().then(assertExecOk);
  }

  async getSweep(sweepId: string): Promise<SweepRecord | null> {
    const values = await this.redis.hmget(this.keys.sweep(sweepId), ...SWEEP_FIELDS);
    const hash = fieldsToHash(values);
    if (!hash.id) return null;
    return parseSweepHash(hash);
  }


  async claim(sweepId: string, index: number, token: string, worker: string, now = Date.now()): Promise<ClaimResult> {
    return (await this.claimWithDefinition(sweepId, index, token, worker, now)).result;
  }

  /**
   * Claims a trial for a new attempt and returns its definition (model, params, seed), which lives
   * only in the trial hash: jobs carry just the trial's id.
   */
  async claimWithDefinition(sweepId: string, index: number, token: string, worker: string, now = Date.now()): Promise<ClaimOutcome> {
    const k = this.keys;
    const reply = (await claimTrial.run(this.redis, [k.trial(sweepId, index), k.sweep(sweepId)], [token, worker, now])) as Array<string | null>;
    const result = reply[0] as ClaimResult;
    if (result !== 'ok') return { result };
    const [, name, model, params, seed] = reply;
    return { result, trial: { name: name ?? '', model: model ?? '', params: JSON.parse(params ?? '{}') as Record<string, unknown>, seed: Number(seed ?? 0) } };
  }

  async commit(sweepId: string, index: number, result: TrialCommit, now = Date.now()): Promise<TransitionResult> {
    const k = this.keys;
    const names = Object.keys(result.metrics).sort();
    const keys = [k.trial(sweepId, index), k.sweep(sweepId)];
    const values: string[] = [];
    for (const name of names) {
      keys.push(k.leaderboard(sweepId, name));
      const value = result.metrics[name];
      values.push(value === null || value === undefined || !Number.isFinite(value) ? '' : String(value));
    }
    const args = [
      result.token,
      now,
      Math.round(result.durationMs),
      JSON.stringify(result.metrics),
      JSON.stringify(result.timings),
      result.artifact,
      index,
      ...values,
      ...names,
    ];
    return (await commitTrial.run(this.redis, keys, args)) as TransitionResult;
  }

  async fail(sweepId: string, index: number, token: string, message: string, now = Date.now()): Promise<TransitionResult> {
    const k = this.keys;
    const text = message.slice(0, 2000);
    return (await failTrial.run(this.redis, [k.trial(sweepId, index), k.sweep(sweepId)], [token, now, text])) as TransitionResult;
  }

  /** Fails a trial whose job BullMQ gave up on (see forceFailTrial); `retries` names the job. */
  async forceFail(sweepId: string, index: number, retries: number, message: string, now = Date.now()): Promise<TransitionResult> {
    const k = this.keys;
    return (await forceFailTrial.run(this.redis, [k.trial(sweepId, index), k.sweep(sweepId)], [retries, now, message.slice(0, 2000)])) as TransitionResult;
  }

  async release(sweepId: string, index: number, token: string): Promise<TransitionResult> {
    const k = this.keys;
    return (await releaseTrial.run(this.redis, [k.trial(sweepId, index), k.sweep(sweepId)], [token])) as TransitionResult;
  }

  async abort(sweepId: string, index: number, token: string, now = Date.now()): Promise<TransitionResult> {
    const k = this.keys;
    return (await abortTrial.run(this.redis, [k.trial(sweepId, index), k.sweep(sweepId)], [token, now])) as TransitionResult;
  }

  /** Sets the cancelled flag: from now on claims refuse the sweep's trials and feeders stop. */
  async flagCancelled(sweepId: string): Promise<void> {
    await this.redis.hset(this.keys.sweep(sweepId), 'cancelledFlag', 1);
  }

  /** Flags the sweep cancelled (claims refuse from now on) and cancels every queued trial. */
  async cancel(sweepId: string, total: number, now = Date.now()): Promise<number> {
    await this.flagCancelled(sweepId);
    let cancelled = 0;
    for (let start = 0; start < total; start += CHUNK) {
      const end = Math.min(total, start + CHUNK);
      cancelled += Number(
        await cancelQueuedTrials.run(this.redis, [this.keys.sweep(sweepId)], [this.keys.trialPrefix(sweepId), now, start, end]),
      );
    }
    await this.redis.publish(this.keys.cancelChannel(), sweepId);
    return cancelled;
  }

  /** Moves failed/cancelled trials back to queued; returns them with their retry number. */
  async requeue(sweepId: string, total: number): Promise<Array<{ index: number; retries: number }>> {
    await this.redis.hset(this.keys.sweep(sweepId), 'cancelledFlag', 0);
    const out: Array<{ index: number; retries: number }> = [];
    for (let start = 0; start < total; start += CHUNK) {
      const end = Math.min(total, start + CHUNK);
      const flat = (await requeueTrials.run(this.redis, [this.keys.sweep(sweepId)], [this.keys.trialPrefix(sweepId), start, end])) as number[];
      for (let i = 0; i < flat.length; i += 2) out.push({ index: Number(flat[i]), retries: Number(flat[i + 1]) });
    }
    return out;
  }

  async getTrial(sweepId: string, index: number): Promise<TrialRecord | null> {
    const [record] = await this.getTrials(sweepId, [index]);
    return record ?? null;
  }

  /** Trial records for the given indices (missing ones are skipped), one pipelined round trip. */
  async getTrials(sweepId: string, indices: readonly number[]): Promise<TrialRecord[]> {
    if (indices.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const index of indices) pipeline.hgetall(this.keys.trial(sweepId, index));
    const results = assertExecOk(await pipeline.exec());
    const records: TrialRecord[] = [];
    for (const hash of results as Array<Record<string, string>>) {
      if (hash.id) records.push(parseTrialHash(sweepId, hash));
    }
    return records;
  }

  /**
   * Trial id and retry number (what a trial's job id is made of) for the given indices, one pipelined
   * round trip. Cheaper than {@link getTrials} when only the job id is needed (cancel of a large sweep).
   */
  async jobRefs(sweepId: string, indices: readonly number[]): Promise<JobRef[]> {
    if (indices.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const index of indices) pipeline.hmget(this.keys.trial(sweepId, index), 'id', 'retries', 'status', 'model', 'params');
    const results = assertExecOk(await pipeline.exec()) as Array<Array<string | null>>;
    const refs: JobRef[] = [];
    for (let i = 0; i < results.length; i++) {
      const [id, retries, status, model, params] = results[i]!;
      if (id) {
        refs.push({
          index: indices[i]!,
          id,
          retries: Number(retries ?? 0),
          status: (status ?? 'queued') as TrialStatus,
          model: model ?? '',
          params: params ?? '{}',
        });
      }
    }
    return refs;
  }

  /** Indices of completed trials ranked by a metric (best first), and how many are ranked. */
  async leaderboard(
    sweepId: string,
    metric: string,
    greaterIsBetter: boolean,
    offset: number,
    limit: number,
  ): Promise<{ indices: number[]; total: number }> {
    const key = this.keys.leaderboard(sweepId, metric);
    const stop = offset + limit - 1;
    // Ties keep index order in both directions: ZRANGE orders equal scores by member, lexicographically;
    // good enough for display, and deterministic.
    const [members, total] = await Promise.all([
      greaterIsBetter ? this.redis.zrevrange(key, offset, stop) : this.redis.zrange(key, offset, stop),
      this.redis.zcard(key),
    ]);
    return { indices: members.map(Number), total };
  }

  /** Status of the trials in [start, end), for filtered listings and retry. */
  async statuses(sweepId: string, start: number, end: number): Promise<Array<TrialStatus | null>> {
    const pipeline = this.redis.pipeline();
    for (let i = start; i < end; i++) pipeline.hget(this.keys.trial(sweepId, i), 'status');
    const results = assertExecOk(await pipeline.exec());
    return results.map((s) => (s === null ? null : (s as TrialStatus)));
  }

  /** Sweep ids, newest first, optionally of one experiment. */
  async listSweepIds(options: { experiment?: string; offset: number; limit: number }): Promise<string[]> {
    const key = options.experiment === undefined ? this.keys.sweeps() : this.keys.experiment(options.experiment);
    return this.redis.zrevrange(key, options.offset, options.offset + options.limit - 1);
  }

  async getSweeps(ids: readonly string[]): Promise<SweepRecord[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.keys.sweep(id), ...SWEEP_FIELDS);
    const results = assertExecOk(await pipeline.exec()) as Array<Array<string | null>>;
    const out: SweepRecord[] = [];
    for (const values of results) {
      const hash = fieldsToHash(values);
      if (hash.id) out.push(parseSweepHash(hash));
    }
    return out;
  }
}

/** Unwraps a pipeline/multi result, throwing the first command error. */
function assertExecOk(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (results === null) throw new SweepqError('INDEX_UNAVAILABLE', 'Redis transaction was aborted');
  const values: unknown[] = new Array(results.length);
  for (let i = 0; i < results.length; i++) {
    const [error, value] = results[i]!;
    if (error) throw new SweepqError('INDEX_UNAVAILABLE', `Redis command failed: ${error.message}`, { cause: error });
    values[i] = value;
  }
  return values;
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** The sweep hash fields a SweepRecord needs: everything but the (possibly large) submitted spec. */
const SWEEP_FIELDS = [
  'id', 'name', 'description', 'createdAt', 'startedAt', 'finishedAt', 'total', 'active', 'completed', 'failed',
  'cancelled', 'cancelledFlag', 'objectiveMetric', 'objectiveGoal', 'seed', 'context',
] as const;

function fieldsToHash(values: ReadonlyArray<string | null>): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i < SWEEP_FIELDS.length; i++) {
    const value = values[i];
    if (value !== null && value !== undefined) hash[SWEEP_FIELDS[i]!] = value;
  }
  return hash;
}

/**
 * Parsed sweep contexts by their JSON text. A context never changes after submit, and status polls
 * would otherwise re-validate the same JSON on every call.
 */
const contextCache = new Map<string, SweepContext>();
const CONTEXT_CACHE_SIZE = 1024;

function parseContext(sweepId: string | undefined, text: string | undefined): SweepContext {
  const key = text ?? 'null';
  const cached = contextCache.get(key);
  if (cached) return cached;
  const context = SweepContextSchema.safeParse(JSON.parse(key));
  if (!context.success) {
    throw new SweepqError('INTERNAL', `sweep ${sweepId} has a corrupt context record in Redis`, { cause: context.error });
  }
  if (contextCache.size >= CONTEXT_CACHE_SIZE) contextCache.delete(contextCache.keys().next().value!);
  contextCache.set(key, context.data);
  return context.data;
}

function parseSweepHash(hash: Record<string, string>): SweepRecord {
  const total = Number(hash.total ?? 0);
  const active = Number(hash.active ?? 0);
  const completed = Number(hash.completed ?? 0);
  const failed = Number(hash.failed ?? 0);
  const cancelled = Number(hash.cancelled ?? 0);
  return {
    id: hash.id!,
    name: hash.name ?? '',
    description: hash.description ?? '',
    createdAt: Number(hash.createdAt ?? 0),
    startedAt: numberOrNull(hash.startedAt),
    finishedAt: numberOrNull(hash.finishedAt),
    total,
    counts: { queued: Math.max(0, total - active - completed - failed - cancelled), active, completed, failed, cancelled },
    cancelled: hash.cancelledFlag === '1',
    objective: { metric: hash.objectiveMetric ?? 'accuracy', goal: hash.objectiveGoal === 'minimize' ? 'minimize' : 'maximize' },
    seed: Number(hash.seed ?? 0),
    context: parseContext(hash.id, hash.context),
  };
}

function parseJsonOrNull(text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  return JSON.parse(text) as unknown;
}

function parseTrialHash(sweepId: string, hash: Record<string, string>): TrialRecord {
  return TrialRecordSchema.parse({
    id: hash.id,
    sweepId,
    index: Number(hash.index),
    name: hash.name,
    model: hash.model,
    status: hash.status,
    params: parseJsonOrNull(hash.params) ?? {},
    seed: Number(hash.seed ?? 0),
    metrics: parseJsonOrNull(hash.metrics),
    timings: parseJsonOrNull(hash.timings),
    durationMs: numberOrNull(hash.durationMs),
    artifact: hash.artifact ? hash.artifact : null,
    attempt: Number(hash.attempt ?? 0),
    retries: Number(hash.retries ?? 0),
    worker: hash.worker ? hash.worker : null,
    startedAt: numberOrNull(hash.startedAt),
    finishedAt: numberOrNull(hash.finishedAt),
    error: hash.error ? hash.error : null,
  });
}
