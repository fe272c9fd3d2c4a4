/**
 * Area under the ROC curve as scikit-learn 1.2's roc_auc_score:
 * - two classes: the score is probability column 1; the trapezoidal area over distinct thresholds,
 *   so tied scores give half credit (equal to the Mann–Whitney U statistic / (P·N)). Computed from
 *   integer counts, so it is exact up to the final division;
 * - more classes: one-vs-rest, macro average (`multi_class='ovr'`).
 *
 * Where scikit-learn raises (only one class present in yTrue; for multiclass, any class absent from
 * yTrue) this returns NaN: an undefined fold score, not a failed trial.
 */
import { InvalidInputError } from '../../errors/index.js';

/** ROC AUC from row-major probabilities `proba[i * nClasses + k]`. */
export function rocAuc(yTrue: Int32Array, proba: Float64Array, nClasses: number): number {
  const n = yTrue.length;
  if (proba.length !== n * nClasses) {
    throw new InvalidInputError('INVALID_ARGUMENT', `proba has ${proba.length} values, expected ${n} rows × ${nClasses} classes`);
  }
  if (n === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'cannot score an empty set of predictions');
  const order = new Uint32Array(n);
  if (nClasses === 2) return binaryAuc(yTrue, proba, nClasses, 1, order);
  let sum = 0;
  for (let k = 0; k < nClasses; k++) {
    const auc = binaryAuc(yTrue, proba, nClasses, k, order);
    if (Number.isNaN(auc)) return Number.NaN;
    sum += auc;
  }
  return sum / nClasses;
}

/** AUC of `proba[:, k]` for "class k vs rest"; NaN when yTrue has no positive or no negative. */
function binaryAuc(yTrue: Int32Array, proba: Float64Array, nClasses: number, k: number, order: Uint32Array): number {
  const n = yTrue.length;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (yTrue[i] === k) positives++;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  order.sort((a, b) => proba[b * nClasses + k]! - proba[a * nClasses + k]!);
  // Walk thresholds from high to low; each block of equal scores is one ROC point.
  let tp = 0;
  let fp = 0;
  let prevTp = 0;
  let prevFp = 0;
  let twiceArea = 0;
  for (let i = 0; i < n; i++) {
    const row = order[i]!;
    if (yTrue[row] === k) tp++;
    else fp++;
    const next = i + 1 < n ? proba[order[i + 1]! * nClasses + k]! : Number.NaN;
    if (next !== proba[row * nClasses + k]) {
      twiceArea += (fp - prevFp) * (tp + prevTp);
      prevTp = tp;
      prevFp = fp;
    }
  }
  return twiceArea / (2 * positives * negatives);
}
