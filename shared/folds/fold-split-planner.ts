/**
 * The feeder's side of fold jobs: which of the trials it is about to enqueue run split (see
 * fold-split-plan.ts). Program and external sweeps (no built-in context) never split.
 */
import type { BuiltInSweepContexts } from '../index/built-in-sweep-contexts.js';
import type { SweepContext } from '../schemas/sweep-context.schema.js';
import type { TrialJob } from '../schemas/trial.schema.js';
import type { SplitTrial } from './fold-flows.js';
import { fitTreeRangesOf, type TreeRangeShape } from './fit-tree-ranges.js';
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
      const fitTrees = fitTreeRangesOf(trial.model, trial.params, treeRangeShapeOf(context, folds));
      split.push({ data: trial.data, retries: trial.retries, folds, ...(fitTrees === undefined ? {} : { fitTrees }) });
    }
    return { split, whole };
  }
}

/**
 * The data's shape as the tree ranges' cut needs it. Test rows come from the split's test size (a
 * fraction of all rows, or a count); a sweep with its own test file records no size: a quarter of the
 * training rows, as the default 0.2 split gives.
 */
function treeRangeShapeOf(context: SweepContext, folds: number): TreeRangeShape | undefined {
  const shape = context.fold_split;
  if (shape === undefined) return undefined;
  const testSize = context.dataset.split?.test_size;
  let testRows = shape.rows / 4;
  if (testSize !== undefined) testRows = testSize >= 1 ? testSize : Math.round((shape.rows * testSize) / (1 - testSize));
  return { trainRows: shape.rows, testRows, features: shape.features, folds, task: context.task ?? 'classification' };
}
