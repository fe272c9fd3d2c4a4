/**
 * The index schema version, stored in `P:meta`. A process opening a Redis checks it before anything
 * else: an empty Redis is stamped with the current version; data of version 1 (sweepq 0.1: every trial
 * created at submit, one leaderboard per metric, no completion log) is migrated in place under a lock;
 * data from a newer sweepq is refused with a clear message rather than misread.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SweepqError } from '../errors/index.js';
import { rankScore, type Goal, type MetricRegistrySpec } from '../metrics/metric-registry.js';
import { SweepContextSchema } from '../schemas/sweep-context.schema.js';
import { IndexKeys } from './index-keys.js';
import { assertExecOk, leaderboardMember } from './redis-results.js';

export const INDEX_VERSION = 2;
const LOCK_TTL_MS = 120_000;
const CHUNK = 1000;
const V1_METRICS = ['accuracy', 'precision', 'recall', 'f1_score', 'auc_roc', 'log_loss', 'cv_mean', 'cv_std'];
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Versions already checked per connection, so each process checks once. */
const checked = new WeakMap<Redis, Set<string>>();

/**
 * Makes sure the data under `prefix` is at {@link INDEX_VERSION}, migrating version 1 data.
 * @returns the version found before (0 for an empty Redis).
 * @throws SweepqError INDEX_VERSION when the data was written by a newer sweepq.
 */
export async function ensureIndexVersion(redis: Redis, prefix: string, log?: (message: string) => void): Promise<number> {
  const done = checked.get(redis) ?? new Set<string>();
  if (done.has(prefix)) return INDEX_VERSION;
  const keys = new IndexKeys(prefix);
  for (let attempt = 0; ; attempt++) {
    const stored = await redis.hget(keys.meta(), 'indexVersion');
    const version = stored === null ? ((await redis.exists(keys.sweeps())) === 1 ? 1 : 0) : Number(stored);
    if (version === INDEX_VERSION) break;
    if (!(version >= 0 && version < INDEX_VERSION)) {
      throw new SweepqError(
        'INDEX_VERSION',
        `the Redis data under prefix "${prefix}" has index version ${stored}, written by a newer sweepq; upgrade this sweepq (or use another SWEEPQ_PREFIX / SWEEPQ_STATE_DIR)`,
      );
    }
    if (version === 0) {
      // Empty: stamp it (HSETNX: a concurrent migration's stamp wins).
      await redis.hsetnx(keys.meta(), 'indexVersion', INDEX_VERSION);
      continue;
    }
    const token = randomUUID();
    if ((await redis.set(`${keys.meta()}:migrating`, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') {
      try {
        log?.(`migrating the sweepq index under prefix "${prefix}" from version 1 to ${INDEX_VERSION}`);
        await migrateV1(redis, keys);
        await redis.hset(keys.meta(), 'indexVersion', INDEX_VERSION, 'migratedAt', Date.now());
      } finally {
        if ((await redis.get(`${keys.meta()}:migrating`)) === token) await redis.del(`${keys.meta()}:migrating`);
      }
      continue;
    }
    // Another process is migrating: wait for its stamp.
    if (attempt > 600)
      throw new SweepqError('INDEX_VERSION', `the sweepq index under prefix "${prefix}" is being migrated by another process; try again later`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  done.add(prefix);
  checked.set(redis, done);
  return INDEX_VERSION;
}

/**
 * Version 1 → 2, per sweep: every trial already exists, so `created = total` and one explicit segment
 * lists them; the completion log is rebuilt from the finished trials; the objective leaderboard replaces
 * the per-metric ones; names are registered; new counters start at 0. Idempotent per sweep (a sweep
 * that already has `created` is skipped), so an interrupted migration is simply run again.
 */
async function migrateV1(redis: Redis, keys: IndexKeys): Promise<void> {
  const ids = await redis.zrange(keys.sweeps(), 0, -1);
  for (const sweepId of ids) {
    const sweepKey = keys.sweep(sweepId);
    const [created, totalText, seedText, metric, goalText, contextText, finishedAt] = await redis.hmget(
      sweepKey,
      'created',
      'total',
      'seed',
      'objectiveMetric',
      'objectiveGoal',
      'context',
      'finishedAt',
    );
    if (created !== null || totalText === null) continue;
    const total = Number(totalText);
    const goal: Goal = goalText === 'minimize' ? 'minimize' : 'maximize';
    const objective = metric ?? 'accuracy';
    const context = SweepContextSchema.safeParse(JSON.parse(contextText ?? 'null'));
    const registry: MetricRegistrySpec = {
      cvScoring: context.success && context.data.cv.folds >= 2 ? context.data.cv.scoring : null,
      objective: { metric: objective, goal },
    };
    const trials: Array<{ model: string; params: Record<string, unknown>; name: string }> = [];
    for (let start = 0; start < total; start += CHUNK) {
      const end = Math.min(total, start + CHUNK);
      const pipeline = redis.pipeline();
      for (let i = start; i < end; i++)
        pipeline.hmget(keys.trial(sweepId, i), 'name', 'model', 'params', 'status', 'finishedAt', 'metrics', 'durationMs', 'worker', 'error');
      const rows = assertExecOk(await pipeline.exec()) as Array<Array<string | null>>;
      const write = redis.pipeline();
      for (let r = 0; r < rows.length; r++) {
        const [name, model, params, status, finishedAt, metrics, durationMs, worker, error] = rows[r]! as Array<string | null | undefined>;
        const index = start + r;
        trials.push({ model: model ?? 'logistic_regression', params: JSON.parse(params ?? '{}') as Record<string, unknown>, name: name ?? `trial-${index}` });
        write.hset(keys.trial(sweepId, index), 'entry', index, 'segment', 0);
        write.hsetnx(keys.names(sweepId), name ?? `trial-${index}`, '1');
        if (status === 'queued' || status === 'active') write.zadd(keys.open(sweepId), index, String(index));
        if (status === null || status === undefined || !TERMINAL.has(status)) continue;
        let event = `{"i":${index},"s":"${status}","t":${Number(finishedAt) || 0},"e":${index},"p":${params ?? '{}'}`;
        if (worker) event += `,"w":${JSON.stringify(worker)}`;
        if (error) event += `,"x":${JSON.stringify(error)}`;
        if (status === 'completed') {
          event += `,"d":${Number(durationMs) || 0},"m":${metrics ?? '{}'},"f":[]`;
          const value = (JSON.parse(metrics ?? '{}') as Record<string, number | null>)[objective];
          if (typeof value === 'number' && Number.isFinite(value)) write.zadd(keys.best(sweepId), rankScore(goal, value), leaderboardMember(index));
        }
        write.rpush(keys.log(sweepId), `${event}}`);
      }
      assertExecOk(await write.exec());
    }
    const segment = { start: 0, kind: 'explicit', size: total, seed: Number(seedText ?? 0), trials };
    const multi = redis
      .multi()
      .del(keys.segments(sweepId))
      .rpush(keys.segments(sweepId), JSON.stringify(segment))
      .hset(sweepKey, 'created', total, 'pruned', 0, 'quarantined', 0, 'uncreatedCancelled', 0, 'metrics', JSON.stringify(registry))
      .hdel(sweepKey, 'reserved');
    if (finishedAt === null || finishedAt === '') multi.sadd(keys.unfinished(), sweepId);
    for (const name of V1_METRICS) multi.unlink(`${keys.prefix}:sweep:${sweepId}:lb:${name}`);
    await multi.exec().then(assertExecOk);
  }
}
