/**
 * K-fold cross-validation as scikit-learn 1.2's KFold: consecutive folds over 0..n-1 (or over a
 * seeded permutation when shuffling), the first `n % nSplits` folds one row larger. Train and test
 * indices come back sorted ascending, as scikit-learn's boolean-mask split returns them.
 */
import { InvalidInputError } from '../../errors/index.js';
import { Rng } from '../random/rng.js';

export interface KFoldOptions {
  nSplits: number;
  /** Default false. scikit-learn rejects a random_state without shuffle; here it is simply unused. */
  shuffle?: boolean;
  randomState?: number;
}

export interface Fold {
  train: Uint32Array;
  test: Uint32Array;
}

/** @throws InvalidInputError `INVALID_SPEC` when nSplits < 2 or nSplits > nRows. */
export function kFold(nRows: number, options: KFoldOptions): Fold[] {
  const { nSplits } = options;
  checkSplitCount(nSplits, nRows);
  const order = new Uint32Array(nRows);
  for (let i = 0; i < nRows; i++) order[i] = i;
  if (options.shuffle === true) new Rng(options.randomState ?? 0).shuffle(order);
  const foldOf = new Int32Array(nRows);
  const base = Math.floor(nRows / nSplits);
  const extra = nRows % nSplits;
  let position = 0;
  for (let f = 0; f < nSplits; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let j = 0; j < size; j++) foldOf[order[position++]!] = f;
  }
  return foldsFromAssignment(foldOf, nSplits);
}

/** Validates n_splits against the sample count with scikit-learn's rules. */
export function checkSplitCount(nSplits: number, nRows: number): void {
  if (!Number.isInteger(nSplits) || nSplits < 2) {
    throw new InvalidInputError('INVALID_SPEC', `cross-validation needs an integer number of folds ≥ 2, got ${nSplits}`);
  }
  if (nSplits > nRows) {
    throw new InvalidInputError('INVALID_SPEC', `cannot have ${nSplits} folds with only ${nRows} rows; use at most ${nRows} folds`);
  }
}

/** Turns a fold id per row into sorted train/test index arrays (counting pass, then one fill pass). */
export function foldsFromAssignment(foldOf: Int32Array, nSplits: number): Fold[] {
  const n = foldOf.length;
  const sizes = new Uint32Array(nSplits);
  for (let i = 0; i < n; i++) sizes[foldOf[i]!]!++;
  const folds: Fold[] = [];
  for (let f = 0; f < nSplits; f++) {
    folds.push({ train: new Uint32Array(n - sizes[f]!), test: new Uint32Array(sizes[f]!) });
  }
  const trainFill = new Uint32Array(nSplits);
  const testFill = new Uint32Array(nSplits);
  for (let i = 0; i < n; i++) {
    const own = foldOf[i]!;
    folds[own]!.test[testFill[own]!++] = i;
    for (let f = 0; f < nSplits; f++) if (f !== own) folds[f]!.train[trainFill[f]!++] = i;
  }
  return folds;
}
