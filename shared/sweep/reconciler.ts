/**
 * The reconciler: a periodic check that the queue and the index agree, repairing what they do not —
 * whatever left them apart (a `retry` interrupted between re-queueing and enqueueing, a feeder that
 * died between creating trials and enqueueing them, Redis losing its last second of writes after an
 * acknowledged submit, a failed job whose cleanup ran only in a process that then died). It makes that
 * whole class of "stranded" trials impossible to keep, rather than special-casing each symptom.
 *
 * Every scheduler and worker runs one; a Redis lock elects the one that acts. Per unfinished sweep:
 * - planned trials still to feed → the sweep is back in the feeding set (a lost SADD);
 * - every open (created, unfinished) trial below the feed cursor that is queued must have a live job,
 *   else it gets a fresh job id and a job;
 * - every active trial must have an active job or a live worker holding it, else it goes back to queued
 *   with a fresh job.
 * A trial is repaired only when found stranded in two consecutive passes, so operations in flight
 * (an enqueue between its Lua step and its BullMQ step) are never mistaken for damage.
 */
import { randomUUID } from 'node:crypto';
import type { MetricsIndex } from '../index/index.js';
import type { Logger } from '../logger/logger.js';
import { currentJobId, type TrialQueue } from '../queue/index.js';
import type { SweepFeeder } from './sweep-feeder.js';
import { foldHashKey } from '../folds/fold-ledger.js';

/** Job states in which a queued trial will be picked up. */
const LIVE_JOB_STATES: ReadonlySet<string> = new Set(['waiting', 'delayed', 'prioritized', 'active', 'waiting-children']);
/** Open trials examined per sweep per pass (a window is 2,000 by default). */
const MAX_CHECKS_PER_SWEEP = 10_000;

export interface ReconcileReport {
  sweeps: number;
  checked: number;
  /** Queued trials that had no live job and got one. */
  rejobbed: number;
  /** Active trials without a live attempt, back to queued with a job. */
  reset: number;
  /** Sweeps put back in the feeding set. */
  refed: number;
}

export interface ReconcilerOptions {
  intervalMs: number;
  logger?: Logger;
}

export class Reconciler {
  private readonly holder = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ReconcileReport | null> | null = null;
  /** Stranded trials seen in the previous pass: `sweep:index:retries:state` → when first seen. */
  private suspects = new Map<string, number>();

  constructor(
    private readonly index: MetricsIndex,
    private readonly queue: TrialQueue,
    private readonly feeder: SweepFeeder,
    private readonly options: ReconcilerOptions,
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      void this.runOnce().catch((error: unknown) => this.options.logger?.warn({ err: error }, 'reconciler pass failed; the next one retries'));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    await this.index.redis
      .eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, this.index.keys.reconcilerLock(), this.holder)
      .catch(() => undefined);
  }

  /** One pass, if this process holds (or wins) the leader lock; null when another process leads. */
  runOnce(): Promise<ReconcileReport | null> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<ReconcileReport | null> {
    if (!(await this.lead())) return null;
    const report: ReconcileReport = { sweeps: 0, checked: 0, rejobbed: 0, reset: 0, refed: 0 };
    const seen = new Map<string, number>();
    for (const sweepId of await this.index.redis.smembers(this.index.keys.unfinished())) {
      report.sweeps++;
      await this.repairSweep(sweepId, report, seen);
    }
    this.suspects = seen;
    if (report.rejobbed + report.reset + report.refed > 0) this.options.logger?.warn({ ...report }, 'reconciler repaired stranded trials');
    return report;
  }

  /**
   * Repairs one sweep now, without the two-pass rule: `retry` calls it after re-queueing, when nothing
   * else is in flight for the sweep's failed trials.
   */
  async repairNow(sweepId: string): Promise<ReconcileReport> {
    const report: ReconcileReport = { sweeps: 1, checked: 0, rejobbed: 0, reset: 0, refed: 0 };
    await this.repairSweep(sweepId, report, null);
    return report;
  }

  /** Takes or extends the leader lock (3 intervals long, so a dead leader is replaced quickly). */
  private async lead(): Promise<boolean> {
    const key = this.index.keys.reconcilerLock();
    const ttl = this.options.intervalMs * 3;
    const result = await this.index.redis.eval(
      "local v = redis.call('GET', KEYS[1]) if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0",
      1,
      key,
      this.holder,
      ttl,
    );
    return Number(result) === 1;
  }

  /**
   * @param seen suspects of this pass (null: repair at once). A trial is repaired only when it was also
   *   a suspect in the previous pass.
   */
  private async repairSweep(sweepId: string, report: ReconcileReport, seen: Map<string, number> | null): Promise<void> {
    const { index } = this;
    const state = await index.feed.state(sweepId);
    if (state === null) {
      await index.redis.srem(index.keys.unfinished(), sweepId);
      return;
    }
    if (!state.cancelled && state.fed < state.total && (await index.redis.sadd(index.keys.feeding(), sweepId)) === 1) report.refed++;
    const open = (await index.redis.zrangebyscore(index.keys.open(sweepId), 0, state.fed - 1, 'LIMIT', 0, MAX_CHECKS_PER_SWEEP)).map(Number);
    if (open.length === 0) return;
    const pipeline = index.redis.pipeline();
    for (const i of open) pipeline.hmget(index.keys.trial(sweepId, i), 'status', 'retries', 'worker', 'id', 'split', 'block');
    const rows = ((await pipeline.exec()) ?? []).map(([, value]) => value as Array<string | null>);
    let workers: Set<string> | null = null;
    for (let r = 0; r < open.length; r++) {
      const [status, retriesText, worker, id, split, block] = rows[r] ?? [];
      if ((status !== 'queued' && status !== 'active') || id === null || id === undefined) continue;
      report.checked++;
      const i = open[r]!;
      const retries = Number(retriesText ?? 0);
      // A trial on its first job may be in a block (issue 13 item 4): the block job is its job.
      const jobState = await this.queue.jobState(currentJobId({ id, retries, block: block ?? null }));
      if (status === 'queued' && LIVE_JOB_STATES.has(jobState)) continue;
      if (status === 'active') {
        if (jobState === 'active') continue;
        // A trial split into fold jobs is alive while its flow's parent waits for its parts (BullMQ
        // re-queues a part whose worker died) or for a worker to commit it; its fold hash exists until
        // then (services/worker/fold.processor.ts). `split` outlives the flow: a later `retry` runs whole.
        if (split === '1' && LIVE_JOB_STATES.has(jobState) && (await index.redis.exists(foldHashKey(index.keys, sweepId, i))) === 1) continue;
        workers ??= new Set((await index.workers.list()).flatMap((w) => w.current));
        // A live worker still training it will commit or fail it itself.
        if (worker !== null && worker !== undefined && workers.has(id)) continue;
      }
      const key = `${sweepId}:${i}:${retries}:${status}`;
      if (seen !== null) {
        seen.set(key, this.suspects.get(key) ?? Date.now());
        if (!this.suspects.has(key)) continue;
      }
      const next = status === 'queued' ? await index.transitions.rejob(sweepId, i, retries) : await index.transitions.resetActive(sweepId, i, retries);
      if (next < 0) continue;
      await this.queue.enqueue([{ data: { v: 1, sweepId, trialId: id, index: i }, retries: next }]);
      if (status === 'queued') report.rejobbed++;
      else report.reset++;
      this.options.logger?.warn({ sweepId, trialId: id, status, jobState }, 'reconciler re-enqueued a stranded trial');
    }
    if (report.refed > 0) await this.feeder.feed(sweepId);
  }
}
