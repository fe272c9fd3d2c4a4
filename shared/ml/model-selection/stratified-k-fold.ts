/**
 * Stratified k-fold as scikit-learn 1.2's StratifiedKFold (`_make_test_folds`). Without shuffle the
 * fold of every row is identical to scikit-learn's:
 * - classes are renumbered by first appearance in y;
 * - per-class fold sizes come from dealing the class-sorted labels round-robin over the folds
 *   (`np.bincount(y_order[i::n_splits])`);
 * - within a class, rows in index order fill fold 0, then fold 1, ... (`np.arange(k).repeat(...)`).
 * With shuffle, each class's fold sequence is permuted with our seeded Rng (so shuffled folds differ
 * from numpy's, with the same sizes). Train and test indices are sorted ascending.
 */
import { InvalidInputError } from '../../errors/index.js';
import { Rng } from '../random/rng.js';
import { checkSplitCount, foldsFromAssignment, type Fold } from './k-fold.js';

export interface StratifiedKFoldOptions {
  nSplits: number;
  /** Default false. */
  shuffle?: boolean;
  randomState?: number;
}

/**
 * Stratified folds over y (class indices 0..nClasses-1).
 * @throws InvalidInputError `INVALID_SPEC` when nSplits < 2, nSplits > rows, or every class has fewer
 * than nSplits members (scikit-learn raises there; when only some classes are that small it warns and
 * goes on, and so does this, silently).
 */
export function stratifiedKFold(y: Int32Array, nClasses: number, options: StratifiedKFoldOptions): Fold[] {
  const foldOf = stratifiedFoldIds(y, nClasses, options);
  return foldsFromAssignment(foldOf, options.nSplits);
}

/** The test-fold id of every row (scikit-learn's `test_folds`). */
export function stratifiedFoldIds(y: Int32Array, nClasses: number, options: StratifiedKFoldOptions): Int32Array {
  const n = y.length;
  const { nSplits } = options;
  checkSplitCount(nSplits, n);

  // Encode classes by order of first appearance.
  const encode = new Int32Array(nClasses).fill(-1);
  let nPresent = 0;
  for (let i = 0; i < n; i++) {
    const k = y[i]!;
    if (k < 0 || k >= nClasses) throw new InvalidInputError('INVALID_ARGUMENT', `label index ${k} at row ${i} is outside 0..${nClasses - 1}`);
    if (encode[k] === -1) encode[k] = nPresent++;
  }
  const counts = new Uint32Array(nPresent);
  for (let i = 0; i < n; i++) counts[encode[y[i]!]!]!++;
  let largest = 0;
  for (let c = 0; c < nPresent; c++) if (counts[c]! > largest) largest = counts[c]!;
  if (nSplits > largest) {
    throw new InvalidInputError(
      'INVALID_SPEC',
      `n_splits=${nSplits} cannot be greater than the number of members in each class (largest class has ${largest}); use fewer folds`,
    );
  }

  // allocation[f][c]: rows of class c in fold f. In the sorted encoding class c occupies positions
  // [offset_c, offset_c + count_c); fold f receives the positions p with p % nSplits === f.
  const allocation = new Uint32Array(nSplits * nPresent);
  let offset = 0;
  for (let c = 0; c < nPresent; c++) {
    const count = counts[c]!;
    for (let f = 0; f < nSplits; f++) {
      // Number of p in [offset, offset + count) with p ≡ f (mod nSplits).
      allocation[f * nPresent + c] = countCongruent(offset + count, f, nSplits) - countCongruent(offset, f, nSplits);
    }
    offset += count;
  }

  // Fold sequence per class: fold 0 repeated allocation[0][c] times, then fold 1, ...
  const sequences: Int32Array[] = [];
  const rng = options.shuffle === true ? new Rng(options.randomState ?? 0) : null;
  for (let c = 0; c < nPresent; c++) {
    const sequence = new Int32Array(counts[c]!);
    let fill = 0;
    for (let f = 0; f < nSplits; f++) {
      const times = allocation[f * nPresent + c]!;
      for (let t = 0; t < times; t++) sequence[fill++] = f;
    }
    if (rng !== null) rng.shuffle(sequence);
    sequences.push(sequence);
  }
  const foldOf = new Int32Array(n);
  const cursor = new Uint32Array(nPresent);
  for (let i = 0; i < n; i++) {
    const c = encode[y[i]!]!;
    foldOf[i] = sequences[c]![cursor[c]!++]!;
  }
  return foldOf;
}

/** Count of integers p in [0, end) with p % m === r (0 ≤ r < m). */
function countCongruent(end: number, r: number, m: number): number {
  return end > r ? Math.floor((end - 1 - r) / m) + 1 : 0;
}
