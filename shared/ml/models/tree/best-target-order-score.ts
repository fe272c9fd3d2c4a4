/**
 * An upper bound of any squared-error split of a small regression node (issue 13): the best proxy score
 * sL²/wL + sR²/wR over every split of the node's rows into two non-empty sides. The best two-group split
 * of weighted values is contiguous in their sorted order (Fisher 1958, "On grouping for maximum
 * homogeneity"), so sorting the rows by target and trying the m − 1 cuts of that order finds it: no
 * feature's split can score higher, whatever its bins.
 */

/** Relative slack for comparing a scan's score with the bound: the scans sum in other orders (a few ulps). */
export const TARGET_ORDER_BOUND_MARGIN = 1e-12;

/**
 * The bound for the node's first `m` rows, gathered in row order: `weight[i]` (> 0) and
 * `weightedTarget[i]` (w·y); `totalWeight` and `totalSum` are their sums. `order` and `targets` are
 * caller-owned scratch of at least m entries (insertion sort: meant for nodes of a few dozen rows).
 */
export function bestTargetOrderScore(
  m: number,
  weight: Float64Array,
  weightedTarget: Float64Array,
  totalWeight: number,
  totalSum: number,
  order: Int32Array,
  targets: Float64Array,
): number {
  for (let i = 0; i < m; i++) {
    const y = weightedTarget[i]! / weight[i]!;
    targets[i] = y;
    let j = i - 1;
    while (j >= 0 && targets[order[j]!]! > y) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = i;
  }
  let weightL = 0;
  let sum = 0;
  let bound = 0;
  for (let k = 0; k < m - 1; k++) {
    const i = order[k]!;
    weightL += weight[i]!;
    sum += weightedTarget[i]!;
    const weightR = totalWeight - weightL;
    const sumR = totalSum - sum;
    if (weightL > 0 && weightR > 0) {
      const score = (sum * sum) / weightL + (sumR * sumR) / weightR;
      if (score > bound) bound = score;
    }
  }
  return bound;
}
