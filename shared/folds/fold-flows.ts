/**
 * Enqueues trials split into fold jobs as BullMQ flows (FlowProducer): the parent (`trial-split`, job
 * id = the trial's job id, so cancel, retry and the reconciler find it as the trial's job) waits in
 * `waiting-children` while one child per part — the final fit first, then each CV fold — runs on
 * whichever workers are idle. Children fail without blocking the parent (ignoreDependencyOnFailure):
 * a part that fails for good fails its trial first, and the parent then finds the trial finished.
 */
import { FlowProducer, type FlowJob, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialJob } from '../schemas/trial.schema.js';
import { FOLD_JOB_NAME, foldJobId, SPLIT_TRIAL_JOB_NAME, type FoldJob, type SplitTrialJob } from './fold-job.schema.js';
import { partsOf } from './fold-ledger.js';

export interface SplitTrial {
  data: TrialJob;
  retries: number;
  folds: number;
}

export class FoldFlows {
  private readonly producer: FlowProducer;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly queueName: string,
    private readonly jobOptions: JobsOptions,
    private readonly jobIdOf: (trialId: string, retries: number) => string,
  ) {
    this.producer = new FlowProducer({ connection, prefix });
  }

  /** Adds one flow per trial (one MULTI for all); returns the parents' job ids. Duplicate ids are no-ops. */
  async enqueue(trials: readonly SplitTrial[]): Promise<string[]> {
    if (trials.length === 0) return [];
    const ids: string[] = [];
    const flows: FlowJob[] = [];
    for (const { data, retries, folds } of trials) {
      const jobId = this.jobIdOf(data.trialId, retries);
      ids.push(jobId);
      const parent: SplitTrialJob = { v: 1, sweepId: data.sweepId, trialId: data.trialId, index: data.index, retries, folds };
      flows.push({
        name: SPLIT_TRIAL_JOB_NAME,
        queueName: this.queueName,
        data: parent,
        opts: { ...this.jobOptions, jobId },
        children: partsOf(folds).map((part) => {
          const child: FoldJob = { ...parent, part };
          return {
            name: FOLD_JOB_NAME,
            queueName: this.queueName,
            data: child,
            opts: { ...this.jobOptions, jobId: foldJobId(jobId, part), ignoreDependencyOnFailure: true },
          };
        }),
      });
    }
    await this.producer.addBulk(flows);
    return ids;
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
