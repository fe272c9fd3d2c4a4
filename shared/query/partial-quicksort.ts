/**
 * The partial quicksort both page selectors run: it only descends into the partitions overlapping the
 * page, O(n + page · log page) expected. The caller's sorter owns the data layout (item ids with a
 * comparator, or a key copy beside the ids); this owns the descent, the depth limit that falls back to
 * a full sort of a range (adversarial orders cannot go quadratic) and the small-range finish.
 */

/** Ranges at most this long are finished by insertion sort. */
const SMALL_RANGE = 16;

export interface RangeSorter {
  /** Hoare partition of [lo, hi]: returns `split` with [lo, split] ≤ pivot ≤ [split + 1, hi]. */
  partition(lo: number, hi: number): number;
  insertionSort(lo: number, hi: number): void;
  /** A full comparison sort of [lo, hi] (the depth-limit fallback). */
  sortRange(lo: number, hi: number): void;
}

/** Orders positions [0, n) just enough that [from, to) hold their final items, in order. */
export function partialQuicksort(n: number, from: number, to: number, sorter: RangeSorter): void {
  const stack: number[] = [0, n - 1, 2 * Math.ceil(Math.log2(n + 1)) + 4];
  while (stack.length > 0) {
    let depth = stack.pop()!;
    let hi = stack.pop()!;
    let lo = stack.pop()!;
    while (hi - lo > SMALL_RANGE) {
      if (depth-- === 0) {
        sorter.sortRange(lo, hi);
        lo = hi; // done with this range
        break;
      }
      const split = sorter.partition(lo, hi);
      // Descend only where the page is.
      const wantLeft = from <= split && lo < to;
      const wantRight = split + 1 < to && hi >= from;
      if (wantLeft && wantRight) {
        stack.push(split + 1, hi, depth);
        hi = split;
      } else if (wantLeft) {
        hi = split;
      } else if (wantRight) {
        lo = split + 1;
      } else {
        lo = hi;
        break;
      }
    }
    if (hi > lo && lo < to && hi >= from) sorter.insertionSort(lo, hi);
  }
}
