/**
 * Histograms of two-valued features — one-hot columns above all (issue 9's tables are mostly them) —
 * from a node's rows, for the row-at-a-time paths of the tree builder.
 *
 * The general kernels add each row into its bin in memory: with two bins every update lands on the
 * bin the previous row touched, so each waits for the previous store (a chain of read-modify-writes).
 * Here the statistics of both bins build up in registers instead: a row adds `w·b` to bin 1's sums and
 * `w − w·b` to bin 0's (b ∈ {0, 1}), each term exactly the weight or zero, so the sums are the same
 * doubles as the in-memory histogram's, term for term — the trees do not change.
 */
import { STAT_TARGET } from './histogram-split-search.js';

/**
 * Two-class histogram (stride 4: count, weight, class-0 weight, class-1 weight) of a two-bin feature
 * into bins 0 and 1 of `hist` (which must be zero there), the node's per-row class slot and weight
 * gathered in row order as for `accumulateOrderedClassHistogram`.
 * @returns false, writing nothing, when a row has the feature missing (bin 2).
 */
export function accumulateTwoBinBinaryClassHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  rows: Uint32Array,
  start: number,
  end: number,
  target: Int32Array,
  weight: Float64Array,
): boolean {
  const m = end - start;
  let missing = 0;
  let count1 = 0;
  let weight0 = 0;
  let weight1 = 0;
  let class0In0 = 0;
  let class1In0 = 0;
  let class0In1 = 0;
  let class1In1 = 0;
  for (let i = 0; i < m; i++) {
    const b = bins[rows[start + i]!]!;
    missing |= b >> 1;
    const w = weight[i]!;
    const isClass1 = target[i]! - STAT_TARGET;
    const in1 = w * b;
    const in0 = w - in1;
    count1 += b;
    weight0 += in0;
    weight1 += in1;
    class1In0 += in0 * isClass1;
    class0In0 += in0 - in0 * isClass1;
    class1In1 += in1 * isClass1;
    class0In1 += in1 - in1 * isClass1;
  }
  if (missing !== 0) return false;
  hist[0] = m - count1;
  hist[1] = weight0;
  hist[2] = class0In0;
  hist[3] = class1In0;
  hist[4] = count1;
  hist[5] = weight1;
  hist[6] = class0In1;
  hist[7] = class1In1;
  return true;
}

/**
 * Regression histogram (stride 3: count, weight, Σ w·y) of a two-bin feature into bins 0 and 1 of
 * `hist` (zero there), weights and weighted targets gathered in row order.
 * @returns false, writing nothing, when a row has the feature missing (bin 2).
 */
export function accumulateTwoBinRegressionHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  rows: Uint32Array,
  start: number,
  end: number,
  weight: Float64Array,
  weightedTarget: Float64Array,
): boolean {
  const m = end - start;
  let missing = 0;
  let count1 = 0;
  let weight0 = 0;
  let weight1 = 0;
  let sum0 = 0;
  let sum1 = 0;
  for (let i = 0; i < m; i++) {
    const b = bins[rows[start + i]!]!;
    missing |= b >> 1;
    const w = weight[i]!;
    const wy = weightedTarget[i]!;
    count1 += b;
    weight1 += w * b;
    weight0 += w - w * b;
    sum1 += wy * b;
    sum0 += wy - wy * b;
  }
  if (missing !== 0) return false;
  hist[0] = m - count1;
  hist[1] = weight0;
  hist[2] = sum0;
  hist[3] = count1;
  hist[4] = weight1;
  hist[5] = sum1;
  return true;
}
