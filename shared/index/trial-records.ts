/** Reading trial hashes: whole records for display, and the few fields feeding and cancel need. */
import { prunedScoredAt, type RungScoredAt } from '../search/pruners/pruned-score.js';
import type { Redis } from 'ioredis';
import { TrialRecordSchema, type TrialRecord, type TrialStatus } from '../schemas/trial.schema.js';
import type { IndexKeys } from './index-keys.js';
import { assertExecOk, numberOrNull, parseJsonOrNull } from './redis-results.js';
import { parseTags } from './sweep-records.js';

/** What it takes to name and order a trial's job: id, retry number, status, model and params (JSON). */
export interface JobRef {
  index: number;
  id: string;
  retries: number;
  status: TrialStatus;
  model: string;
  params: string;
  /** The block job holding the trial's first job (see assignBlock), null when it had a job of its own. */
  block: string | null;
}

export class TrialRecords {
  constructor(
    private readonly redis: Redis,
    private readonly keys: IndexKeys,
  ) {}

  async get(sweepId: string, index: number): Promise<TrialRecord | null> {
    const [record] = await this.getMany(sweepId, [index]);
    return record ?? null;
  }

  /** Trial records for the given indices (missing ones are skipped), one pipelined round trip. */
  async getMany(sweepId: string, indices: readonly number[]): Promise<TrialRecord[]> {
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
   * Trial id, retry number, status, model and params for the given indices, one pipelined round trip:
   * what a job needs, cheaper than whole records (cancel of a large sweep, feeding).
   */
  async jobRefs(sweepId: string, indices: readonly number[]): Promise<JobRef[]> {
    if (indices.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const index of indices) pipeline.hmget(this.keys.trial(sweepId, index), 'id', 'retries', 'status', 'model', 'params', 'block');
    const results = assertExecOk(await pipeline.exec()) as Array<Array<string | null>>;
    const refs: JobRef[] = [];
    for (let i = 0; i < results.length; i++) {
      const [id, retries, status, model, params, block] = results[i]!;
      if (id)
        refs.push({
          index: indices[i]!,
          id,
          retries: Number(retries ?? 0),
          status: (status ?? 'queued') as TrialStatus,
          model: model ?? '',
          params: params ?? '{}',
          block: block ?? null,
        });
    }
    return refs;
  }

  /**
   * Records each block's trials' first job, the block job (issue 13 item 4), one pipelined round trip
   * for all of them, before the blocks are enqueued: the reconciler, cancel and deletion find a trial's job
   * through it. A block recorded but never enqueued (the feeder died in between) is a trial without a
   * live job, which the reconciler repairs like any other.
   */
  async assignBlocks(sweepId: string, blocks: ReadonlyArray<{ jobId: string; indices: readonly number[] }>): Promise<void> {
    if (blocks.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const block of blocks) for (const index of block.indices) pipeline.hset(this.keys.trial(sweepId, index), 'block', block.jobId);
    assertExecOk(await pipeline.exec());
  }

  /** What a trial's result depends on (model, params, seed), null where no trial exists: one round trip for many. */
  async trainingInputs(sweepId: string, indices: readonly number[]): Promise<Array<{ model: string; params: Record<string, unknown>; seed: number } | null>> {
    if (indices.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const index of indices) pipeline.hmget(this.keys.trial(sweepId, index), 'model', 'params', 'seed');
    const results = assertExecOk(await pipeline.exec()) as Array<Array<string | null>>;
    return results.map(([model, params, seed]) =>
      model === null || model === undefined ? null : { model, params: JSON.parse(params ?? '{}') as Record<string, unknown>, seed: Number(seed ?? 0) },
    );
  }

  /** Definitions (entry, params) of trials, for samplers that need the pending ones. */
  async definitions(
    sweepId: string,
    indices: readonly number[],
  ): Promise<Array<{ index: number; entry: number; params: Record<string, unknown>; status: TrialStatus } | null>> {
    if (indices.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const index of indices) pipeline.hmget(this.keys.trial(sweepId, index), 'entry', 'params', 'status');
    const results = assertExecOk(await pipeline.exec()) as Array<Array<string | null>>;
    return results.map(([entry, params, status], i) =>
      status === null || status === undefined
        ? null
        : { index: indices[i]!, entry: Number(entry ?? 0), params: JSON.parse(params ?? '{}') as Record<string, unknown>, status: status as TrialStatus },
    );
  }

  /** Counts a crash of a trial's training process; returns the trial's crashes so far. */
  async countCrash(sweepId: string, index: number): Promise<number> {
    return this.redis.hincrby(this.keys.trial(sweepId, index), 'crashes', 1);
  }

  /** Status of the trials in [start, end) (null where no trial exists). */
  async statuses(sweepId: string, start: number, end: number): Promise<Array<TrialStatus | null>> {
    if (end <= start) return [];
    const pipeline = this.redis.pipeline();
    for (let i = start; i < end; i++) pipeline.hget(this.keys.trial(sweepId, i), 'status');
    const results = assertExecOk(await pipeline.exec());
    return results.map((s) => (s === null ? null : (s as TrialStatus)));
  }
}

export function parseTrialHash(sweepId: string, hash: Record<string, string>): TrialRecord {
  const tags = parseTags(hash.tags);
  return TrialRecordSchema.parse({
    id: hash.id,
    sweepId,
    index: Number(hash.index),
    name: hash.name,
    model: hash.model === '' ? null : hash.model,
    entry: Number(hash.entry ?? 0),
    status: hash.status,
    params: parseJsonOrNull(hash.params) ?? {},
    seed: Number(hash.seed ?? 0),
    metrics: parseJsonOrNull(hash.metrics),
    folds: parseJsonOrNull(hash.folds),
    timings: parseJsonOrNull(hash.timings),
    durationMs: numberOrNull(hash.durationMs),
    artifact: hash.artifact ? hash.artifact : null,
    attempt: Number(hash.attempt ?? 0),
    retries: Number(hash.retries ?? 0),
    worker: hash.worker ? hash.worker : null,
    startedAt: numberOrNull(hash.startedAt),
    finishedAt: numberOrNull(hash.finishedAt),
    error: hash.error ? hash.error : null,
    ...(Object.keys(tags).length === 0 ? {} : { tags }),
    ...pruningOf(hash.detail, hash.status),
    ...cachedFromOf(hash.detail),
    ...programDetailOf(hash.detail),
    ...splitOf(hash),
  });
}

/** A split trial's parts and progress (shared/folds/lua/), and the workers its commit names. */
function splitOf(hash: Record<string, string>): { split?: { parts: number; done: number; workers?: string[] } } {
  if (hash.split !== '1') return {};
  const parsed = hash.detail?.includes('"split"') === true ? (parseJsonOrNull(hash.detail) as { split?: { workers?: unknown } } | null) : null;
  const workers = parsed?.split?.workers;
  const parts = Number(hash.splitParts ?? 0);
  return {
    split: {
      parts,
      done: Number(hash.splitDone ?? 0),
      ...(Array.isArray(workers) ? { workers: workers.filter((w): w is string => typeof w === 'string') } : {}),
    },
  };
}

/** Where a trial's result came from when the result cache answered it (see TrialCommit.detail). */
function cachedFromOf(detail: string | undefined): { cachedFrom?: { sweepId: string; trialId: string } } {
  const parsed = parseJsonOrNull(detail) as { cachedFrom?: { sweepId?: unknown; trialId?: unknown } } | null;
  const from = parsed?.cachedFrom;
  if (from === undefined || typeof from.sweepId !== 'string' || typeof from.trialId !== 'string') return {};
  return { cachedFrom: { sweepId: from.sweepId, trialId: from.trialId } };
}

/** The pruner's part of a trial's commit detail (see TrialCommit.detail), when it has one. */
function pruningOf(detail: string | undefined, status: string | undefined): { pruning?: { reason?: string; rungs: unknown; scoredAt?: RungScoredAt } } {
  const parsed = parseJsonOrNull(detail) as { reason?: unknown; rungs?: unknown } | null;
  if (parsed === null || typeof parsed !== 'object' || !Array.isArray(parsed.rungs)) return {};
  // The record is parsed by TrialRecordSchema right after: a malformed rung is refused there.
  const scoredAt = prunedScoredAt(status ?? '', parsed.rungs as Array<{ resource: number }>);
  return {
    pruning: { ...(typeof parsed.reason === 'string' ? { reason: parsed.reason } : {}), rungs: parsed.rungs, ...(scoredAt === undefined ? {} : { scoredAt }) },
  };
}

/** The `program` part of a trial's commit detail (program trials, issue 14), when present. */
function programDetailOf(detail: string | undefined): { program?: unknown } {
  if (detail === undefined || !detail.includes('"program"')) return {};
  const parsed = parseJsonOrNull(detail) as { program?: unknown } | null;
  return parsed?.program === undefined ? {} : { program: parsed.program };
}
