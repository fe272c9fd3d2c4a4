/**
 * The metrics every trial reports, their direction, and the one function that computes them all from
 * true labels and predicted probabilities.
 */
import { argmaxRows } from '../models/classifier.js';
import { accuracy } from './accuracy-score.js';
import { logLoss } from './log-loss.js';
import { precisionRecallF1 } from './precision-recall-f1.js';
import { rocAuc } from './roc-auc-score.js';

export const METRIC_NAMES = ['accuracy', 'precision', 'recall', 'f1_score', 'auc_roc', 'log_loss'] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** Whether a larger value is better (for ranking trials); only log_loss is a loss. */
export const GREATER_IS_BETTER: Readonly<Record<MetricName, boolean>> = {
  accuracy: true,
  precision: true,
  recall: true,
  f1_score: true,
  auc_roc: true,
  log_loss: false,
};

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
