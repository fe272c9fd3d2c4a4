/**
 * Precision, recall and F1 as scikit-learn 1.2 computes them with its defaults:
 * - two classes: `average='binary'` with the positive class = class index 1;
 * - more classes: `average='macro'` over the labels present in yTrue or yPred (unique_labels);
 * - an undefined ratio (0/0) counts as 0, as `zero_division='warn'` returns (minus the warning).
 */
import { confusionMatrix } from './confusion-matrix.js';

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/** All three from one confusion matrix (cheaper than three calls). */
export function precisionRecallF1(yTrue: Int32Array, yPred: Int32Array, nClasses: number): PrecisionRecallF1 {
  const cm = confusionMatrix(yTrue, yPred, nClasses);
  if (nClasses === 2) return scoresForClass(cm, nClasses, 1);
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  let present = 0;
  for (let k = 0; k < nClasses; k++) {
    let trueCount = 0;
    let predCount = 0;
    for (let j = 0; j < nClasses; j++) {
      trueCount += cm[k * nClasses + j]!;
      predCount += cm[j * nClasses + k]!;
    }
    if (trueCount === 0 && predCount === 0) continue; // not a label of this data: left out of the macro mean
    const s = scoresForClass(cm, nClasses, k);
    precision += s.precision;
    recall += s.recall;
    f1 += s.f1;
    present++;
  }
  return { precision: precision / present, recall: recall / present, f1: f1 / present };
}

/** Precision: binary (class 1) or macro-averaged, see the file comment. */
export function precision(yTrue: Int32Array, yPred: Int32Array, nClasses: number): number {
  return precisionRecallF1(yTrue, yPred, nClasses).precision;
}

/** Recall: binary (class 1) or macro-averaged, see the file comment. */
export function recall(yTrue: Int32Array, yPred: Int32Array, nClasses: number): number {
  return precisionRecallF1(yTrue, yPred, nClasses).recall;
}

/** F1: binary (class 1) or the macro mean of per-class F1 (not F1 of macro precision/recall). */
export function f1(yTrue: Int32Array, yPred: Int32Array, nClasses: number): number {
  return precisionRecallF1(yTrue, yPred, nClasses).f1;
}

function scoresForClass(cm: Int32Array, nClasses: number, k: number): PrecisionRecallF1 {
  const tp = cm[k * nClasses + k]!;
  let trueCount = 0;
  let predCount = 0;
  for (let j = 0; j < nClasses; j++) {
    trueCount += cm[k * nClasses + j]!;
    predCount += cm[j * nClasses + k]!;
  }
  const p = predCount === 0 ? 0 : tp / predCount;
  const r = trueCount === 0 ? 0 : tp / trueCount;
  const denom = p + r;
  // Same operation order as scikit-learn: (1 + beta²) * precision * recall / denom.
  return { precision: p, recall: r, f1: denom === 0 ? 0 : (2 * p * r) / denom };
}
