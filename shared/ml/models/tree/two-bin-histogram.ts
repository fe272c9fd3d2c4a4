/**
 * Histograms of two-valued features — one-hot columns above all (issue 9's tables are mostly them) —
 * from a node's rows, for the row-at-a-time paths of the tree builder.
 *
 * The general kernels add each row into its bin in memory: with two bins every update lands on the
 * bin the previous row touched, so each waits for the previous store (a chain of read-modify-writes).
 * Here bin 0's statistics build up in registers instead: a row adds `w − w·b` (b ∈ {0, 1}), exactly
 * its weight or zero, so the sums are the same doubles as the in-memory histogram's, term for term,
 * and the trees do not change.
 *
 * Bins are read at `bins[row · rowStride + column]`: a column (stride 1, column 0) or the row records
 * (see row-records.ts), which small nodes read — their few rows' bins of every feature sit in one
 * cache line, where one column per feature would cost a cache miss per row. A bundled column has no
 * bin byte in the records: the `accumulateBundled…` kernels read its bundle's code instead.
 */
import { STAT_TARGET } from './histogram-split-search.js';

/**
 * Two-class histogram (stride 4: count, weight, class-0 weight, class-1 weight) of a two-bin feature
 * into bins 0 and 1 of `hist`, the node's per-row class slot and weight gathered in row order as for
 * `accumulateOrderedClassHistogram`. Only bin 0 is summed row by row: the scan's one candidate has
 * bin 0 on its left and derives its right side from the node totals, so bin 1 is written as totals −
 * bin 0 (its count exact) and never feeds a score.
 * @returns false, writing nothing, when a row has the feature missing (bin 2).
 */
export function accumulateTwoBinBinaryClassHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  rowStride: number,
  column: number,
  rows: Uint32Array,
  start: number,
  end: number,
  target: Int32Array,
  weight: Float64Array,
  totals: Float64Array,
): boolean {
  const m = end - start;
  let missing = 0;
  let count1 = 0;
  let weight0 = 0;
  let class0In0 = 0;
  let class1In0 = 0;
  for (let i = 0; i < m; i++) {
    const b = bins[rows[start + i]! * rowStride + column]!;
    missing |= b >> 1;
    const w = weight[i]!;
    const isClass1 = target[i]! - STAT_TARGET;
    const in0 = w - w * b;
    const class1 = in0 * isClass1;
    count1 += b;
    weight0 += in0;
    class1In0 += class1;
    class0In0 += in0 - class1;
  }
  if (missing !== 0) return false;
  hist[0] = m - count1;
  hist[1] = weight0;
  hist[2] = class0In0;
  hist[3] = class1In0;
  hist[4] = count1;
  hist[5] = totals[1]! - weight0;
  hist[6] = totals[2]! - class0In0;
  hist[7] = totals[3]! - class1In0;
  return true;
}

/**
 * Regression histogram (stride 3: count, weight, Σ w·y) of a two-bin feature into bins 0 and 1 of
 * `hist`, weights and weighted targets gathered in row order; like the two-class kernel, only bin 0
 * is summed row by row (bin 1 = totals − bin 0 never feeds a score).
 * @returns false, writing nothing, when a row has the feature missing (bin 2).
 */
export function accumulateTwoBinRegressionHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  rowStride: number,
  column: number,
  rows: Uint32Array,
  start: number,
  end: number,
  weight: Float64Array,
  weightedTarget: Float64Array,
  totals: Float64Array,
): boolean {
  const m = end - start;
  let missing = 0;
  let count1 = 0;
  let weight0 = 0;
  let sum0 = 0;
  for (let i = 0; i < m; i++) {
    const b = bins[rows[start + i]! * rowStride + column]!;
    missing |= b >> 1;
    const w = weight[i]!;
    const wy = weightedTarget[i]!;
    count1 += b;
    weight0 += w - w * b;
    sum0 += wy - wy * b;
  }
  if (missing !== 0) return false;
  hist[0] = m - count1;
  hist[1] = weight0;
  hist[2] = sum0;
  hist[3] = count1;
  hist[4] = totals[1]! - weight0;
  hist[5] = totals[2]! - sum0;
  return true;
}

/**
 * Bin of a bundled two-valued column in a position's record (see row-records.ts): its "on" bin where
 * the record's code in the column's bundle is the column's code, the other bin elsewhere.
 */
function bundledBin(code: number, columnCode: number, onBin: number): number {
  return onBin ^ +(code !== columnCode);
}

/**
 * {@link accumulateTwoBinBinaryClassHistogram} of a bundled column (no missing values) from the codes
 * in the node rows' records: row r's code at `records[r · recordBytes + codeByte]`, the column on
 * where it equals `columnCode`. The same terms in the same order, so the same sums.
 */
export function accumulateBundledBinaryClassHistogram(
  hist: Float64Array,
  records: Uint8Array,
  recordBytes: number,
  codeByte: number,
  columnCode: number,
  onBin: number,
  rows: Uint32Array,
  start: number,
  end: number,
  target: Int32Array,
  weight: Float64Array,
  totals: Float64Array,
): void {
  const m = end - start;
  let count1 = 0;
  let weight0 = 0;
  let class0In0 = 0;
  let class1In0 = 0;
  for (let i = 0; i < m; i++) {
    const b = bundledBin(records[rows[start + i]! * recordBytes + codeByte]!, columnCode, onBin);
    const w = weight[i]!;
    const isClass1 = target[i]! - STAT_TARGET;
    const in0 = w - w * b;
    const class1 = in0 * isClass1;
    count1 += b;
    weight0 += in0;
    class1In0 += class1;
    class0In0 += in0 - class1;
  }
  hist[0] = m - count1;
  hist[1] = weight0;
  hist[2] = class0In0;
  hist[3] = class1In0;
  hist[4] = count1;
  hist[5] = totals[1]! - weight0;
  hist[6] = totals[2]! - class0In0;
  hist[7] = totals[3]! - class1In0;
}

/** {@link accumulateTwoBinRegressionHistogram} of a bundled column from its records' codes (see above). */
export function accumulateBundledRegressionHistogram(
  hist: Float64Array,
  records: Uint8Array,
  recordBytes: number,
  codeByte: number,
  columnCode: number,
  onBin: number,
  rows: Uint32Array,
  start: number,
  end: number,
  weight: Float64Array,
  weightedTarget: Float64Array,
  totals: Float64Array,
): void {
  const m = end - start;
  let count1 = 0;
  let weight0 = 0;
  let sum0 = 0;
  for (let i = 0; i < m; i++) {
    const b = bundledBin(records[rows[start + i]! * recordBytes + codeByte]!, columnCode, onBin);
    const w = weight[i]!;
    const wy = weightedTarget[i]!;
    count1 += b;
    weight0 += w - w * b;
    sum0 += wy - wy * b;
  }
  hist[0] = m - count1;
  hist[1] = weight0;
  hist[2] = sum0;
  hist[3] = count1;
  hist[4] = totals[1]! - weight0;
  hist[5] = totals[2]! - sum0;
}

/**
 * `accumulateOrderedClassHistogram` (any number of classes) of a bundled column from its records'
 * codes: bins 0 and 1 built row by row in memory as there, so the same sums; marks them in `occupied`.
 */
export function accumulateBundledClassHistogram(
  hist: Float64Array,
  stride: number,
  records: Uint8Array,
  recordBytes: number,
  codeByte: number,
  columnCode: number,
  onBin: number,
  rows: Uint32Array,
  start: number,
  end: number,
  target: Int32Array,
  weight: Float64Array,
  occupied: Uint32Array,
): void {
  const m = end - start;
  for (let i = 0; i < m; i++) {
    const b = bundledBin(records[rows[start + i]! * recordBytes + codeByte]!, columnCode, onBin);
    occupied[0] = occupied[0]! | (1 << b);
    const o = b * stride;
    const w = weight[i]!;
    hist[o] = hist[o]! + 1;
    hist[o + 1] = hist[o + 1]! + w;
    const t = o + target[i]!;
    hist[t] = hist[t]! + w;
  }
}
