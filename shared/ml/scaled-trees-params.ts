/**
 * The params of a `scaled_trees` rung (issue 11 (c)): r trees at the learning rate that keeps
 * shrinkage × trees at the full trial's, min(1, learning_rate · N / r). Boosting at learning rate
 * 0.01 is among the worst configurations after 10–30 of its 300 trees and the best after all of
 * them; judged at the same shrinkage × trees, a configuration ranks about where it ends.
 * Capped at 1: past it a boosting step overshoots the residual it fits.
 */

/** scikit-learn's GradientBoosting defaults (as in model-params.schema.ts). */
const DEFAULT_LEARNING_RATE = 0.1;
const DEFAULT_N_ESTIMATORS = 100;

export function scaledTreesParams(params: Readonly<Record<string, unknown>>, trees: number): Record<string, unknown> {
  const rate = typeof params.learning_rate === 'number' ? params.learning_rate : DEFAULT_LEARNING_RATE;
  const full = typeof params.n_estimators === 'number' ? params.n_estimators : DEFAULT_N_ESTIMATORS;
  return { ...params, n_estimators: trees, learning_rate: Math.min(1, (rate * full) / trees) };
}
