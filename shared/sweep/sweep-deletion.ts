/**
 * Deleting a sweep, by hand (`sweepq delete`, `DELETE /sweeps/:id`) or by retention: its BullMQ jobs,
 * its artefacts in the object store and every index key it owns.
 *
 * Order makes an interruption harmless. First, one transaction marks the sweep `deleting`, drops it
 * from the sweep and experiment listings and adds it to the `deleting` set: from then on every reader
 * sees it as gone (404), and a worker claiming one of its jobs finds no trial. Then jobs, artefacts and
 * keys are removed, the sweep hash and the `deleting` entry last; a deletion cut short is finished by
 * the next `delete` of the same id or by the next retention pass.
 *
 * Only a sweep with nothing running may be deleted: queued or active trials would otherwise race the
 * removal (cancel it first). Datasets are content-addressed and shared between sweeps, so they stay.
 */
import type { Redis } from 'ioredis';
import { SweepqError } from '../errors/index.js';
import type { MetricsIndex } from '../index/index.js';
import { SweepRecords } from '../index/index.js';
import type { Logger } from '../logger/logger.js';
import { trialJobId, type TrialQueue } from '../queue/index.js';
import type { ObjectStore } from '../store/object-store.js';

/** Trials whose job ids are read per round trip. */
const CHUNK = 1000;

export interface DeletionReport {
  sweepId: string;
  /** Trial records removed. */
  trials: number;
  /** BullMQ jobs removed (kept completed and failed ones; waiting ones cannot exist). */
  jobs: number;
  /** Objects removed from the store (artefacts of every attempt). */
  objects: number;
}

export class SweepDeletion {
  private readonly redis: Redis;

  constructor(
    private readonly index: MetricsIndex,
    private readonly queue: TrialQueue,
    private readonly store: ObjectStore,
    private readonly logger: Logger,
  ) {
    this.redis = index.redis;
  }

  /**
   * Deletes a finished or cancelled sweep.
   * @throws SweepqError NOT_FOUND for an unknown id, CONFLICT while trials are queued or running.
   */
  async delete(sweepId: string): Promise<DeletionReport> {
    if ((await this.redis.sismember(this.index.keys.deleting(), sweepId)) === 1) return this.purge(sweepId);
    const sweep = await this.index.sweeps.get(sweepId);
    if (sweep === null) throw new SweepqError('NOT_FOUND', `sweep ${sweepId} does not exist`);
    assertNothingRuns(sweep);
    await this.mark(sweepId, sweep.name, sweep.createdAt);
    return this.purge(sweepId);
  }

  /**
   * Deletes sweeps that finished (or were cancelled, with nothing left running) before `cutoff` (ms),
   * at most `limit` per call, oldest first; then finishes deletions cut short. Returns what was deleted.
   */
  async expire(cutoff: number, limit: number): Promise<DeletionReport[]> {
    const reports: DeletionReport[] = [];
    for (const sweepId of await this.redis.smembers(this.index.keys.deleting())) reports.push(await this.purge(sweepId));
    // Sweeps are listed by creation time; one created after the cutoff cannot have finished before it.
    const candidates = await this.redis.zrangebyscore(this.index.keys.sweeps(), '-inf', cutoff, 'LIMIT', 0, limit * 4);
    for (const sweep of await this.index.sweeps.getMany(candidates)) {
      if (reports.length >= limit) break;
      // External (MLflow-logged) sweeps never finish: they are kept, as a script may log into them again.
      const endedAt = sweep.finishedAt ?? (sweep.cancelled && sweep.counts.active === 0 ? (sweep.startedAt ?? sweep.createdAt) : null);
      if (endedAt === null || endedAt >= cutoff || !isIdle(sweep)) continue;
      await this.mark(sweep.id, sweep.name, sweep.createdAt);
      reports.push(await this.purge(sweep.id));
    }
    return reports;
  }

  /** Hides the sweep from every reader and records that its deletion started (one transaction). */
  private async mark(sweepId: string, name: string, createdAt: number): Promise<void> {
    const k = this.index.keys;
    const results = await this.redis
      .multi()
      .hset(k.sweep(sweepId), 'deleting', String(Date.now()))
      .sadd(k.deleting(), sweepId)
      .zrem(k.sweeps(), sweepId)
      .zrem(k.experiment(name), sweepId)
      .exec();
    if (results === null || results.some(([error]) => error !== null)) {
      throw new SweepqError(
        'INDEX_UNAVAILABLE',
        `could not start deleting sweep ${sweepId} (created ${new Date(createdAt).toISOString()}); nothing was deleted, try again`,
      );
    }
  }

  private async purge(sweepId: string): Promise<DeletionReport> {
    const k = this.index.keys;
    const [name, created] = await this.redis.hmget(k.sweep(sweepId), 'name', 'created');
    const trials = Number(created ?? 0);
    let jobs = 0;
    for (let start = 0; start < trials; start += CHUNK) {
      const indices: number[] = [];
      for (let i = start; i < Math.min(trials, start + CHUNK); i++) indices.push(i);
      const ids: string[] = [];
      // Every retry got its own job id; kept completed and failed jobs of each are removed, and the
      // blocks that carried first jobs (issue 13 item 4), once each.
      for (const ref of await this.index.trials.jobRefs(sweepId, indices)) {
        for (let r = 0; r <= ref.retries; r++) ids.push(trialJobId(ref.id, r));
        if (ref.block !== null) ids.push(ref.block);
      }
      jobs += await this.queue.removeJobs([...new Set(ids)]);
    }
    const objects = await this.store.deleteFolder(`artifacts/${sweepId}`);
    await this.index.sweeps.delete(sweepId, name ?? '');
    const report = { sweepId, trials, jobs, objects };
    this.logger.info(report, 'sweep deleted');
    return report;
  }
}

/** Nothing runs and nothing will: finished, cancelled, or an MLflow-logged (external) sweep with no open run. */
function isIdle(sweep: { counts: { active: number; queued: number }; cancelled: boolean; finishedAt: number | null; kind: string }): boolean {
  return sweep.counts.active === 0 && (sweep.finishedAt !== null || sweep.cancelled || sweep.kind === 'external');
}

function assertNothingRuns(sweep: Parameters<typeof SweepRecords.stateOf>[0]): void {
  if (isIdle(sweep)) return;
  const running = sweep.counts.active + (sweep.cancelled ? 0 : sweep.counts.queued);
  const state = SweepRecords.stateOf(sweep);
  const how = sweep.cancelled
    ? `its ${sweep.counts.active} running trial(s) are still stopping; try again in a few seconds`
    : `cancel it first (\`sweepq cancel ${sweep.id}\`), then delete it`;
  throw new SweepqError('CONFLICT', `sweep ${sweep.id} is ${state} with ${running} trial(s) queued or running: ${how}`);
}
