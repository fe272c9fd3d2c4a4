/**
 * The histogram core shared by classification and regression trees: per-bin statistics of a node's
 * rows for one feature, and the scan over bins that finds the best split of that feature.
 *
 * Histogram layout: `nBins + 1` bins (the last is the missing bin) of `stride` statistics each:
 *   [0] sample count (unweighted: min_samples_leaf counts rows, as in sklearn)
 *   [1] weight sum
 *   [2…] classification: weighted count of each class; regression: weighted sum of the target.
 *
 * Split quality uses sklearn's "proxy impurity improvement" (node-constant terms dropped), higher is
 * better, summed over both children:
 *   gini:          Σ_k w_k² / W                 (from W·gini = W − Σ w_k²/W)
 *   entropy:       Σ_k w_k·ln(w_k / W)          (= −W·H)
 *   squared error: s² / W                        (friedman_mse picks the same split within a node:
 *                                                 both are increasing functions of wL·wR·(meanL−meanR)²)
 */

/** Impurity criterion of a tree builder. */
export type SplitCriterion = 'gini' | 'entropy' | 'squared_error';

/** Index of the sample count in a histogram bin / statistics vector. */
export const STAT_COUNT = 0;
/** Index of the weight sum. */
export const STAT_WEIGHT = 1;
/** First target statistic (class weights, or the weighted target sum). */
export const STAT_TARGET = 2;

/**
 * Squared-error scans divide only for candidates within this relative margin of the best score so far:
 * a score is (sL²·wR + sR²·wL) / (wL·wR) ≥ 0 with wL·wR > 0, so `num ≤ best · den · (1 − margin)` proves
 * `num / den < best` whatever the rounding (a few ulps, far below the margin), and the candidate is
 * skipped exactly as the strict comparison after the division would skip it. Most bins of a deep
 * regression tree's small nodes are such candidates; a division costs several multiplications.
 */
const DIVISION_GATE = 1 - 1e-9;

/** Best split found so far for a node; mutated in place by {@link scanFeatureHistogram}. */
export class SplitCandidate {
  score = Number.NEGATIVE_INFINITY;
  feature = -1;
  /** Last non-empty value bin going left. */
  lastLeftBin = -1;
  /** First non-empty value bin going right, or −1 when only missing values go right. */
  firstRightBin = -1;
  missingLeft = false;
  /** Statistics of the left child (stride entries). */
  readonly left: Float64Array;

  constructor(stride: number) {
    this.left = new Float64Array(stride);
  }

  reset(): void {
    this.score = Number.NEGATIVE_INFINITY;
    this.feature = -1;
  }
}

/**
 * Adds the rows `rows[start..end)` into `hist` (starting at `offset`) for classification.
 * `weights` null means unit weights. Each touched bin's bit is set in `occupied` (a 256-bit set, see
 * {@link listOccupiedBins}), so small nodes can scan their few non-empty bins instead of all 256.
 */
export function accumulateClassHistogram(
  hist: Float64Array,
  offset: number,
  stride: number,
  bins: Uint8Array,
  rows: Uint32Array,
  start: number,
  end: number,
  classes: Int32Array,
  weights: Float64Array | null,
  occupied: Uint32Array,
): void {
  if (weights === null) {
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const b = bins[r]!;
      occupied[b >>> 5] = occupied[b >>> 5]! | (1 << (b & 31));
      const o = offset + b * stride;
      hist[o] = hist[o]! + 1;
      hist[o + 1] = hist[o + 1]! + 1;
      const t = o + STAT_TARGET + classes[r]!;
      hist[t] = hist[t]! + 1;
    }
  } else {
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const w = weights[r]!;
      const b = bins[r]!;
      occupied[b >>> 5] = occupied[b >>> 5]! | (1 << (b & 31));
      const o = offset + b * stride;
      hist[o] = hist[o]! + 1;
      hist[o + 1] = hist[o + 1]! + w;
      const t = o + STAT_TARGET + classes[r]!;
      hist[t] = hist[t]! + w;
    }
  }
}

/**
 * {@link accumulateClassHistogram} with the node's per-row class slot (STAT_TARGET + class) and weight
 * already gathered into row order (`target[i]`, `weight[i]` for rows[start + i]): per feature only the
 * bin is gathered, at `bins[row · rowStride + column]` (a column, or the row-major layout that small
 * nodes read: see two-bin-histogram.ts).
 */
export function accumulateOrderedClassHistogram(
  hist: Float64Array,
  stride: number,
  bins: Uint8Array,
  rowStride: number,
  column: number,
  rows: Uint32Array,
  start: number,
  end: number,
  target: Int32Array,
  weight: Float64Array,
  occupied: Uint32Array,
): void {
  const m = end - start;
  for (let i = 0; i < m; i++) {
    const b = bins[rows[start + i]! * rowStride + column]!;
    occupied[b >>> 5] = occupied[b >>> 5]! | (1 << (b & 31));
    const o = b * stride;
    const w = weight[i]!;
    hist[o] = hist[o]! + 1;
    hist[o + 1] = hist[o + 1]! + w;
    const t = o + target[i]!;
    hist[t] = hist[t]! + w;
  }
}

/** {@link accumulateOrderedClassHistogram} without the occupied-bin set (large nodes list bins from counts). */
export function accumulateOrderedClassHistogramDense(
  hist: Float64Array,
  stride: number,
  bins: Uint8Array,
  rows: Uint32Array,
  start: number,
  end: number,
  target: Int32Array,
  weight: Float64Array,
): void {
  const m = end - start;
  for (let i = 0; i < m; i++) {
    const o = bins[rows[start + i]!]! * stride;
    const w = weight[i]!;
    hist[o] = hist[o]! + 1;
    hist[o + 1] = hist[o + 1]! + w;
    const t = o + target[i]!;
    hist[t] = hist[t]! + w;
  }
}

/** {@link accumulateOrderedClassHistogramDense} for two features in one pass over the rows. */
export function accumulateOrderedClassHistogramDensePair(
  histA: Float64Array,
  histB: Float64Array,
  stride: number,
  binsA: Uint8Array,
  binsB: Uint8Array,
  rows: Uint32Array,
  start: number,
  end: number,
  target: Int32Array,
  weight: Float64Array,
): void {
  const m = end - start;
  for (let i = 0; i < m; i++) {
    const r = rows[start + i]!;
    const oA = binsA[r]! * stride;
    const oB = binsB[r]! * stride;
    const w = weight[i]!;
    const t = target[i]!;
    // Different arrays: the loads may all go before the stores.
    const cA = histA[oA]!;
    const wA = histA[oA + 1]!;
    const kA = histA[oA + t]!;
    const cB = histB[oB]!;
    const wB = histB[oB + 1]!;
    const kB = histB[oB + t]!;
    histA[oA] = cA + 1;
    histA[oA + 1] = wA + w;
    histA[oA + t] = kA + w;
    histB[oB] = cB + 1;
    histB[oB + 1] = wB + w;
    histB[oB + t] = kB + w;
  }
}

/**
 * Regression counterpart of {@link accumulateOrderedClassHistogram} (stride 3: count, weight, Σw·y),
 * the node's weights and weighted targets already gathered into row order (`weight[i]`,
 * `weightedTarget[i]` for the node's i-th row): per feature only the bin is gathered, at
 * `bins[rowOffset[i] + column]` (the node's row offsets in the layout read, computed once per node).
 */
export function accumulateOrderedRegressionHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  rowOffset: Int32Array,
  column: number,
  m: number,
  weight: Float64Array,
  weightedTarget: Float64Array,
  occupied: Uint32Array,
): void {
  for (let i = 0; i < m; i++) {
    const b = bins[rowOffset[i]! + column]!;
    occupied[b >>> 5] = occupied[b >>> 5]! | (1 << (b & 31));
    const o = b * 3;
    hist[o] = hist[o]! + 1;
    hist[o + 1] = hist[o + 1]! + weight[i]!;
    hist[o + 2] = hist[o + 2]! + weightedTarget[i]!;
  }
}

/**
 * {@link accumulateOrderedRegressionHistogram} into a full histogram (feature slot at `offset`),
 * without the occupied-bin set (a full histogram's bins are listed from its counts).
 */
export function accumulateOrderedRegressionHistogramAt(
  hist: Float64Array,
  offset: number,
  bins: Uint8Array,
  rows: Uint32Array,
  start: number,
  end: number,
  weight: Float64Array,
  weightedTarget: Float64Array,
): void {
  const m = end - start;
  for (let i = 0; i < m; i++) {
    const o = offset + bins[rows[start + i]!]! * 3;
    hist[o] = hist[o]! + 1;
    hist[o + 1] = hist[o + 1]! + weight[i]!;
    hist[o + 2] = hist[o + 2]! + weightedTarget[i]!;
  }
}

/**
 * Scores the squared-error cut between bins `previous` and `b` of a row scan, records it when it is the
 * best so far, and returns the division gate: sL²/wL + sR²/wR = (sL²·wR + sR²·wL) / (wL·wR), divided
 * only when the numerator clears `gate` (DIVISION_GATE below the best).
 */
function regressionCut(
  best: SplitCandidate,
  gate: number,
  feature: number,
  previous: number,
  b: number,
  count: number,
  totalCount: number,
  weightL: number,
  weightR: number,
  sum: number,
  sumR: number,
): number {
  if (!(weightL > 0 && weightR > 0)) return gate;
  const numerator = sum * sum * weightR + sumR * sumR * weightL;
  const denominator = weightL * weightR;
  if (!(numerator > gate * denominator)) return gate;
  const score = numerator / denominator;
  if (!(score > best.score)) return gate;
  recordBest(best, score, feature, previous, b, count >= totalCount - count, count, weightL, sum, 0);
  return score * DIVISION_GATE;
}

/**
 * Squared-error split search of one feature straight from a node's rows (gathered as for
 * {@link accumulateOrderedRegressionHistogram}): accumulates the feature's bins into `hist` (all zero
 * on entry and on return) and, when the node has no missing value of the feature, scans the occupied
 * bins in the same pass that clears them — the small-node path of deep regression trees, where the
 * per-feature overhead of listing, scanning and clearing separately outweighs the rows. Same
 * candidates, order and scores as {@link scanFeatureHistogram}.
 * @returns 1 when the feature splits the node (non-constant), 0 when constant, −1 when the node has
 *   missing values of the feature: the bins are then left accumulated, listed in `occupied`, for the
 *   caller's general scan.
 */
export function scanOrderedRegressionRows(
  hist: Float64Array,
  bins: Uint8Array,
  rowOffset: Int32Array,
  column: number,
  nBins: number,
  m: number,
  weight: Float64Array,
  weightedTarget: Float64Array,
  occupied: Uint32Array,
  totals: Float64Array,
  minSamplesLeaf: number,
  feature: number,
  best: SplitCandidate,
): number {
  accumulateOrderedRegressionHistogram(hist, bins, rowOffset, column, m, weight, weightedTarget, occupied);
  if (hist[nBins * 3]! > 0) return -1;
  const totalCount = totals[STAT_COUNT]!;
  const totalWeight = totals[STAT_WEIGHT]!;
  const totalSum = totals[STAT_TARGET]!;
  let count = 0;
  let weightL = 0;
  let sum = 0;
  let previous = -1;
  let nonEmpty = 0;
  let gate = best.score * DIVISION_GATE;
  for (let w = 0; w < OCCUPIED_WORDS; w++) {
    let bits = occupied[w]!;
    if (bits === 0) continue;
    occupied[w] = 0;
    while (bits !== 0) {
      const low = bits & -bits;
      const b = (w << 5) + 31 - Math.clz32(low);
      bits ^= low;
      const o = b * 3;
      const c = hist[o]!;
      const binWeight = hist[o + 1]!;
      const binSum = hist[o + 2]!;
      hist[o] = 0;
      hist[o + 1] = 0;
      hist[o + 2] = 0;
      nonEmpty++;
      if (previous >= 0 && count >= minSamplesLeaf && totalCount - count >= minSamplesLeaf) {
        const weightR = totalWeight - weightL;
        const sumR = totalSum - sum;
        gate = regressionCut(best, gate, feature, previous, b, count, totalCount, weightL, weightR, sum, sumR);
      }
      count += c;
      weightL += binWeight;
      sum += binSum;
      previous = b;
    }
  }
  return nonEmpty > 1 ? 1 : 0;
}

/** Largest node {@link scanSortedRegressionRows} takes: the row's slot must fit the key's low 4 bits. */
export const SORTED_SCAN_MAX_ROWS = 16;

/**
 * {@link scanOrderedRegressionRows} for tiny nodes (≤ {@link SORTED_SCAN_MAX_ROWS} rows, half the
 * nodes of a deep regression tree have 2 or 3): the rows' bins are insertion-sorted into `keys`
 * (bin · 16 + slot) and scanned in order, with no histogram to fill and clear. Same candidates and
 * order; bin totals are added row by row, so sums may differ from the histogram's in the last bit.
 * Row i of the node has its bin at `bins[rowOffset[i] + column]` (offsets computed once per node, so
 * the node's every feature reuses them: see HistogramTreeBuilder.searchTinyRegressionNode).
 * @returns 1 (splits), 0 (constant), or −1 when the node has missing values of the feature (nothing
 *   accumulated: the caller takes the histogram path).
 */
export function scanSortedRegressionRows(
  keys: Int32Array,
  bins: Uint8Array,
  rowOffset: Int32Array,
  column: number,
  nBins: number,
  m: number,
  weight: Float64Array,
  weightedTarget: Float64Array,
  totals: Float64Array,
  minSamplesLeaf: number,
  feature: number,
  best: SplitCandidate,
): number {
  for (let i = 0; i < m; i++) {
    const b = bins[rowOffset[i]! + column]!;
    if (b === nBins) return -1;
    const key = (b << 4) | i;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  const totalCount = totals[STAT_COUNT]!;
  const totalWeight = totals[STAT_WEIGHT]!;
  const totalSum = totals[STAT_TARGET]!;
  let count = 0;
  let weightL = 0;
  let sum = 0;
  let previous = -1;
  let gate = best.score * DIVISION_GATE;
  let i = 0;
  while (i < m) {
    const b = keys[i]! >> 4;
    if (previous >= 0 && count >= minSamplesLeaf && totalCount - count >= minSamplesLeaf) {
      const weightR = totalWeight - weightL;
      const sumR = totalSum - sum;
      gate = regressionCut(best, gate, feature, previous, b, count, totalCount, weightL, weightR, sum, sumR);
    }
    while (i < m && keys[i]! >> 4 === b) {
      const slot = keys[i]! & 15;
      count++;
      weightL += weight[slot]!;
      sum += weightedTarget[slot]!;
      i++;
    }
    if (previous < 0 && i === m) return 0;
    previous = b;
  }
  return 1;
}

/** Words of an occupied-bin set: 256 bits cover every bin index a Uint8Array can hold. */
export const OCCUPIED_WORDS = 8;

/**
 * Lists, ascending, the value bins (< nBins) whose bit is set in `occupied`, then clears the set.
 * Costs O(8 + listed) instead of O(nBins). @returns the number of bins written to `out`.
 */
export function listOccupiedBins(occupied: Uint32Array, nBins: number, out: Int32Array): number {
  let n = 0;
  for (let w = 0; w < OCCUPIED_WORDS; w++) {
    let bits = occupied[w]!;
    occupied[w] = 0;
    while (bits !== 0) {
      const low = bits & -bits;
      const b = (w << 5) + 31 - Math.clz32(low);
      if (b < nBins) out[n++] = b;
      bits ^= low;
    }
  }
  return n;
}

/** Lists, ascending, the value bins with a non-zero sample count (full-histogram mode). */
export function listNonEmptyBins(hist: Float64Array, offset: number, nBins: number, stride: number, out: Int32Array): number {
  let n = 0;
  for (let b = 0; b < nBins; b++) if (hist[offset + b * stride]! > 0) out[n++] = b;
  return n;
}

/**
 * Proxy score of a candidate split (see the file comment), left statistics in `left[0..stride)`, the
 * right side derived as totals − left without materialising it.
 * Squared error reads scalars only; gini and entropy loop over the classes.
 */
function splitScore(criterion: SplitCriterion, left: Float64Array, totals: Float64Array, stride: number): number {
  const wL = left[STAT_WEIGHT]!;
  const wR = totals[STAT_WEIGHT]! - wL;
  if (criterion === 'squared_error') {
    const sL = left[STAT_TARGET]!;
    const sR = totals[STAT_TARGET]! - sL;
    return (sL * sL) / wL + (sR * sR) / wR;
  }
  if (criterion === 'gini') {
    let sumL = 0;
    let sumR = 0;
    for (let k = STAT_TARGET; k < stride; k++) {
      const cL = left[k]!;
      const cR = totals[k]! - cL;
      sumL += cL * cL;
      sumR += cR * cR;
    }
    return sumL / wL + sumR / wR;
  }
  let score = 0;
  for (let k = STAT_TARGET; k < stride; k++) {
    const cL = left[k]!;
    const cR = totals[k]! - cL;
    if (cL > 0) score += cL * Math.log(cL / wL);
    if (cR > 0) score += cR * Math.log(cR / wR);
  }
  return score;
}

/**
 * Scans one feature's histogram for the best split of a node and updates `best` when it finds a
 * strictly better one (so earlier features win ties, as in sklearn's splitter).
 *
 * Candidates are the gaps between consecutive non-empty value bins (`bins[0..nListed)`, ascending).
 * When the node has missing values for this feature, each gap is tried with the missing rows on the
 * right and on the left, and the split "all values left, missing right" is tried too; without missing
 * values in the node, missing values at predict time follow the child with more training samples.
 *
 * @param left a stride-long buffer for the running left statistics.
 * @returns false when the feature is constant in the node (a single non-empty bin), else true.
 */
export function scanFeatureHistogram(
  criterion: SplitCriterion,
  hist: Float64Array,
  offset: number,
  nBins: number,
  stride: number,
  bins: Int32Array,
  nListed: number,
  totals: Float64Array,
  minSamplesLeaf: number,
  feature: number,
  left: Float64Array,
  best: SplitCandidate,
): boolean {
  const missingOffset = offset + nBins * stride;
  const missingCount = hist[missingOffset + STAT_COUNT]!;
  const hasMissing = missingCount > 0;
  if (nListed + (hasMissing ? 1 : 0) <= 1) return false;
  if (!hasMissing) {
    // Fast paths for the common cases (imputed data): scalar running sums, no per-bin inner loops.
    if (criterion === 'squared_error') {
      scanSquaredError(hist, offset, stride, bins, nListed, totals, minSamplesLeaf, feature, best);
      return true;
    }
    if (criterion === 'gini' && stride === STAT_TARGET + 2) {
      scanBinaryGini(hist, offset, stride, bins, nListed, totals, minSamplesLeaf, feature, best);
      return true;
    }
  }
  const totalCount = totals[STAT_COUNT]!;
  const totalWeight = totals[STAT_WEIGHT]!;

  for (let pass = 0; pass < (hasMissing ? 2 : 1); pass++) {
    const missingLeft = pass === 1;
    for (let s = 0; s < stride; s++) left[s] = missingLeft ? hist[missingOffset + s]! : 0;
    let previous = -1;
    // One extra step (i = nListed) evaluates "all values left, missing right" when there are missing rows.
    const steps = hasMissing && !missingLeft ? nListed + 1 : nListed;
    for (let i = 0; i < steps; i++) {
      const isMissingStep = i === nListed;
      const b = isMissingStep ? -1 : bins[i]!;
      if (previous >= 0) {
        const leftCount = left[STAT_COUNT]!;
        const rightCount = totalCount - leftCount;
        const leftWeight = left[STAT_WEIGHT]!;
        if (leftCount >= minSamplesLeaf && rightCount >= minSamplesLeaf && leftWeight > 0 && totalWeight - leftWeight > 0) {
          const score = splitScore(criterion, left, totals, stride);
          if (score > best.score) {
            best.score = score;
            best.feature = feature;
            best.lastLeftBin = previous;
            best.firstRightBin = b;
            best.missingLeft = hasMissing ? missingLeft : leftCount >= rightCount;
            for (let s = 0; s < stride; s++) best.left[s] = left[s]!;
          }
        }
      }
      if (isMissingStep) break;
      const o = offset + b * stride;
      for (let s = 0; s < stride; s++) left[s] = left[s]! + hist[o + s]!;
      previous = b;
    }
  }
  return true;
}

/** {@link scanFeatureHistogram} for squared error without missing values: s²/w on scalars. */
function scanSquaredError(
  hist: Float64Array,
  offset: number,
  stride: number,
  bins: Int32Array,
  nListed: number,
  totals: Float64Array,
  minSamplesLeaf: number,
  feature: number,
  best: SplitCandidate,
): void {
  const totalCount = totals[STAT_COUNT]!;
  const totalWeight = totals[STAT_WEIGHT]!;
  const totalSum = totals[STAT_TARGET]!;
  let count = 0;
  let weight = 0;
  let sum = 0;
  let previous = -1;
  for (let i = 0; i < nListed; i++) {
    const b = bins[i]!;
    if (previous >= 0 && count >= minSamplesLeaf && totalCount - count >= minSamplesLeaf) {
      const weightR = totalWeight - weight;
      const sumR = totalSum - sum;
      if (weight > 0 && weightR > 0) {
        const score = (sum * sum) / weight + (sumR * sumR) / weightR;
        if (score > best.score) recordBest(best, score, feature, previous, b, count >= totalCount - count, count, weight, sum, 0);
      }
    }
    const o = offset + b * stride;
    count += hist[o]!;
    weight += hist[o + 1]!;
    sum += hist[o + 2]!;
    previous = b;
  }
}

/**
 * Scores the two-class gini cut between bins `previous` and `b` (class weights c0, c1 on the left of
 * the node's total0, total1) and records it when it is the best so far — the one formula of every
 * two-class scan, so they all pick the same split: c0²/wL + c1²/wL + r0²/wR + r1²/wR with one division,
 * (a·wR + b·wL) / (wL·wR).
 */
function binaryGiniCut(
  best: SplitCandidate,
  feature: number,
  previous: number,
  b: number,
  count: number,
  totalCount: number,
  c0: number,
  c1: number,
  total0: number,
  total1: number,
): void {
  const weightL = c0 + c1;
  const r0 = total0 - c0;
  const r1 = total1 - c1;
  const weightR = r0 + r1;
  if (!(weightL > 0 && weightR > 0)) return;
  const score = ((c0 * c0 + c1 * c1) * weightR + (r0 * r0 + r1 * r1) * weightL) / (weightL * weightR);
  if (score > best.score) recordBest(best, score, feature, previous, b, count >= totalCount - count, count, weightL, c0, c1);
}

/** {@link scanFeatureHistogram} for two-class gini without missing values, on scalars. */
function scanBinaryGini(
  hist: Float64Array,
  offset: number,
  stride: number,
  bins: Int32Array,
  nListed: number,
  totals: Float64Array,
  minSamplesLeaf: number,
  feature: number,
  best: SplitCandidate,
): void {
  const totalCount = totals[STAT_COUNT]!;
  const total0 = totals[STAT_TARGET]!;
  const total1 = totals[STAT_TARGET + 1]!;
  let count = 0;
  let c0 = 0;
  let c1 = 0;
  let previous = -1;
  for (let i = 0; i < nListed; i++) {
    const b = bins[i]!;
    if (previous >= 0 && count >= minSamplesLeaf && totalCount - count >= minSamplesLeaf) {
      binaryGiniCut(best, feature, previous, b, count, totalCount, c0, c1, total0, total1);
    }
    const o = offset + b * stride;
    count += hist[o]!;
    c0 += hist[o + STAT_TARGET]!;
    c1 += hist[o + STAT_TARGET + 1]!;
    previous = b;
  }
}

/**
 * Two-class gini scan of a two-valued feature without missing values, from bin 0's statistics as
 * scalars (count, class-0 and class-1 weights) and bin 1's count: {@link scanFeatureHistogram}'s result
 * for bins [0, 1] (the one candidate, bin 0 left, scored with the same formula and operand order) without
 * a histogram to fill, list and clear — the one-hot columns of issue 9, read from a bundle's slot.
 * @returns false when the feature is constant in the node (one of the bins is empty).
 */
export function scanBinaryGiniCut(
  count: number,
  c0: number,
  c1: number,
  otherCount: number,
  totals: Float64Array,
  minSamplesLeaf: number,
  feature: number,
  best: SplitCandidate,
): boolean {
  if (!(count > 0) || !(otherCount > 0)) return false;
  const totalCount = totals[STAT_COUNT]!;
  if (count >= minSamplesLeaf && totalCount - count >= minSamplesLeaf) {
    binaryGiniCut(best, feature, 0, 1, count, totalCount, c0, c1, totals[STAT_TARGET]!, totals[STAT_TARGET + 1]!);
  }
  return true;
}

/**
 * Two-class gini scan straight over a dense histogram's bins 0…nBins−1 (skipping empty ones), for a
 * node without missing values of this feature: {@link scanFeatureHistogram}'s result without first
 * listing the non-empty bins. @returns false when the feature is constant in the node.
 */
export function scanBinaryGiniDense(
  hist: Float64Array,
  nBins: number,
  stride: number,
  totals: Float64Array,
  minSamplesLeaf: number,
  feature: number,
  best: SplitCandidate,
): boolean {
  const totalCount = totals[STAT_COUNT]!;
  const total0 = totals[STAT_TARGET]!;
  const total1 = totals[STAT_TARGET + 1]!;
  let count = 0;
  let c0 = 0;
  let c1 = 0;
  let previous = -1;
  let nonEmpty = 0;
  for (let b = 0; b < nBins; b++) {
    const o = b * stride;
    const binCount = hist[o]!;
    if (binCount === 0) continue;
    nonEmpty++;
    if (previous >= 0 && count >= minSamplesLeaf && totalCount - count >= minSamplesLeaf) {
      binaryGiniCut(best, feature, previous, b, count, totalCount, c0, c1, total0, total1);
    }
    count += binCount;
    c0 += hist[o + STAT_TARGET]!;
    c1 += hist[o + STAT_TARGET + 1]!;
    previous = b;
  }
  return nonEmpty > 1;
}

/** Stores a new best split found by a scalar fast path (left stats: count, weight, two targets). */
export function recordBest(
  best: SplitCandidate,
  score: number,
  feature: number,
  lastLeftBin: number,
  firstRightBin: number,
  missingLeft: boolean,
  count: number,
  weight: number,
  target0: number,
  target1: number,
): void {
  best.score = score;
  best.feature = feature;
  best.lastLeftBin = lastLeftBin;
  best.firstRightBin = firstRightBin;
  best.missingLeft = missingLeft;
  best.left[STAT_COUNT] = count;
  best.left[STAT_WEIGHT] = weight;
  best.left[STAT_TARGET] = target0;
  if (best.left.length > STAT_TARGET + 1) best.left[STAT_TARGET + 1] = target1;
}
