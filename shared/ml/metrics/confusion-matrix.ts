import { InvalidInputError } from '../../errors/index.js';
import { checkSameLength } from './accuracy-score.js';

/**
 * Confusion matrix k×k, row-major: `cm[t * nClasses + p]` counts rows of true class t predicted as p
 * (scikit-learn's confusion_matrix with labels 0..k-1).
 */
export function confusionMatrix(yTrue: Int32Array, yPred: Int32Array, nClasses: number, out?: Int32Array): Int32Array {
  const n = checkSameLength(yTrue, yPred);
  const cm = out ?? new Int32Array(nClasses * nClasses);
  if (cm.length !== nClasses * nClasses) throw new InvalidInputError('INVALID_ARGUMENT', `confusion matrix buffer must have ${nClasses * nClasses} cells`);
  cm.fill(0);
  for (let i = 0; i < n; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    if (t < 0 || t >= nClasses || p < 0 || p >= nClasses) {
      throw new InvalidInputError('INVALID_ARGUMENT', `label at row ${i} (true ${t}, predicted ${p}) is outside 0..${nClasses - 1}`);
    }
    cm[t * nClasses + p]!++;
  }
  return cm;
}
