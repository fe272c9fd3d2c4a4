/**
 * Train/test split as row indices, following scikit-learn 1.2's `train_test_split` (ShuffleSplit, or
 * StratifiedShuffleSplit with its `_approximate_mode` allocation when stratifying). Deterministic for
 * a seed, but drawn from our {@link Rng}, so the chosen rows differ from numpy's.
 */
import { InvalidInputError } from '../../errors/index.js';
import { Rng } from '../random/rng.js';

export interface TrainTestSplitOptions {
  /** A fraction in (0, 1) of the rows (the test count is `ceil(testSize * n)`), or an integer count ≥ 1. */
  testSize: number;
  randomState: number;
  /** Keep class proportions in both parts (needs shuffle). */
  stratify: boolean;
  /** Default true; false takes the last rows as the test set (no stratification possible). */
  shuffle?: boolean;
}

export interface TrainTestIndices {
  train: Uint32Array;
  test: Uint32Array;
}

/**
 * Splits rows `0..y.length-1` into train and test indices (in the random order scikit-learn returns
 * them, not sorted).
 * @throws InvalidInputError `INVALID_SPEC` for an impossible split (empty part, class with one member,
 * fewer test or train rows than classes when stratifying).
 */
export function trainTestSplit(y: Int32Array, nClasses: number, options: TrainTestSplitOptions): TrainTestIndices {
  const n = y.length;
  const { nTrain, nTest } = splitSizes(n, options.testSize);
  const shuffle = options.shuffle ?? true;
  if (!shuffle) {
    if (options.stratify) {
      throw new InvalidInputError('INVALID_SPEC', 'stratified train/test split requires shuffle=true (scikit-learn rejects stratify with shuffle=False)');
    }
    const train = new Uint32Array(nTrain);
    const test = new Uint32Array(nTest);
    for (let i = 0; i < nTrain; i++) train[i] = i;
    for (let i = 0; i < nTest; i++) test[i] = nTrain + i;
    return { train, test };
  }
  const rng = new Rng(options.randomState);
  if (!options.stratify) {
    const permutation = rng.permutation(n);
    return { test: permutation.slice(0, nTest), train: permutation.slice(nTest, nTest + nTrain) };
  }
  return stratifiedSplit(y, nClasses, nTrain, nTest, rng);
}

function splitSizes(n: number, testSize: number): { nTrain: number; nTest: number } {
  let nTest: number;
  if (Number.isInteger(testSize) && testSize >= 1) {
    if (testSize >= n) {
      throw new InvalidInputError('INVALID_SPEC', `test_size=${testSize} must be smaller than the number of rows (${n}); leave at least one training row`);
    }
    nTest = testSize;
  } else if (testSize > 0 && testSize < 1) {
    nTest = Math.ceil(testSize * n);
  } else {
    throw new InvalidInputError('INVALID_SPEC', `test_size=${testSize} must be a fraction in (0, 1) or a row count ≥ 1`);
  }
  const nTrain = n - nTest;
  if (nTrain <= 0) {
    throw new InvalidInputError('INVALID_SPEC', `with ${n} rows and test_size=${testSize} the training set would be empty; lower test_size or add rows`);
  }
  return { nTrain, nTest };
}

function stratifiedSplit(y: Int32Array, nClasses: number, nTrain: number, nTest: number, rng: Rng): TrainTestIndices {
  const n = y.length;
  const counts = new Float64Array(nClasses);
  for (let i = 0; i < n; i++) {
    const k = y[i]!;
    if (k < 0 || k >= nClasses) throw new InvalidInputError('INVALID_ARGUMENT', `label index ${k} at row ${i} is outside 0..${nClasses - 1}`);
    counts[k]!++;
  }
  // Classes absent from y play no part (scikit-learn only sees the labels present).
  let present = 0;
  let minCount = Number.POSITIVE_INFINITY;
  for (let k = 0; k < nClasses; k++) {
    if (counts[k]! > 0) {
      present++;
      if (counts[k]! < minCount) minCount = counts[k]!;
    }
  }
  if (minCount < 2) {
    throw new InvalidInputError(
      'INVALID_SPEC',
      'the least populated class has only 1 member; a stratified split needs at least 2 per class (disable stratify or drop the class)',
    );
  }
  if (nTrain < present) {
    throw new InvalidInputError(
      'INVALID_SPEC',
      `the training part (${nTrain} rows) must have at least one row per class (${present} classes); lower test_size`,
    );
  }
  if (nTest < present) {
    throw new InvalidInputError('INVALID_SPEC', `the test part (${nTest} rows) must have at least one row per class (${present} classes); raise test_size`);
  }

  // Rows grouped by class, in index order (scikit-learn's stable argsort of y).
  const offsets = new Uint32Array(nClasses + 1);
  for (let k = 0; k < nClasses; k++) offsets[k + 1] = offsets[k]! + counts[k]!;
  const byClass = new Uint32Array(n);
  const fill = offsets.slice(0, nClasses);
  for (let i = 0; i < n; i++) byClass[fill[y[i]!]!++] = i;

  const trainPerClass = approximateMode(counts, nTrain, rng);
  const remaining = new Float64Array(nClasses);
  for (let k = 0; k < nClasses; k++) remaining[k] = counts[k]! - trainPerClass[k]!;
  const testPerClass = approximateMode(remaining, nTest, rng);

  const train = new Uint32Array(nTrain);
  const test = new Uint32Array(nTest);
  let trainFill = 0;
  let testFill = 0;
  for (let k = 0; k < nClasses; k++) {
    const size = counts[k]!;
    if (size === 0) continue;
    const members = byClass.subarray(offsets[k], offsets[k + 1]);
    const order = rng.permutation(size);
    const nTrainK = trainPerClass[k]!;
    const nTestK = testPerClass[k]!;
    for (let i = 0; i < nTrainK; i++) train[trainFill++] = members[order[i]!]!;
    for (let i = nTrainK; i < nTrainK + nTestK; i++) test[testFill++] = members[order[i]!]!;
  }
  rng.shuffle(train);
  rng.shuffle(test);
  return { train, test };
}

/**
 * scikit-learn's `_approximate_mode`: integer counts per class summing to `nDraws`, as close as possible
 * to `counts / sum(counts) * nDraws`; the leftover draws go to the largest remainders, ties broken at
 * random.
 */
export function approximateMode(counts: Float64Array, nDraws: number, rng: Rng): Float64Array {
  const k = counts.length;
  let total = 0;
  for (let i = 0; i < k; i++) total += counts[i]!;
  const floored = new Float64Array(k);
  const remainder = new Float64Array(k);
  let flooredSum = 0;
  for (let i = 0; i < k; i++) {
    const continuous = (counts[i]! / total) * nDraws;
    floored[i] = Math.floor(continuous);
    remainder[i] = continuous - floored[i]!;
    flooredSum += floored[i]!;
  }
  let needToAdd = Math.trunc(nDraws - flooredSum);
  if (needToAdd > 0) {
    // Distinct remainders, largest first; each tie group is sampled without replacement.
    const values = Array.from(new Set(remainder)).sort((a, b) => b - a);
    const group = new Uint32Array(k);
    for (let v = 0; v < values.length && needToAdd > 0; v++) {
      const value = values[v]!;
      let size = 0;
      for (let i = 0; i < k; i++) if (remainder[i] === value) group[size++] = i;
      const addNow = Math.min(size, needToAdd);
      for (let i = 0; i < addNow; i++) {
        const j = i + rng.nextInt(size - i);
        const tmp = group[i]!;
        group[i] = group[j]!;
        group[j] = tmp;
        floored[group[i]!]!++;
      }
      needToAdd -= addNow;
    }
  }
  return floored;
}
