/**
 * Cross-entropy as scikit-learn 1.2.1's log_loss with its defaults: probabilities clipped to
 * [eps, 1 − eps] with `eps='auto'` (float64 machine epsilon; the old 1e-15 default was replaced in
 * 1.2), each row renormalised to sum 1, and the mean of −log p(true class) (numpy pairwise mean).
 * Labels are 0..nClasses-1 whether or not every class occurs in yTrue.
 */
import { InvalidInputError } from '../../errors/index.js';
import { pairwiseSum } from './mean-std.js';

/** scikit-learn 1.2's `eps='auto'` for float64 input. */
export const LOG_LOSS_EPS = Number.EPSILON;

export function logLoss(yTrue: Int32Array, proba: Float64Array, nClasses: number): number {
  const n = yTrue.length;
  if (proba.length !== n * nClasses) {
    throw new InvalidInputError('INVALID_ARGUMENT', `proba has ${proba.length} values, expected ${n} rows × ${nClasses} classes`);
  }
  if (n === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'cannot score an empty set of predictions');
  const losses = new Float64Array(n);
  const high = 1 - LOG_LOSS_EPS;
  for (let i = 0; i < n; i++) {
    const base = i * nClasses;
    let rowSum = 0;
    for (let k = 0; k < nClasses; k++) rowSum += clip(proba[base + k]!, LOG_LOSS_EPS, high);
    const t = yTrue[i]!;
    if (t < 0 || t >= nClasses) throw new InvalidInputError('INVALID_ARGUMENT', `label ${t} at row ${i} is outside 0..${nClasses - 1}`);
    losses[i] = -Math.log(clip(proba[base + t]!, LOG_LOSS_EPS, high) / rowSum);
  }
  return pairwiseSum(losses) / n;
}

function clip(v: number, low: number, high: number): number {
  return v < low ? low : v > high ? high : v;
}
