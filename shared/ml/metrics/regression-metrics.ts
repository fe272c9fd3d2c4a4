/**
 * Regression metrics with scikit-learn's definitions (single output, no sample weights):
 * - `r2`: r2_score, 1 − SS_res/SS_tot; a constant y_true gives 1 for a perfect fit, else 0
 *   (`force_finite=True`);
 * - `rmse`: root_mean_squared_error; `mae`: mean_absolute_error;
 * - `mape`: mean_absolute_percentage_error, mean(|y − ŷ| / max(|y|, eps)) — a fraction, not a percent.
 */

export const REGRESSION_METRIC_NAMES = ['r2', 'rmse', 'mae', 'mape'] as const;

export type RegressionMetricName = (typeof REGRESSION_METRIC_NAMES)[number];

const EPS = Number.EPSILON;

/** Every regression metric of predictions `yPred` against `yTrue` (same length). */
export function computeRegressionMetrics(yTrue: Float64Array, yPred: Float64Array): Record<RegressionMetricName, number> {
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  let abs = 0;
  let pct = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i]!;
    const e = t - yPred[i]!;
    ssRes += e * e;
    const d = t - mean;
    ssTot += d * d;
    abs += Math.abs(e);
    pct += Math.abs(e) / Math.max(Math.abs(t), EPS);
  }
  const r2 = ssTot !== 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
  return { r2, rmse: Math.sqrt(ssRes / n), mae: abs / n, mape: pct / n };
}
