/**
 * Grows the regression trees of gradient boosting (squared error on the residuals, unit row weights)
 * on compact bins ({@link FitBins} in layout 'both'), depth-first like sklearn's
 * `DepthFirstTreeBuilder`, and reports the leaves as segments of the reordered positions so the caller
 * updates its scores and Newton steps without re-predicting a single row.
 *
 * Why a builder of its own (the CART builder serves the forests): boosting always splits on full
 * histograms, unweighted, one gradient per row — so a row's bins are one cache line, each bin holds
 * just (count, gradient sum), and the histogram of a node is built in one pass over its rows that
 * updates four features per step with the loads issued before the stores (V8 cannot prove that
 * neighbouring typed-array updates do not alias, so this is what lets them overlap). Measured on the
 * 16k × 40 set that kernel takes ~1.3 ns per (row, feature) against ~5 ns for the column-at-a-time
 * gather it replaces. Histograms have a fixed 256-bin slot per feature (offset f·512), so the offset is
 * a shift, not a table lookup. Children's histograms come by subtraction (smaller child built, larger =
 * parent − smaller) from a recycled pool: the hot loop allocates nothing.
 *
 * Split rules are the CART builder's (`histogram-tree-builder.ts`) for squared error: the proxy score
 * s²/n summed over both children, gaps between consecutive non-empty bins as candidates, missing values
 * tried on both sides, the first strictly better (feature, bin) wins; features are sampled as sklearn's
 * `BestSplitter` when `maxFeatures` < p; a node is a leaf at max depth, below min_samples_split or
 * 2·min_samples_leaf, or when its residual variance is ≤ machine epsilon.
 */
import type { Rng } from '../../random/rng.js';
import type { FeatureBinner, FitBins } from './binner.js';
import {
  countsAndSumsKernel,
  GENERATED_KERNELS_APPLY,
  MAX_GENERATED_WORDS,
  sumsInOrderKernel,
  type CountsAndSumsKernel,
  type SumsInOrderKernel,
} from './histogram-kernels.js';
import type { NodeStore } from './node-store.js';
import type { TreeLimits } from './tree-limits.js';

/** sklearn's EPSILON for "pure node" (np.finfo('double').eps). */
const EPSILON = 2.220446049250313e-16;
/** Doubles per feature slot of a histogram: 256 bins × (count, gradient sum). */
const FEATURE_SLOT = 512;
const FEATURE_SHIFT = 9;

/** Inputs of one tree. */
export interface GradientTreeInput {
  /** Positions (into the bins) to grow on, `positions[0..count)`; reordered in place into leaf segments. */
  readonly positions: Uint32Array;
  readonly count: number;
  /** Residual (negative gradient) per position. */
  readonly gradient: Float64Array;
  readonly limits: TreeLimits;
  readonly rng: Rng;
  /**
   * True when `positions[0..count)` is 0, 1, …, n−1 — every position of the bins, in order (no
   * subsampling): the root's bin counts are then the same for every tree, computed once and copied,
   * and the root pass only adds gradients, reading rows front to back.
   */
  readonly allPositions?: boolean;
  /**
   * When given (length ≥ the bins' rows), the builder writes each grown position's leaf number (index
   * into `leafNode`) here, and a node whose two children are both leaves by the limits is not
   * partitioned: its rows only get their leaf numbers (in a depth-3 tree that level is a third of the
   * partition work). The segments of such a pair of leaves then hold their rows unordered, so callers
   * that read the segments' rows (the regressor's leaf medians) leave this out.
   */
  readonly leafOfPosition?: Int32Array;
}

/** Reusable builder over one fit's bins. */
export class GradientTreeBuilder {
  /** Row-major bins (histograms: one cache line per row). */
  private readonly bins: Uint8Array;
  /** Column-major bins (partitions read one feature: a column streams, a row-major pass would not). */
  private readonly columns: readonly Uint8Array[];
  private readonly rowStride: number;
  private readonly nBins: Int32Array;
  private readonly nFeatures: number;
  private readonly binner: FeatureBinner;
  private readonly histSize: number;
  /** 32-bit view of the row-major bins and the kernels unrolled for this row width (null: loop kernels). */
  private readonly words: Uint32Array;
  private readonly countsAndSums: CountsAndSumsKernel | null;
  private readonly sumsInOrder: SumsInOrderKernel | null;
  private readonly pool: Float64Array[] = [];
  private readonly freeList: number[] = [];
  private readonly featureOrder: Int32Array;
  // Depth-first stack.
  private stackStart: Int32Array = new Int32Array(64);
  private stackEnd: Int32Array = new Int32Array(64);
  private stackDepth: Int32Array = new Int32Array(64);
  private stackParent: Int32Array = new Int32Array(64);
  private stackIsLeft: Uint8Array = new Uint8Array(64);
  private stackHist: Int32Array = new Int32Array(64);
  private stackSum: Float64Array = new Float64Array(64);
  /** Root histogram with the counts of all positions and zero gradient sums (see `allPositions`). */
  private rootCounts: Float64Array | null = null;
  /** Gradient sum and row count of the left side of the best split (from the histogram scan). */
  private bestLeftSum = 0;
  private bestLeftCount = 0;
  /** Right side of the partition in progress. */
  private scratch: Uint32Array = new Uint32Array(0);
  // Best split of the node being searched.
  private bestScore = 0;
  private bestFeature = -1;
  private bestLastLeft = -1;
  private bestFirstRight = -1;
  private bestMissingLeft = false;
  /** Split bin of each node of the last tree (by node − root): bins ≤ it go left. */
  private splitBin: Int32Array = new Int32Array(64);
  /** Leaf number (index into `leafNode`) of each leaf node of the last tree (by node − root). */
  private leafNumber: Int32Array = new Int32Array(64);
  /** Leaves of the last tree: node index and segment [start, end) of the reordered positions. */
  leafCount = 0;
  leafNode: Int32Array = new Int32Array(32);
  leafStart: Int32Array = new Int32Array(32);
  leafEnd: Int32Array = new Int32Array(32);

  constructor(bins: FitBins, binner: FeatureBinner) {
    if (bins.rowMajor === null || bins.columns === null) throw new RangeError("GradientTreeBuilder needs bins in layout 'both'");
    this.bins = bins.rowMajor;
    this.columns = bins.columns;
    this.rowStride = bins.rowStride;
    this.nBins = bins.nBins;
    this.nFeatures = bins.nFeatures;
    this.binner = binner;
    this.histSize = bins.rowStride * FEATURE_SLOT;
    this.words = new Uint32Array(bins.rowMajor.buffer, bins.rowMajor.byteOffset, bins.rowMajor.length >>> 2);
    const nWords = bins.rowStride >>> 2;
    const generated = GENERATED_KERNELS_APPLY && nWords <= MAX_GENERATED_WORDS;
    this.countsAndSums = generated ? countsAndSumsKernel(nWords) : null;
    this.sumsInOrder = generated ? sumsInOrderKernel(nWords) : null;
    this.featureOrder = new Int32Array(this.nFeatures);
    for (let f = 0; f < this.nFeatures; f++) this.featureOrder[f] = f;
  }

  /** Grows one tree into `store`; returns its root. Leaves get the mean residual (callers may overwrite). */
  build(store: NodeStore, input: GradientTreeInput): number {
    const { positions, gradient, limits, rng, leafOfPosition } = input;
    this.leafCount = 0;
    let rootSum = 0;
    for (let i = 0; i < input.count; i++) rootSum += gradient[positions[i]!]!;
    let rootHist = -1;
    if (!isLeafByLimits(limits, 0, input.count)) {
      rootHist = this.acquire();
      const hist = this.pool[rootHist]!;
      if (input.allPositions === true) {
        if (this.rootCounts === null) {
          this.buildHistogram(hist, positions, 0, input.count, gradient);
          this.rootCounts = hist.slice();
          for (let i = 1; i < this.histSize; i += 2) this.rootCounts[i] = 0;
        } else {
          hist.set(this.rootCounts);
          // Every position, and at the root they are still 0…n−1 in order: no indirection.
          this.addGradientsInOrder(hist, input.count, gradient);
        }
      } else {
        this.buildHistogram(hist, positions, 0, input.count, gradient);
      }
    }
    let top = 0;
    this.push(top++, 0, input.count, 0, -1, false, rootHist, rootSum);
    let root = -1;
    const sampled = limits.maxFeatures < this.nFeatures;

    while (top > 0) {
      const slot = --top;
      const start = this.stackStart[slot]!;
      const end = this.stackEnd[slot]!;
      const depth = this.stackDepth[slot]!;
      const parent = this.stackParent[slot]!;
      const histId = this.stackHist[slot]!;
      const sum = this.stackSum[slot]!;
      const count = end - start;

      const node = store.addNode();
      if (parent >= 0) store.setChild(parent, this.stackIsLeft[slot] === 1, node);
      else root = node;
      store.value[node] = sum / count;
      if (node - root >= this.splitBin.length) {
        this.splitBin = growInt32(this.splitBin, (node - root) * 2);
        this.leafNumber = growInt32(this.leafNumber, (node - root) * 2);
      }

      let found = false;
      if (histId >= 0) {
        this.bestFeature = -1;
        this.bestScore = Number.NEGATIVE_INFINITY;
        const hist = this.pool[histId]!;
        if (sampled) this.searchSampled(hist, count, sum, limits, rng);
        else for (let f = 0; f < this.nFeatures; f++) this.scanFeature(hist, f, count, sum, limits.minSamplesLeaf);
        found = this.bestFeature >= 0 && !this.isPure(positions, start, end, gradient, sum, this.bestScore);
      }
      if (!found) {
        if (histId >= 0) this.release(histId);
        if (leafOfPosition !== undefined) {
          const leaf = this.leafCount;
          for (let j = start; j < end; j++) leafOfPosition[positions[j]!] = leaf;
        }
        this.leafNumber[node - root] = this.leafCount;
        this.addLeaf(node, start, end);
        continue;
      }

      const feature = this.bestFeature;
      store.setSplit(node, feature, this.binner.splitThreshold(feature, this.bestLastLeft, this.bestFirstRight), this.bestMissingLeft);
      this.splitBin[node - root] = this.bestLastLeft;
      const leftSum = this.bestLeftSum;
      const rightSum = sum - leftSum;
      if (
        leafOfPosition !== undefined &&
        isLeafByLimits(limits, depth + 1, this.bestLeftCount) &&
        isLeafByLimits(limits, depth + 1, count - this.bestLeftCount)
      ) {
        // Both children are leaves: numbered now, in the order the stack would pop them (left first).
        if (histId >= 0) this.release(histId);
        const leftLeaf = this.leafCount;
        const mid = start + this.assignLeaves(positions, start, end, feature, this.bestLastLeft, this.bestMissingLeft, leafOfPosition, leftLeaf);
        this.openLeaf(store, node, true, start, mid, leftSum, root);
        this.openLeaf(store, node, false, mid, end, rightSum, root);
        continue;
      }
      const mid = this.partition(positions, start, end, feature, this.bestLastLeft, this.bestMissingLeft);
      const nLeft = mid - start;
      const nRight = end - mid;
      const needLeft = !isLeafByLimits(limits, depth + 1, nLeft);
      const needRight = !isLeafByLimits(limits, depth + 1, nRight);
      const smallerIsLeft = nLeft <= nRight;
      const needSmaller = smallerIsLeft ? needLeft : needRight;
      const needLarger = smallerIsLeft ? needRight : needLeft;
      let smallerHist = -1;
      let largerHist = -1;
      if (needSmaller || needLarger) {
        smallerHist = this.acquire();
        const small = this.pool[smallerHist]!;
        if (smallerIsLeft) this.buildHistogram(small, positions, start, mid, gradient);
        else this.buildHistogram(small, positions, mid, end, gradient);
        if (needLarger) {
          const parentHist = this.pool[histId]!;
          const size = this.histSize;
          for (let i = 0; i < size; i++) parentHist[i] = parentHist[i]! - small[i]!;
          largerHist = histId;
        } else {
          this.release(histId);
        }
        if (!needSmaller) {
          this.release(smallerHist);
          smallerHist = -1;
        }
      } else {
        this.release(histId);
      }
      // Right first so the left child is popped (and numbered) first, as in sklearn.
      this.push(top++, mid, end, depth + 1, node, false, smallerIsLeft ? largerHist : smallerHist, rightSum);
      this.push(top++, start, mid, depth + 1, node, true, smallerIsLeft ? smallerHist : largerHist, leftSum);
    }
    store.roots.push(root);
    return root;
  }

  /**
   * Leaf of the last built tree (rooted at `root`) that position `pos` falls in, following the split
   * bins (rows left out of the tree's positions, e.g. out-of-bag rows of a subsampled stage).
   */
  leafOf(store: NodeStore, root: number, pos: number): number {
    const left = store.left;
    const base = pos * this.rowStride;
    let node = root;
    while (left[node] !== -1) {
      const f = store.feature[node]!;
      const b = this.bins[base + f]!;
      const goesLeft = b === this.nBins[f] ? store.missingLeft[node] === 1 : b <= this.splitBin[node - root]!;
      node = goesLeft ? left[node]! : store.right[node]!;
    }
    return node;
  }

  /** Leaf number (index into `leafNode`, `leafStart`, `leafEnd`) of position `pos` in the last tree, see {@link leafOf}. */
  leafIndexOf(store: NodeStore, root: number, pos: number): number {
    return this.leafNumber[this.leafOf(store, root, pos) - root]!;
  }

  /** Numbers the leaves of the out-of-bag positions (isInBag 0) in the last tree; in-bag ones were numbered while it was built. */
  numberOutOfBag(store: NodeStore, root: number, isInBag: Uint8Array, leafOf: Int32Array | Uint32Array): void {
    for (let i = 0; i < isInBag.length; i++) if (isInBag[i] === 0) leafOf[i] = this.leafIndexOf(store, root, i);
  }

  /** Histogram of positions[start..end): per feature slot, bin b at 2b = count, 2b + 1 = gradient sum. */
  private buildHistogram(hist: Float64Array, positions: Uint32Array, start: number, end: number, gradient: Float64Array): void {
    hist.fill(0);
    if (this.countsAndSums !== null) {
      this.countsAndSums(hist, this.words, positions, start, end, gradient);
      return;
    }
    const bins = this.bins;
    const stride = this.rowStride;
    for (let i = start; i < end; i++) {
      const pos = positions[i]!;
      const g = gradient[pos]!;
      const base = pos * stride;
      for (let f = 0; f < stride; f += 4) {
        const o0 = (f << FEATURE_SHIFT) + (bins[base + f]! << 1);
        const o1 = ((f + 1) << FEATURE_SHIFT) + (bins[base + f + 1]! << 1);
        const o2 = ((f + 2) << FEATURE_SHIFT) + (bins[base + f + 2]! << 1);
        const o3 = ((f + 3) << FEATURE_SHIFT) + (bins[base + f + 3]! << 1);
        // Loads before stores: the four slots are distinct (different features).
        const c0 = hist[o0]!;
        const c1 = hist[o1]!;
        const c2 = hist[o2]!;
        const c3 = hist[o3]!;
        const s0 = hist[o0 + 1]!;
        const s1 = hist[o1 + 1]!;
        const s2 = hist[o2 + 1]!;
        const s3 = hist[o3 + 1]!;
        hist[o0] = c0 + 1;
        hist[o1] = c1 + 1;
        hist[o2] = c2 + 1;
        hist[o3] = c3 + 1;
        hist[o0 + 1] = s0 + g;
        hist[o1 + 1] = s1 + g;
        hist[o2 + 1] = s2 + g;
        hist[o3 + 1] = s3 + g;
      }
    }
  }

  /**
   * Gradient sums only, of positions 0…n−1 in order, onto a histogram that already holds their counts
   * (the root's, see `allPositions`): one RMW per (row, feature) instead of two, and the bins and
   * gradients are read front to back.
   */
  private addGradientsInOrder(hist: Float64Array, n: number, gradient: Float64Array): void {
    if (this.sumsInOrder !== null) {
      this.sumsInOrder(hist, this.words, n, gradient);
      return;
    }
    const bins = this.bins;
    const stride = this.rowStride;
    for (let pos = 0; pos < n; pos++) {
      const g = gradient[pos]!;
      const base = pos * stride;
      for (let f = 0; f < stride; f += 4) {
        const o0 = (f << FEATURE_SHIFT) + (bins[base + f]! << 1) + 1;
        const o1 = ((f + 1) << FEATURE_SHIFT) + (bins[base + f + 1]! << 1) + 1;
        const o2 = ((f + 2) << FEATURE_SHIFT) + (bins[base + f + 2]! << 1) + 1;
        const o3 = ((f + 3) << FEATURE_SHIFT) + (bins[base + f + 3]! << 1) + 1;
        const s0 = hist[o0]!;
        const s1 = hist[o1]!;
        const s2 = hist[o2]!;
        const s3 = hist[o3]!;
        hist[o0] = s0 + g;
        hist[o1] = s1 + g;
        hist[o2] = s2 + g;
        hist[o3] = s3 + g;
      }
    }
  }

  /** sklearn's BestSplitter feature draw (see the CART builder), scanning the already built histogram. */
  private searchSampled(hist: Float64Array, count: number, sum: number, limits: TreeLimits, rng: Rng): void {
    const order = this.featureOrder;
    const p = this.nFeatures;
    let visited = 0;
    let nonConstant = 0;
    for (let i = 0; i < p && (visited < limits.maxFeatures || nonConstant === 0); i++) {
      const j = i + rng.nextInt(p - i);
      const f = order[j]!;
      order[j] = order[i]!;
      order[i] = f;
      visited++;
      if (this.scanFeature(hist, f, count, sum, limits.minSamplesLeaf)) nonConstant++;
    }
  }

  /**
   * Best split of one feature (updates the best when strictly better). @returns false when the
   * feature is constant in the node (one non-empty bin, missing included).
   */
  private scanFeature(hist: Float64Array, f: number, totalCount: number, totalSum: number, minLeaf: number): boolean {
    const offset = f << FEATURE_SHIFT;
    const nb = this.nBins[f]!;
    const missingCount = hist[offset + 2 * nb]!;
    if (missingCount === 0) {
      let count = 0;
      let sum = 0;
      let previous = -1;
      let nonEmpty = 0;
      for (let b = 0; b < nb; b++) {
        const c = hist[offset + 2 * b]!;
        if (c === 0) continue;
        nonEmpty++;
        // count ≥ minLeaf ≥ 1 implies a previous non-empty bin. One division per candidate:
        // sL²/nL + sR²/nR = (sL²·nR + sR²·nL) / (nL·nR).
        const countR = totalCount - count;
        if (count >= minLeaf && countR >= minLeaf) {
          const sumR = totalSum - sum;
          const score = (sum * sum * countR + sumR * sumR * count) / (count * countR);
          if (score > this.bestScore) this.record(score, f, previous, b, count >= countR, sum, count);
        }
        count += c;
        sum += hist[offset + 2 * b + 1]!;
        previous = b;
      }
      return nonEmpty > 1;
    }
    // With missing values: missing right (plus "every value left, missing right"), then missing left.
    const missingSum = hist[offset + 2 * nb + 1]!;
    let nonEmpty = 1;
    for (let pass = 0; pass < 2; pass++) {
      const missingLeft = pass === 1;
      let count = missingLeft ? missingCount : 0;
      let sum = missingLeft ? missingSum : 0;
      let previous = -1;
      for (let b = 0; b <= nb; b++) {
        const isMissingStep = b === nb;
        if (isMissingStep && missingLeft) break;
        const c = isMissingStep ? 1 : hist[offset + 2 * b]!;
        if (c === 0) continue;
        if (!isMissingStep && pass === 0) nonEmpty++;
        if (previous >= 0) {
          const countR = totalCount - count;
          if (count >= minLeaf && countR >= minLeaf && count > 0 && countR > 0) {
            const sumR = totalSum - sum;
            const score = (sum * sum) / count + (sumR * sumR) / countR;
            if (score > this.bestScore) this.record(score, f, previous, isMissingStep ? -1 : b, missingLeft, sum, count);
          }
        }
        if (isMissingStep) break;
        count += c;
        sum += hist[offset + 2 * b + 1]!;
        previous = b;
      }
    }
    return nonEmpty > 1;
  }

  private record(score: number, f: number, lastLeft: number, firstRight: number, missingLeft: boolean, leftSum: number, leftCount: number): void {
    this.bestScore = score;
    this.bestLeftCount = leftCount;
    this.bestFeature = f;
    this.bestLastLeft = lastLeft;
    this.bestFirstRight = firstRight;
    this.bestMissingLeft = missingLeft;
    this.bestLeftSum = leftSum;
  }

  /**
   * sklearn's purity rule for regression nodes (residual variance ≤ EPSILON: no split). The best split's
   * gain, Σ over children nₖ(meanₖ − mean)², is at most n·variance, so a gain clearly above n·EPSILON
   * (allowing for the rounding of sums of up to n·(mean² + EPSILON)) proves the node impure without
   * touching its rows; only a node with a near-zero best gain pays the exact pass.
   */
  private isPure(positions: Uint32Array, start: number, end: number, gradient: Float64Array, sum: number, bestScore: number): boolean {
    const n = end - start;
    const mean = sum / n;
    const gain = bestScore - (sum * sum) / n;
    if (gain > n * EPSILON + 1e-12 * n * (mean * mean + EPSILON)) return false;
    let sumSq = 0;
    for (let i = start; i < end; i++) {
      const d = gradient[positions[i]!]! - mean;
      sumSq += d * d;
    }
    return sumSq / n <= EPSILON;
  }

  /**
   * Stable partition of positions[start..end): left-going first, both sides keeping their order (so
   * segments stay ascending and the histogram passes read the bins front to back); returns the first
   * right index. Branch-free — a row's side is a 0/1 step of two write cursors, where a branch would be
   * mispredicted half the time on a random split — and on the column-major bins, one byte per row.
   */
  private partition(positions: Uint32Array, start: number, end: number, f: number, lastLeftBin: number, missingLeft: boolean): number {
    const bins = this.columns[f]!;
    const missingBin = this.nBins[f]!;
    const missingGoesLeft = missingLeft ? 1 : 0;
    if (this.scratch.length < end - start) this.scratch = new Uint32Array(Math.max(end - start, this.scratch.length * 2));
    const right = this.scratch;
    let nLeft = 0;
    let nRight = 0;
    for (let i = start; i < end; i++) {
      const pos = positions[i]!;
      const b = bins[pos]!;
      // The missing bin is above every value bin, so b <= lastLeftBin never sends a missing row left.
      // +(comparison) compiles to a flag-to-register move, no branch.
      const isLeft = +(b <= lastLeftBin) | (+(b === missingBin) & missingGoesLeft);
      positions[start + nLeft] = pos;
      right[nRight] = pos;
      nLeft += isLeft;
      nRight += 1 - isLeft;
    }
    positions.set(right.subarray(0, nRight), start + nLeft);
    return start + nLeft;
  }

  /** A leaf child of `parent` (rows already numbered in `leafOfPosition`) with the mean residual. */
  private openLeaf(store: NodeStore, parent: number, isLeft: boolean, start: number, end: number, sum: number, root: number): void {
    const node = store.addNode();
    store.setChild(parent, isLeft, node);
    store.value[node] = sum / (end - start);
    if (node - root >= this.splitBin.length) {
      this.splitBin = growInt32(this.splitBin, (node - root) * 2);
      this.leafNumber = growInt32(this.leafNumber, (node - root) * 2);
    }
    this.leafNumber[node - root] = this.leafCount;
    this.addLeaf(node, start, end);
  }

  /**
   * The split of positions[start..end) without moving them: each row's leaf number, `leftLeaf` or the
   * one after it, into `leafOf` (branch-free, as {@link partition}); returns the left count.
   */
  private assignLeaves(
    positions: Uint32Array,
    start: number,
    end: number,
    f: number,
    lastLeftBin: number,
    missingLeft: boolean,
    leafOf: Int32Array,
    leftLeaf: number,
  ): number {
    const bins = this.columns[f]!;
    const missingBin = this.nBins[f]!;
    const missingGoesLeft = missingLeft ? 1 : 0;
    const rightLeaf = leftLeaf + 1;
    let nLeft = 0;
    for (let i = start; i < end; i++) {
      const pos = positions[i]!;
      const b = bins[pos]!;
      const isLeft = +(b <= lastLeftBin) | (+(b === missingBin) & missingGoesLeft);
      leafOf[pos] = rightLeaf - isLeft;
      nLeft += isLeft;
    }
    return nLeft;
  }

  private addLeaf(node: number, start: number, end: number): void {
    if (this.leafCount === this.leafNode.length) {
      this.leafNode = growInt32(this.leafNode, this.leafCount * 2);
      this.leafStart = growInt32(this.leafStart, this.leafCount * 2);
      this.leafEnd = growInt32(this.leafEnd, this.leafCount * 2);
    }
    this.leafNode[this.leafCount] = node;
    this.leafStart[this.leafCount] = start;
    this.leafEnd[this.leafCount] = end;
    this.leafCount++;
  }

  private push(slot: number, start: number, end: number, depth: number, parent: number, isLeft: boolean, hist: number, sum: number): void {
    if (slot >= this.stackStart.length) {
      const n = slot * 2;
      this.stackStart = growInt32(this.stackStart, n);
      this.stackEnd = growInt32(this.stackEnd, n);
      this.stackDepth = growInt32(this.stackDepth, n);
      this.stackParent = growInt32(this.stackParent, n);
      this.stackHist = growInt32(this.stackHist, n);
      const isLeftGrown = new Uint8Array(n);
      isLeftGrown.set(this.stackIsLeft);
      this.stackIsLeft = isLeftGrown;
      const sumGrown = new Float64Array(n);
      sumGrown.set(this.stackSum);
      this.stackSum = sumGrown;
    }
    this.stackStart[slot] = start;
    this.stackEnd[slot] = end;
    this.stackDepth[slot] = depth;
    this.stackParent[slot] = parent;
    this.stackIsLeft[slot] = isLeft ? 1 : 0;
    this.stackHist[slot] = hist;
    this.stackSum[slot] = sum;
  }

  private acquire(): number {
    const free = this.freeList.pop();
    if (free !== undefined) return free;
    this.pool.push(new Float64Array(this.histSize));
    return this.pool.length - 1;
  }

  private release(id: number): void {
    if (id >= 0) this.freeList.push(id);
  }
}

function isLeafByLimits(limits: TreeLimits, depth: number, count: number): boolean {
  return depth >= limits.maxDepth || count < limits.minSamplesSplit || count < 2 * limits.minSamplesLeaf;
}

function growInt32(source: Int32Array, capacity: number): Int32Array {
  const target = new Int32Array(capacity);
  target.set(source);
  return target;
}
