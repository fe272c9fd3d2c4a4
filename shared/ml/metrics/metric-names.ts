/**
 * The metrics every trial reports and the one function that computes them all from
 * true labels and predicted probabilities.
 */
import { argmaxRows } from '../models/classifier.js';
import { accuracy } from './accuracy-score.js';
import { logLoss } from './log-loss.js';
import { precisionRecallF1 } from './precision-recall-f1.js';
import { rocAuc } from './roc-auc-score.js';

import { REGRESSION_METRIC_NAMES, type RegressionMetricName } from './regression-metrics.js';

/** The classification metrics (the metrics of every classification trial). */
export const METRIC_NAMES = ['accuracy', 'precision', 'recall', 'f1_score', 'auc_roc', 'log_loss'] as const;

export type MetricName = (typeof METRIC_NAMES)[number];
// Their directions, labels and ranking live in the metric registry (shared/metrics/metric-registry.ts).

/**
 * Every metric for row-major probabilities `proba[i * nClasses + k]`; predictions are the row argmax
 * (first maximum wins). auc_roc is NaN when undefined on these labels (see roc-auc-score.ts).
 */
export function computeMetrics(yTrue: Int32Array, proba: Float64Array, nClasses: number): Record<MetricName, number> {
  const yPred = argmaxRows(proba, nClasses);
  const prf = precisionRecallF1(yTrue, yPred, nClasses);
  return {
    accuracy: accuracy(yTrue, yPred),
    precision: prf.precision,
    recall: prf.recall,
    f1_score: prf.f1,
    auc_roc: rocAuc(yTrue, proba, nClasses),
    log_loss: logLoss(yTrue, proba, nClasses),
  };
}

export { REGRESSION_METRIC_NAMES } from './regression-metrics.js';
export type { RegressionMetricName } from './regression-metrics.js';

/** Every metric a trial can report, of either task. */
export type AnyMetricName = MetricName | RegressionMetricName;

/** Metric names per task (what a trial of that task reports, and what its `cv.scoring` may be). */
export const METRIC_NAMES_BY_TASK = {
  classification: METRIC_NAMES,
  regression: REGRESSION_METRIC_NAMES,
} as const;

/** Default CV scoring per task: scikit-learn's estimator `score` (accuracy, r2). */
export const DEFAULT_SCORING = { classification: 'accuracy', regression: 'r2' } as const;
