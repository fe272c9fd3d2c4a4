/**
 * Whether a split trial's final fit is itself split into tree ranges (issue 13 item 5). The final fit
 * is a split trial's largest part: a forest on every training row (~1.3 folds of training) plus the
 * test evaluation, the diagnostics' permutation importance and the artefact (~0.8 of a fold more).
 * With 5 folds on 2 workers it left one worker a fold short of the other. A random forest's trees are
 * independent, so its fit runs as {@link FIT_TREE_PARTS} tree ranges (each grows its trees exactly as
 * the whole fit does: tree t keeps the t-th seed fork) and the `fit` part then only merges them and
 * evaluates the merged forest — the same model, byte for byte, as the unsplit fit.
 *
 * Two ranges, not more: each range bins the training rows again and is one more job, and the merge
 * (the evaluation and diagnostics, ~1 fold) waits for the last range. With 5 folds on 2 workers the
 * halves (~0.6 of a fold each) give each worker ~3.5 folds of work: one range, the merge and two folds
 * against one range and three folds.
 */
import { RandomForestParamsSchema } from '../schemas/model-params.schema.js';

export const FIT_TREE_PARTS = 2;

/** The final fit's tree ranges [start, end) in tree order, or undefined when the fit stays one part. */
export function fitTreeRangesOf(model: string, modelParams: Readonly<Record<string, unknown>>): Array<[number, number]> | undefined {
  if (model !== 'random_forest') return undefined;
  // The classifier's and the regressor's n_estimators share bounds and the default of 100.
  const trees = RandomForestParamsSchema.shape.n_estimators.safeParse(modelParams.n_estimators);
  if (!trees.success || trees.data < FIT_TREE_PARTS) return undefined;
  const ranges: Array<[number, number]> = [];
  for (let p = 0; p < FIT_TREE_PARTS; p++) {
    ranges.push([Math.floor((trees.data * p) / FIT_TREE_PARTS), Math.floor((trees.data * (p + 1)) / FIT_TREE_PARTS)]);
  }
  return ranges;
}
