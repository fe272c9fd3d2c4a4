/**
 * The indices 0..n−1 ordered by value, equal values in index order (a stable argsort), into
 * `order`. The query engine's pair sort (values beside ids, a depth-limited quicksort) on a copy of
 * the values: V8's TypedArray#sort boxes every element, and a comparator-driven Array#sort costs
 * ~10× more; the TPE bandwidths sort up to 513 kernels per dimension on every ask (issue 11 (d)).
 *
 * @param keys scratch for the copy of the values (length ≥ n); overwritten.
 */
import { partialSortPairs } from '../../query/select-page-by-number.js';

export function stableOrder(values: Float64Array, n: number, keys: Float64Array, order: Uint32Array): Uint32Array {
  for (let i = 0; i < n; i++) {
    keys[i] = values[i]!;
    order[i] = i;
  }
  if (n > 1) partialSortPairs(keys, order, n, 0, n);
  return order;
}
