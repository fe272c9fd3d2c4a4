/**
 * Enqueues trials split into fold jobs as BullMQ flows (FlowProducer): the parent (`trial-split`, job
 * id = the trial's job id, so cancel, retry and the reconciler find it as the trial's job) waits in
 * `waiting-children` while one child per part — the final fit first, then each CV fold — runs on
 * whichever workers are idle. Children fail without blocking the parent (ignoreDependencyOnFailure):
 * a part that fails for good fails its trial first, and the parent then finds the trial finished.
 *
 * A final fit split into tree ranges is a flow of its own inside the trial's: the `fit` part waits for
 * its `t<start>-<end>` children. The ranges jump the queue (`lifo`; FlowProducer would add them after
 * the folds, one level deeper): the fit's ranges and then its merge — BullMQ puts a parent whose
 * children are done at the head of the queue — are the flow's longest chain, so they start first and
 * the folds fill the workers around them. Across split trials this starts a later trial's fit before
 * an earlier trial's folds, which changes which result comes first, not how much runs.
 */
import { FlowProducer, type FlowJob, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialJob } from '../schemas/trial.schema.js';
import { FOLD_JOB_NAME, foldJobId, partsOf, SPLIT_TRIAL_JOB_NAME, type FoldJob, type FoldPart, type SplitTrialJob } from './fold-job.schema.js';

export interface SplitTrial {
  data: TrialJob;
  retries: number;
  folds: number;
  /** The final fit's tree ranges when it is split too (fit-tree-ranges.ts). */
  fitTrees?: Array<[number, number]>;
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
    for (const { data, retries, folds, fitTrees } of trials) {
      const jobId = this.jobIdOf(data.trialId, retries);
      ids.push(jobId);
      const parent: SplitTrialJob = {
        v: 1,
        sweepId: data.sweepId,
        trialId: data.trialId,
        index: data.index,
        retries,
        folds,
        ...(fitTrees === undefined ? {} : { fitTrees }),
      };
      const child = (part: FoldPart, children?: FlowJob[]): FlowJob => {
        const payload: FoldJob = { ...parent, part };
        return {
          name: FOLD_JOB_NAME,
          queueName: this.queueName,
          data: payload,
          opts: { ...this.jobOptions, jobId: foldJobId(jobId, part), ignoreDependencyOnFailure: true, ...(part.kind === 'trees' ? { lifo: true } : {}) },
          ...(children === undefined ? {} : { children }),
        };
      };
      const parts = partsOf(parent);
      const ranges = parts.filter((part) => part.kind === 'trees').map((part) => child(part));
      const fit = child({ kind: 'fit' }, ranges.length === 0 ? undefined : ranges);
      flows.push({
        name: SPLIT_TRIAL_JOB_NAME,
        queueName: this.queueName,
        data: parent,
        opts: { ...this.jobOptions, jobId },
        children: [fit, ...parts.filter((part) => part.kind === 'fold').map((part) => child(part))],
      });
    }
    await this.producer.addBulk(flows);
    return ids;
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
