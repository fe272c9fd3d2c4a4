/**
 * The feeder's side of fold jobs: which of the trials it is about to enqueue run split (see
 * fold-split-plan.ts). Program and external sweeps (no built-in context) never split.
 */
import type { BuiltInSweepContexts } from '../index/built-in-sweep-contexts.js';
import type { TrialJob } from '../schemas/trial.schema.js';
import type { SplitTrial } from './fold-flows.js';
import { fitTreeRangesOf } from './fit-tree-ranges.js';
import { foldSplitOf } from './fold-split-plan.js';

export interface EnqueueCandidate {
  data: TrialJob;
  retries: number;
  model: string;
  params: Readonly<Record<string, unknown>>;
}

export class FoldSplitPlanner {
  constructor(private readonly contexts: BuiltInSweepContexts) {}

  /** Splits `trials` into those enqueued as fold flows and those enqueued as one job, order kept. */
  async partition<T extends EnqueueCandidate>(sweepId: string, trials: readonly T[]): Promise<{ split: SplitTrial[]; whole: T[] }> {
    const context = trials.length === 0 ? null : await this.contexts.get(sweepId);
    if (context === null) return { split: [], whole: [...trials] };
    const split: SplitTrial[] = [];
    const whole: T[] = [];
    for (const trial of trials) {
      const folds = foldSplitOf(context, trial.model, trial.params);
      if (folds === null) {
        whole.push(trial);
        continue;
      }
      const fitTrees = fitTreeRangesOf(trial.model, trial.params);
      split.push({ data: trial.data, retries: trial.retries, folds, ...(fitTrees === undefined ? {} : { fitTrees }) });
    }
    return { split, whole };
  }
}
