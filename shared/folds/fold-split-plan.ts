/**
 * Whether a trial runs as fold jobs (issue 13 item 5), decided by the feeder when it enqueues it.
 *
 * Estimated cost = rows × features × the model's relative cost (estimateTrialCost: trees × depth for a
 * forest, stages × depth for boosting, 1 for linear models). A split costs a few Redis round trips and
 * one dataset load per worker that takes a part, and six jobs' bookkeeping instead of one on a busy
 * fleet, so only trials whose training takes seconds gain: the default threshold
 * (SWEEPQ_FOLD_SPLIT_MIN_COST, 2e8, ~1.5 s of single-core forest training here) splits a 100-tree
 * forest on 16,000 × 40 (7.7e8, ~6 s of CPU) and 100 boosting stages of depth 3 on the same data
 * (2.9e8), not a 100-tree forest on 3,200 × 20 (7.7e7), never a logistic regression.
 *
 * Never split: sweeps without CV (nothing to share), program trials, and sweeps under a pruner —
 * ASHA's rungs compare all folds grown in lockstep (cross-validate-by-stages.ts) and a rung verdict
 * needs every fold's score at that rung, so those trials stay one job whose rungs see every fold.
 */
import type { SweepContext } from '../schemas/sweep-context.schema.js';
import { estimateTrialCost } from '../search/estimate-trial-cost.js';

/** Folds of the trial when it is split, else null. */
export function foldSplitOf(context: SweepContext, model: string, params: Readonly<Record<string, unknown>>): number | null {
  const { cv } = context;
  if (cv.folds < 2 || context.pruner !== undefined || model === 'program') return null;
  const mode = cv.split_folds ?? 'auto';
  if (mode === 'never') return null;
  if (mode === 'always') return cv.folds;
  const shape = context.fold_split;
  if (shape === undefined) return null;
  return estimatedFoldSplitCost(context, model, params) >= shape.min_cost ? cv.folds : null;
}

/** Fits one trial runs: its CV folds and the final fit (one fit without CV). */
export function fitsPerTrial(context: SweepContext): number {
  return context.cv.folds >= 2 ? context.cv.folds + 1 : 1;
}

/** rows × features × model cost factor; 0 when the sweep recorded no data shape. */
export function estimatedFoldSplitCost(context: SweepContext, model: string, params: Readonly<Record<string, unknown>>): number {
  const shape = context.fold_split;
  if (shape === undefined) return 0;
  return shape.rows * shape.features * estimateTrialCost(model, params, context.task ?? 'classification');
}
