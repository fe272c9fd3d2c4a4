/**
 * The feeder's side of fold jobs: which of the trials it is about to enqueue run split (see
 * fold-split-plan.ts). A sweep's context never changes after submit, so it is read once per process.
 */
import type { MetricsIndex } from '../index/index.js';
import type { SweepContext } from '../schemas/sweep-context.schema.js';
import type { TrialJob } from '../schemas/trial.schema.js';
import type { SplitTrial } from './fold-flows.js';
import { fitTreeRangesOf } from './fit-tree-ranges.js';
import { foldSplitOf } from './fold-split-plan.js';

const CONTEXT_CACHE_SIZE = 256;

export interface EnqueueCandidate {
  data: TrialJob;
  retries: number;
  model: string;
  params: Readonly<Record<string, unknown>>;
}

export class FoldSplitPlanner {
  /** Built-in sweeps' contexts; null for sweeps that never split (program, external). */
  private readonly contexts = new Map<string, SweepContext | null>();

  constructor(private readonly index: MetricsIndex) {}

  /** Splits `trials` into those enqueued as fold flows and those enqueued as one job, order kept. */
  async partition<T extends EnqueueCandidate>(sweepId: string, trials: readonly T[]): Promise<{ split: SplitTrial[]; whole: T[] }> {
    const context = trials.length === 0 ? null : await this.contextOf(sweepId);
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

  private async contextOf(sweepId: string): Promise<SweepContext | null> {
    const cached = this.contexts.get(sweepId);
    if (cached !== undefined) return cached;
    const sweep = await this.index.sweeps.get(sweepId);
    const context = sweep?.context;
    const found = context === null || context === undefined || 'kind' in context ? null : context;
    if (this.contexts.size >= CONTEXT_CACHE_SIZE) this.contexts.delete(this.contexts.keys().next().value!);
    this.contexts.set(sweepId, found);
    return found;
  }
}
