/**
 * A contiguous part of a forest: trees [start, end) of its `n_estimators`. A forest fitted on a tree
 * range grows exactly those trees of the whole fit (tree t still uses the t-th fork of the seed), so
 * the ranges of one fit, merged in order (merge-forest-artifacts.ts), are the whole forest. Fold jobs
 * split a trial's final fit this way across workers (issue 13 item 5).
 */
import { InvalidInputError } from '../../../errors/index.js';

export interface TreeRange {
  readonly start: number;
  readonly end: number;
}

/** @throws InvalidInputError INVALID_ARGUMENT unless 0 ≤ start < end ≤ nTrees (integers). */
export function checkTreeRange(range: TreeRange, nTrees: number): TreeRange {
  const { start, end } = range;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > nTrees) {
    throw new InvalidInputError('INVALID_ARGUMENT', `tree range [${start}, ${end}) is not a non-empty part of the forest's ${nTrees} trees`);
  }
  return range;
}
