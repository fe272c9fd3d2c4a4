import { InvalidInputError } from '../../errors/index.js';

/** Fraction of rows whose predicted class equals the true class (scikit-learn's accuracy_score). */
export function accuracy(yTrue: Int32Array, yPred: Int32Array): number {
  const n = checkSameLength(yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / n;
}

/** Shared by the label metrics: equal, non-zero lengths. */
export function checkSameLength(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) {
    throw new InvalidInputError('INVALID_ARGUMENT', `yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  }
  if (yTrue.length === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'cannot score an empty set of predictions');
  return yTrue.length;
}
