/**
 * The k-th smallest of `values[0..n)` (k 0-based) by quickselect, reordering that prefix in place:
 * O(n) on average, no allocation. NaN must not occur (callers pass finite residuals). Used for the
 * percentiles of gradient boosting's robust losses, once per stage and once per leaf.
 */
export function selectKth(values: Float64Array, n: number, k: number): number {
  if (k < 0 || k >= n) throw new RangeError(`selectKth: k = ${k} outside [0, ${n})`);
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    // Median of three as the pivot: sorted or constant runs stay O(n).
    const mid = (lo + hi) >>> 1;
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    // Hoare partition: [lo, j] ≤ pivot ≤ [i, hi].
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

/**
 * Index into the sorted values of scikit-learn's `_weighted_percentile(values, ones, rank)` (numpy's
 * 'inverted_cdf'): the first position whose cumulative count reaches rank/100·n, so the median of an
 * even count is the lower middle value. The arithmetic is sklearn's, so ties at exact ranks agree.
 */
export function invertedCdfIndex(percentileRank: number, n: number): number {
  const adjusted = (percentileRank / 100) * n;
  return Math.min(n - 1, Math.max(0, Math.ceil(adjusted) - 1));
}
