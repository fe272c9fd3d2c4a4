/**
 * The indices 0..n−1 ordered by value, equal values in index order (a stable argsort), in place in
 * `order`. A hand-written quicksort on typed arrays: V8's TypedArray#sort boxes every element, and
 * a comparator-driven Array#sort costs ~10× more; the TPE bandwidths sort up to 513 kernels per
 * dimension on every ask (issue 11 (d)).
 */
export function stableOrder(values: Float64Array, n: number, order: Int32Array): Int32Array {
  for (let i = 0; i < n; i++) order[i] = i;
  sortRange(values, order, 0, n - 1);
  return order;
}

/** a before b: smaller value, or the same value and the smaller index. */
function before(values: Float64Array, a: number, b: number): boolean {
  const va = values[a]!;
  const vb = values[b]!;
  return va < vb || (va === vb && a < b);
}

function sortRange(values: Float64Array, order: Int32Array, left: number, right: number): void {
  while (right - left > 16) {
    // Median of three as the pivot, then Hoare partition; recurse on the smaller side.
    const middle = (left + right) >>> 1;
    if (before(values, order[middle]!, order[left]!)) swap(order, middle, left);
    if (before(values, order[right]!, order[left]!)) swap(order, right, left);
    if (before(values, order[right]!, order[middle]!)) swap(order, right, middle);
    const pivot = order[middle]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (before(values, order[i]!, pivot)) i++;
      while (before(values, pivot, order[j]!)) j--;
      if (i <= j) {
        swap(order, i, j);
        i++;
        j--;
      }
    }
    if (j - left < right - i) {
      sortRange(values, order, left, j);
      left = i;
    } else {
      sortRange(values, order, i, right);
      right = j;
    }
  }
  for (let i = left + 1; i <= right; i++) {
    const item = order[i]!;
    let j = i - 1;
    while (j >= left && before(values, item, order[j]!)) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = item;
  }
}

function swap(order: Int32Array, a: number, b: number): void {
  const t = order[a]!;
  order[a] = order[b]!;
  order[b] = t;
}
