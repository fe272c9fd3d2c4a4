/**
 * The atomic state transitions of trials (lifecycle in docs/ARCHITECTURE.md), each one Lua script in
 * ./lua/. Counters in the sweep hash move only there, in the same script as the trial's status, so they
 * always agree; every move is also appended to the sweep's completion log.
 *
 * Fencing: `claim` stores a fresh random token per attempt; `commit` and the other attempt-ending
 * transitions succeed only when the caller presents the current token of an active trial. A worker that
 * lost its lock (killed, paused, superseded by a re-run) can therefore neither overwrite nor double-count.
 */
import type { Redis } from 'ioredis';
import { InvalidInputError } from '../errors/index.js';
import { MAX_METRICS_PER_TRIAL, METRIC_NAME_PATTERN, rankScore, type Goal } from '../metrics/metric-registry.js';
import type { TrialStatus } from '../schemas/trial.schema.js';
import type { IndexKeys } from './index-keys.js';
import type { IndexScripts } from './index-scripts.js';
import { leaderboardMember } from './redis-results.js';

/** Trial ranges handled per script call by the chunked scripts (cancel, requeue). */
const CHUNK = 1000;
/** Longest error message kept on a trial. */
const MAX_ERROR_LENGTH = 2000;

export interface TrialCommit {
  token: string;
  durationMs: number;
  metrics: Record<string, number | null>;
  /** Per-fold CV scores (null where undefined), empty without CV. */
  folds: ReadonlyArray<number | null>;
  timings: Record<string, number>;
  artifact: string;
  /** The sweep's objective: its value ranks the trial on the leaderboard. */
  objective: { metric: string; goal: Goal };
  /** `pruned` keeps partial metrics but stays off the leaderboard. Default `completed`. */
  status?: 'completed' | 'pruned';
  /** Status-specific details (e.g. why a pruner stopped it), stored as JSON. */
  detail?: Record<string, unknown>;
  /** The result-cache entry (field = content key, value = its JSON) written with a `completed` commit. */
  cacheEntry?: { key: string; value: string };
}

/** Outcome of a fenced transition: 'ok', or why it was refused. */
export type TransitionResult = 'ok' | 'fenced' | 'stale';
/** A commit may also find its sweep cancelled meanwhile: the trial is then recorded as cancelled. */
export type CommitResult = TransitionResult | 'cancelled';
/** `moved`: the trial is no longer on the job that asked (a block's trial moved to a job of its own). */
export type ClaimResult = 'ok' | 'missing' | 'completed' | 'cancelled' | 'failed' | 'pruned' | 'quarantined' | 'moved';

/** What a worker needs to train a claimed trial. */
export interface TrialDefinition {
  name: string;
  model: string;
  params: Record<string, unknown>;
  seed: number;
  entry: number;
  /** The sweep's cancel epoch when this attempt began: cancel messages of earlier epochs do not concern it. */
  cancelEpoch: number;
}

export interface ClaimOutcome {
  result: ClaimResult;
  /** Present when `result` is 'ok'. */
  trial?: TrialDefinition;
}

/** Statuses an attempt may end in without a result. */
export type UnsuccessfulStatus = Extract<TrialStatus, 'failed' | 'cancelled' | 'quarantined'>;

export class TrialTransitions {
  constructor(
    private readonly redis: Redis,
    private readonly keys: IndexKeys,
    private readonly scripts: IndexScripts,
  ) {}

  /**
   * Claims a trial for a new attempt and returns its definition, which lives only in the trial hash.
   * @param expectedRetries when set, the claim is refused (`moved`) unless the trial's retries number is
   *   this one: a block job (retries 0) never claims a trial moved to a job of its own.
   */
  async claim(sweepId: string, index: number, token: string, worker: string, now = Date.now(), expectedRetries?: number): Promise<ClaimOutcome> {
    const k = this.keys;
    const reply = (await this.scripts.run(
      'claim',
      [k.trial(sweepId, index), k.sweep(sweepId), k.log(sweepId), k.open(sweepId)],
      [token, worker, now, expectedRetries ?? ''],
    )) as Array<string | null>;
    const result = reply[0] as ClaimResult;
    if (result !== 'ok') return { result };
    return { result, trial: claimedTrial(reply) };
  }

  /**
   * Claims several trials of one block job in one round trip (claim-batch-3.lua), each as {@link claim}
   * would with its own token; the outcomes come back in the order of `claims`.
   */
  async claimBatch(
    sweepId: string,
    claims: ReadonlyArray<{ index: number; token: string }>,
    worker: string,
    now = Date.now(),
    expectedRetries?: number,
  ): Promise<ClaimOutcome[]> {
    if (claims.length === 0) return [];
    const k = this.keys;
    const args: Array<string | number> = [k.trialPrefix(sweepId), worker, now, expectedRetries ?? ''];
    for (const c of claims) args.push(c.index, c.token);
    const reply = (await this.scripts.run('claim-batch', [k.sweep(sweepId), k.log(sweepId), k.open(sweepId)], args)) as string[];
    const outcomes: ClaimOutcome[] = [];
    for (let i = 0; i < claims.length; i++) {
      const entry = reply.slice(i * CLAIM_BATCH_ENTRIES, (i + 1) * CLAIM_BATCH_ENTRIES);
      const result = entry[0] as ClaimResult;
      outcomes.push(result === 'ok' ? { result, trial: claimedTrial(entry) } : { result });
    }
    return outcomes;
  }

  async commit(sweepId: string, index: number, result: TrialCommit, now = Date.now()): Promise<CommitResult> {
    const k = this.keys;
    return (await this.scripts.run(
      'commit',
      [k.trial(sweepId, index), k.sweep(sweepId), k.log(sweepId), k.best(sweepId), k.open(sweepId), k.resultCache()],
      withNow(commitFields(index, result), now),
    )) as CommitResult;
  }

  /**
   * Commits several trials of one sweep in one round trip (commit-batch-5.lua), each fenced by its own
   * token exactly as {@link commit}: a refused one does not stop the others. Results in input order.
   */
  async commitBatch(sweepId: string, commits: ReadonlyArray<{ index: number; result: TrialCommit }>, now = Date.now()): Promise<CommitResult[]> {
    if (commits.length === 0) return [];
    const k = this.keys;
    const args: Array<string | number> = [k.trialPrefix(sweepId), now];
    for (const c of commits) args.push(c.index, ...commitFields(c.index, c.result));
    return (await this.scripts.run(
      'commit-batch',
      [k.sweep(sweepId), k.log(sweepId), k.best(sweepId), k.open(sweepId), k.resultCache()],
      args,
    )) as CommitResult[];
  }

  /**
   * Ends an active attempt as failed, cancelled (its sweep was) or quarantined.
   * @param detail stored beside the error as the trial's detail, as a commit stores it (a program
   *   run's record: `{program: …}`); without one, an earlier attempt's detail is removed.
   */
  async finish(
    sweepId: string,
    index: number,
    token: string,
    status: UnsuccessfulStatus,
    message = '',
    now = Date.now(),
    detail?: Record<string, unknown>,
  ): Promise<TransitionResult> {
    const k = this.keys;
    return (await this.scripts.run(
      'finish-active',
      [k.trial(sweepId, index), k.sweep(sweepId), k.log(sweepId), k.open(sweepId)],
      [token, now, status, message.slice(0, MAX_ERROR_LENGTH), detail === undefined ? '' : JSON.stringify(detail)],
    )) as TransitionResult;
  }

  fail(sweepId: string, index: number, token: string, message: string, now = Date.now(), detail?: Record<string, unknown>): Promise<TransitionResult> {
    return this.finish(sweepId, index, token, 'failed', message, now, detail);
  }

  abort(sweepId: string, index: number, token: string, now = Date.now(), detail?: Record<string, unknown>): Promise<TransitionResult> {
    return this.finish(sweepId, index, token, 'cancelled', '', now, detail);
  }

  /**
   * Ends a trial whose job BullMQ gave up on (no attempt of ours is alive to hold a token); `retries`
   * names the job, so a late event never touches a retried or finished trial.
   */
  async forceFinish(
    sweepId: string,
    index: number,
    retries: number,
    status: 'failed' | 'quarantined',
    message: string,
    now = Date.now(),
  ): Promise<TransitionResult> {
    const k = this.keys;
    return (await this.scripts.run(
      'force-finish',
      [k.trial(sweepId, index), k.sweep(sweepId), k.log(sweepId), k.open(sweepId)],
      [retries, now, status, message.slice(0, MAX_ERROR_LENGTH)],
    )) as TransitionResult;
  }

  async release(sweepId: string, index: number, token: string, now = Date.now()): Promise<TransitionResult> {
    const k = this.keys;
    return (await this.scripts.run('release', [k.trial(sweepId, index), k.sweep(sweepId), k.log(sweepId)], [token, now])) as TransitionResult;
  }

  /**
   * Flags the sweep cancelled (claims and trial creation refuse from now on), counts its uncreated
   * trials as cancelled and cancels every created queued trial. Returns how many trials it cancelled.
   */
  /**
   * Stops a sweep by a stop rule: records `reason`, cancels the trials not started (uncreated and
   * queued); running trials finish and count. No-op when already stopped or cancelled.
   * @returns whether this call stopped it.
   */
  async stop(sweepId: string, reason: string, now = Date.now()): Promise<boolean> {
    const k = this.keys;
    const remainder = Number(await this.scripts.run('stop-remainder', [k.sweep(sweepId)], [now, reason]));
    if (remainder < 0) return false;
    // create-trials refuses a stopped sweep: `created` cannot move any more, so this range is final.
    const created = Number((await this.redis.hget(k.sweep(sweepId), 'created')) ?? 0);
    for (let start = 0; start < created; start += CHUNK) {
      const end = Math.min(created, start + CHUNK);
      await this.scripts.run('cancel-queued', [k.sweep(sweepId), k.log(sweepId), k.open(sweepId)], [k.trialPrefix(sweepId), now, start, end]);
    }
    return true;
  }

  async cancel(sweepId: string, now = Date.now()): Promise<number> {
    const k = this.keys;
    const [remainder, epoch] = (await this.scripts.run('cancel-remainder', [k.sweep(sweepId)], [now])) as [number, number];
    let cancelled = Number(remainder);
    // The flag is set: `created` cannot move any more, so this range is final.
    const created = Number((await this.redis.hget(k.sweep(sweepId), 'created')) ?? 0);
    for (let start = 0; start < created; start += CHUNK) {
      const end = Math.min(created, start + CHUNK);
      cancelled += Number(
        await this.scripts.run('cancel-queued', [k.sweep(sweepId), k.log(sweepId), k.open(sweepId)], [k.trialPrefix(sweepId), now, start, end]),
      );
    }
    // The epoch lets a worker tell this cancel from one older than its attempt (a retry in between).
    await this.redis.publish(k.cancelChannel(), `${sweepId}:${epoch}`);
    return cancelled;
  }

  /** Sets only the cancelled flag (cancel sets it first, so feeders stop before jobs are removed). */
  async flagCancelled(sweepId: string): Promise<void> {
    await this.redis.hset(this.keys.sweep(sweepId), 'cancelledFlag', 1);
  }

  /**
   * Moves failed, cancelled and quarantined trials back to queued and resumes uncreated trials a cancel
   * counted; returns the re-queued trials with their retry number, and how many uncreated ones resumed.
   */
  async requeue(sweepId: string, now = Date.now()): Promise<{ requeued: Array<{ index: number; retries: number }>; resumed: number }> {
    const k = this.keys;
    const created = Number((await this.redis.hget(k.sweep(sweepId), 'created')) ?? 0);
    const requeued: Array<{ index: number; retries: number }> = [];
    for (let start = 0; start < created; start += CHUNK) {
      const end = Math.min(created, start + CHUNK);
      const flat = (await this.scripts.run(
        'requeue',
        [k.sweep(sweepId), k.log(sweepId), k.open(sweepId)],
        [k.trialPrefix(sweepId), start, end, now],
      )) as number[];
      for (let i = 0; i < flat.length; i += 2) requeued.push({ index: Number(flat[i]), retries: Number(flat[i + 1]) });
    }
    // Only now un-cancel (and only if something comes back): claims meanwhile still refuse.
    const resumed = Number(await this.scripts.run('resume-remainder', [k.sweep(sweepId)], [requeued.length]));
    return { requeued, resumed };
  }

  /** A queued trial's new job identity (see rejob-1.lua); -1 when it is no longer queued under `retries`. */
  async rejob(sweepId: string, index: number, retries: number): Promise<number> {
    return Number(await this.scripts.run('rejob', [this.keys.trial(sweepId, index)], [retries]));
  }

  /** Back to queued for an active trial whose attempt is gone (see reset-active-3.lua); new retries or -1. */
  async resetActive(sweepId: string, index: number, retries: number, now = Date.now()): Promise<number> {
    const k = this.keys;
    return Number(await this.scripts.run('reset-active', [k.trial(sweepId, index), k.sweep(sweepId), k.log(sweepId)], [retries, now]));
  }

  /** The sweep's current cancel epoch and flag (workers poll them while training). */
  async cancelState(sweepId: string): Promise<{ cancelled: boolean; epoch: number }> {
    const [flag, epoch] = await this.redis.hmget(this.keys.sweep(sweepId), 'cancelledFlag', 'cancelEpoch');
    return { cancelled: flag === '1', epoch: Number(epoch ?? 0) };
  }
}

/** Entries per trial in claim-batch-3.lua's answer: the result and the six of a definition. */
const CLAIM_BATCH_ENTRIES = 7;

/**
 * A commit's per-trial script arguments: token, durationMs, metrics, folds, timings, artefact, status,
 * rank score, leaderboard member, detail, cache field and entry (commit-batch-5.lua after the index;
 * commit-6.lua with `now` after the token). Checks the metric names.
 */
function commitFields(index: number, result: TrialCommit): Array<string | number> {
  const names = Object.keys(result.metrics);
  if (names.length > MAX_METRICS_PER_TRIAL) {
    throw new InvalidInputError('LIMIT_EXCEEDED', `a trial may report at most ${MAX_METRICS_PER_TRIAL} metrics, got ${names.length}`);
  }
  for (const name of names) {
    if (!METRIC_NAME_PATTERN.test(name))
      throw new InvalidInputError('INVALID_ARGUMENT', `"${name.slice(0, 80)}" is not a metric name (lowercase letters, digits and _)`);
  }
  const value = result.metrics[result.objective.metric];
  const score = value === null || value === undefined || !Number.isFinite(value) ? '' : String(rankScore(result.objective.goal, value));
  return [
    result.token,
    Math.round(result.durationMs),
    JSON.stringify(result.metrics, finiteOrNull),
    JSON.stringify(result.folds.map((f) => (f === null || !Number.isFinite(f) ? null : f))),
    JSON.stringify(result.timings),
    result.artifact,
    result.status ?? 'completed',
    score,
    leaderboardMember(index),
    JSON.stringify(result.detail ?? {}),
    result.cacheEntry?.key ?? '',
    result.cacheEntry?.value ?? '',
  ];
}

/** commit-6.lua's arguments: the token, then `now`, then the rest of {@link commitFields}. */
function withNow(fields: Array<string | number>, now: number): Array<string | number> {
  return [fields[0]!, now, ...fields.slice(1)];
}

/** JSON.stringify replacer: non-finite numbers become null (JSON has no NaN). */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** The trial definition a claim script answers after its 'ok': name, model, params, seed, entry, cancel epoch. */
export function claimedTrial(reply: ReadonlyArray<string | null>): TrialDefinition {
  const [, name, model, params, seed, entry, epoch] = reply;
  return {
    name: name ?? '',
    model: model ?? '',
    params: JSON.parse(params ?? '{}') as Record<string, unknown>,
    seed: Number(seed ?? 0),
    entry: Number(entry ?? 0),
    cancelEpoch: Number(epoch ?? 0),
  };
}
