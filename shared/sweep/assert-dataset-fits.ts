/**
 * The checks of a sweep spec that need its data rows: the CSVs load with the target column, the split
 * leaves rows on both sides, and `cv.folds` fits the classes of the training rows. The sweep service
 * runs them at the trust boundary; the CLI runs the same function before it uploads anything, so a
 * sweep the server would refuse never leaves its datasets in the store (test/faults/bad-input-corpus).
 */
import { InvalidInputError } from '../errors/index.js';
import type { DatasetRef } from '../schemas/sweep-context.schema.js';
import type { DataShape } from '../search/estimate-trial-memory.js';
import type { ResolvedSweepSpec } from './parse-sweep-file.js';
import { materializeTrainTest } from './materialize-train-test.js';

/** The dataset reference a spec resolves to, given the store addresses of its train (and test) CSV. */
export function datasetRefFor(spec: ResolvedSweepSpec, train: string, test: string | null): DatasetRef {
  // The schema fills split defaults for single-file datasets; train + test files have none.
  const split = test !== null || spec.split === undefined ? null : { test_size: spec.split.test_size, random_state: spec.split.random_state, stratify: spec.split.stratify };
  return { train, test, target: spec.dataset.target, split };
}

/**
 * Loads and splits the data as a trial will and checks that `folds`-fold CV can run on it.
 * @throws InvalidInputError INVALID_CSV / INVALID_SPEC.
 */
export function assertDatasetFits(ref: DatasetRef, trainText: string, testText: string | null, folds: number): DataShape {
  const { train } = materializeTrainTest(ref, trainText, testText);
  if (folds >= 2) assertFoldsFit(train.y, train.classes.length, folds);
  return { rows: train.nRows, features: train.columns.length, classes: train.classes.length };
}

/** scikit-learn refuses StratifiedKFold when no class has n_splits members; say so before enqueueing. */
export function assertFoldsFit(y: Int32Array, nClasses: number, folds: number): void {
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < y.length; i++) counts[y[i]!]!++;
  let maxCount = 0;
  for (let k = 0; k < nClasses; k++) maxCount = Math.max(maxCount, counts[k]!);
  if (maxCount < folds) {
    throw new InvalidInputError('INVALID_SPEC', `cv.folds is ${folds} but no class has that many training rows (largest class: ${maxCount}); lower cv.folds`, {
      location: { path: 'cv.folds' },
    });
  }
}
