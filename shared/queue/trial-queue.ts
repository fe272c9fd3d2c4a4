/**
 * The BullMQ queue of trial jobs: one job per trial, job id = trial id (retries: `<trialId>-r<n>`),
 * so re-submitting the same trial is a no-op and a trial can never be queued twice at once.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueConfig } from '../config/config.js';
import type { TrialJob } from '../schemas/trial.schema.js';

/** addBulk is one MULTI; chunks keep each transaction (and Redis' pause) small. */
const ADD_CHUNK = 500;

export const TRIAL_JOB_NAME = 'trial';

/** BullMQ key prefix under the sweepq prefix, so one Redis can host several sweepq installations. */
export function bullPrefix(prefix: string): string {
  return `${prefix}:bull`;
}

/** Job id of a trial's n-th retry (0 = first submission). Never contains ':'. */
export function trialJobId(trialId: string, retries: number): string {
  return retries === 0 ? trialId : `${trialId}-r${retries}`;
}

export class TrialQueue {
  readonly queue: Queue<TrialJob>;
  private readonly jobOptions: JobsOptions;

  constructor(connection: Redis, prefix: string, config: QueueConfig) {
    this.queue = new Queue<TrialJob>(config.name, { connection, prefix: bullPrefix(prefix) });
    this.jobOptions = {
      attempts: config.attempts,
      backoff: { type: 'exponential', delay: config.backoffMs },
      removeOnComplete: { count: config.keepCompletedJobs },
      removeOnFail: { count: config.keepFailedJobs },
    };
  }

  /** Enqueues jobs in chunks; returns the job ids added (for rollback). */
  async enqueue(jobs: ReadonlyArray<{ data: TrialJob; retries: number }>): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < jobs.length; start += ADD_CHUNK) {
      const chunk = jobs.slice(start, start + ADD_CHUNK);
      const bulk = chunk.map(({ data, retries }) => {
        const jobId = trialJobId(data.trialId, retries);
        ids.push(jobId);
        return { name: TRIAL_JOB_NAME, data, opts: { ...this.jobOptions, jobId } };
      });
      await this.queue.addBulk(bulk);
    }
    return ids;
  }

  /** Removes waiting/delayed jobs by id; active (locked) jobs are left to the worker's abort path. */
  async removeJobs(jobIds: readonly string[]): Promise<number> {
    let removed = 0;
    const BATCH = 200;
    for (let start = 0; start < jobIds.length; start += BATCH) {
      const results = await Promise.all(jobIds.slice(start, start + BATCH).map((id) => this.queue.remove(id)));
      for (const r of results) removed += r;
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
