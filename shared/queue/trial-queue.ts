/**
 * The BullMQ queue of trial jobs: one job per trial, job id = trial id (retries: `<trialId>-r<n>`),
 * so re-submitting the same trial is a no-op and a trial can never be queued twice at once.
 */
import type { JobsOptions, Queue as BullQueue } from 'bullmq';
import { Queue } from './queue-library.js';
import type { Redis } from 'ioredis';
import type { QueueConfig } from '../config/config.js';
import type { TrialBlockJob, TrialJob } from '../schemas/trial.schema.js';
import { FoldFlows, type SplitTrial } from '../folds/fold-flows.js';

/** addBulk is one MULTI; chunks keep each transaction (and Redis' pause) small. */
const ADD_CHUNK = 500;
/** addBulk chunks sent before waiting for their replies. */
const ADD_CHUNKS_IN_FLIGHT = 4;

export const TRIAL_JOB_NAME = 'trial';
/** A job carrying several short trials of one sweep (issue 13 item 4, services/worker/trial-block.ts). */
export const BLOCK_JOB_NAME = 'block';

/**
 * The BullMQ job states sweepq reports. A job waiting for a worker is in `waiting` (a list) or, when
 * it has a priority, in `prioritized` (a sorted set); a job retried after a backoff or handed back at
 * shutdown is `delayed` (a sorted set) until its time comes. `completed`/`failed` hold only the jobs
 * kept by the retention settings (results live in the index).
 */
export const QUEUE_JOB_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'paused', 'waiting-children', 'completed', 'failed'] as const;
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];

/** BullMQ key prefix under the sweepq prefix, so one Redis can host several sweepq installations. */
export function bullPrefix(prefix: string): string {
  return `${prefix}:bull`;
}

/** Job id of a trial's n-th retry (0 = first submission). Never contains ':'. */
export function trialJobId(trialId: string, retries: number): string {
  return retries === 0 ? trialId : `${trialId}-r${retries}`;
}

/** The trial a job id names: `<sweepId>-t<index>` or `<sweepId>-t<index>-r<retries>`; null for others. */
export function parseTrialJobId(jobId: string): { sweepId: string; index: number; retries: number } | null {
  const match = /^(s-[a-z0-9]{6,40})-t(\d{1,8})(?:-r(\d{1,6}))?$/.exec(jobId);
  if (!match) return null;
  return { sweepId: match[1]!, index: Number(match[2]), retries: match[3] === undefined ? 0 : Number(match[3]) };
}

/**
 * Job id of a block: `<sweepId>-b<first index>`. Deterministic (two feeders forming the same block
 * agree) and unique (a trial is in at most one block: only first jobs are). Never contains ':'.
 */
export function blockJobId(sweepId: string, firstIndex: number): string {
  return `${sweepId}-b${firstIndex}`;
}

/** The sweep a block job id names; null for other ids. */
export function parseBlockJobId(jobId: string): { sweepId: string; firstIndex: number } | null {
  const match = /^(s-[a-z0-9]{6,40})-b(\d{1,8})$/.exec(jobId);
  if (!match) return null;
  return { sweepId: match[1]!, firstIndex: Number(match[2]) };
}

/** The id of the job that runs a trial now: its block's while on its first job, else its own. */
export function currentJobId(ref: { id: string; retries: number; block: string | null }): string {
  return ref.retries === 0 && ref.block !== null ? ref.block : trialJobId(ref.id, ref.retries);
}

/** How big blocks of short trials may be (SWEEPQ_BLOCK_MAX_TRIALS, SWEEPQ_BLOCK_MAX_COST). */
export interface BlockLimits {
  maxTrials: number;
  maxCost: number;
}

export class TrialQueue {
  readonly queue: BullQueue<TrialJob>;
  readonly blockLimits: BlockLimits;
  private readonly jobOptions: JobsOptions;
  /** Flows of trials split into fold jobs (issue 13 item 5), created on first use. */
  private flows: FoldFlows | null = null;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    config: QueueConfig,
  ) {
    this.queue = new Queue<TrialJob>(config.name, { connection, prefix: bullPrefix(prefix) });
    this.blockLimits = { maxTrials: config.blockMaxTrials, maxCost: config.blockMaxCost };
    this.jobOptions = {
      attempts: config.attempts,
      backoff: { type: 'exponential', delay: config.backoffMs },
      removeOnComplete: { count: config.keepCompletedJobs },
      removeOnFail: { count: config.keepFailedJobs },
    };
  }

  /**
   * Enqueues jobs in chunks; returns the job ids added (for rollback). A few chunks are kept in flight
   * on the one connection (Redis runs them in send order, so queue order is unchanged): building and
   * encoding the next chunk overlaps Redis running the previous one instead of each side waiting for
   * the other. On failure every in-flight chunk is settled first, so a rollback sees them all.
   */
  async enqueue(jobs: ReadonlyArray<{ data: TrialJob; retries: number }>): Promise<string[]> {
    const ids: string[] = [];
    let inFlight: Array<Promise<unknown>> = [];
    const settle = async (): Promise<void> => {
      const results = await Promise.allSettled(inFlight);
      inFlight = [];
      for (const r of results) if (r.status === 'rejected') throw r.reason;
    };
    for (let start = 0; start < jobs.length; start += ADD_CHUNK) {
      const chunk = jobs.slice(start, start + ADD_CHUNK);
      const bulk = chunk.map(({ data, retries }) => {
        const jobId = trialJobId(data.trialId, retries);
        ids.push(jobId);
        return { name: TRIAL_JOB_NAME, data, opts: { ...this.jobOptions, jobId } };
      });
      inFlight.push(this.queue.addBulk(bulk));
      if (inFlight.length >= ADD_CHUNKS_IN_FLIGHT) await settle();
    }
    await settle();
    return ids;
  }

  /**
   * Enqueues blocks of short trials, one job each (id: {@link blockJobId}). A block job gets the trial
   * jobs' options: its attempts and stall budget cover the block's runs; a trial that fails or crashes
   * inside a block moves to a job of its own (services/worker/trial-block.ts).
   */
  async enqueueBlocks(blocks: readonly TrialBlockJob[]): Promise<string[]> {
    if (blocks.length === 0) return [];
    const bulk = blocks.map((data) => ({
      name: BLOCK_JOB_NAME,
      data: data as unknown as TrialJob,
      opts: { ...this.jobOptions, jobId: blockJobId(data.sweepId, data.indices[0]!) },
    }));
    const ids = bulk.map((b) => b.opts.jobId);
    for (let start = 0; start < bulk.length; start += ADD_CHUNK) await this.queue.addBulk(bulk.slice(start, start + ADD_CHUNK));
    return ids;
  }

  /** Enqueues trials split into fold jobs, one BullMQ flow each (shared/folds/fold-flows.ts). */
  async enqueueSplit(trials: readonly SplitTrial[]): Promise<string[]> {
    if (trials.length === 0) return [];
    this.flows ??= new FoldFlows(this.connection, bullPrefix(this.prefix), this.queue.name, this.jobOptions, trialJobId);
    return this.flows.enqueue(trials);
  }

  /**
   * Removes waiting/delayed jobs by id; active (locked) jobs are left to the worker's abort path.
   * Pass ids in enqueue order: they are removed newest first. BullMQ LPUSHes new jobs and removes a
   * waiting one with `LREM wait 1 id`, which scans from the head (the newest end); removing oldest
   * first made every LREM scan the whole list, so cancelling N queued trials cost O(N²) in Redis.
   */
  async removeJobs(jobIds: readonly string[]): Promise<number> {
    let removed = 0;
    const BATCH = 200;
    for (let end = jobIds.length; end > 0; end -= BATCH) {
      const batch: Array<Promise<number>> = [];
      for (let i = end - 1; i >= Math.max(0, end - BATCH); i--) batch.push(this.queue.remove(jobIds[i]!));
      const results = await Promise.all(batch);
      for (const r of results) removed += r;
    }
    return removed;
  }

  /**
   * Where a job stands in BullMQ: 'waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed',
   * 'waiting-children', or 'unknown' when no job has this id.
   */
  async jobState(jobId: string): Promise<string> {
    return this.queue.getJobState(jobId);
  }

  /** Jobs per state: one Lua call of LLEN/ZCARD per state (constant time whatever the queue holds). */
  async jobCounts(): Promise<Record<QueueJobState, number>> {
    const counts = await this.queue.getJobCounts(...QUEUE_JOB_STATES);
    const out = {} as Record<QueueJobState, number>;
    for (const state of QUEUE_JOB_STATES) out[state] = Number(counts[state] ?? 0);
    return out;
  }

  async close(): Promise<void> {
    await this.flows?.close();
    await this.queue.close();
  }
}
