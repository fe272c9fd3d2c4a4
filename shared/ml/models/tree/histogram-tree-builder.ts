/**
 * Grows one CART tree (classification or regression) on pre-binned data, depth-first like sklearn's
 * `DepthFirstTreeBuilder` with the "best" splitter, and appends its nodes to a {@link NodeStore}.
 *
 * Performance choices (the builder is reused across all trees of an ensemble, so its buffers are
 * allocated once):
 * - The node's rows are a segment of one Uint32Array, partitioned in place at each split.
 * - When every feature is a split candidate (`maxFeatures ≥ p`, e.g. gradient boosting, a plain
 *   decision tree), each node keeps a full histogram over all features and the children's come from
 *   histogram subtraction: build the smaller child's from its rows, the larger is parent − smaller.
 *   Histograms of pending nodes come from a pool that is recycled, so the hot loop allocates nothing.
 * - Small nodes do not keep full histograms even then: subtracting and scanning ~p·256 bins costs more
 *   than the node's few rows, and a deep tree (regression grows to single-row leaves) is mostly small
 *   nodes. Below {@link DIRECT_NODE_ROWS} rows a node builds each feature's histogram from its rows
 *   into one scratch buffer, touching only the bins its rows fall in, in feature-index order as above.
 * - With feature subsampling (random forests: a few of p features per node), full histograms would cost
 *   more than they save, so each drawn feature's histogram is built directly into one scratch buffer.
 * - Regression nodes of ≤ 16 rows (~90% of a full-depth forest's searched nodes) sort each feature's
 *   few bins instead, every feature in one loop, and stop once a feature reaches the best split by
 *   target value (`best-target-order-score.ts`): no later feature can do better, only tie, and ties go
 *   to the earlier feature anyway. Two-row nodes, a third of them, so stop at their first non-constant
 *   feature.
 *
 * - A feature found constant in a node is constant in all its descendants: like sklearn's splitter
 *   (`n_constant_features`), the builder passes the node's known constants down and never scans them
 *   again. A drawn known constant still counts as visited, so draws and trees are the same as scanning
 *   it; one-hot columns, constant in most deep nodes, are what this saves.
 *
 * Feature sampling follows sklearn's `BestSplitter`: features are drawn without replacement until
 * `maxFeatures` have been visited, continuing past that while every drawn feature was constant in the
 * node. When all features are candidates they are visited in index order (no draw), so ties between
 * equally good features go to the lower index instead of a random one.
 *
 * Stopping rules as sklearn: a node is a leaf when depth = max_depth, it has fewer than
 * min_samples_split rows (or fewer than 2·min_samples_leaf), it is pure (classification: one class
 * left; regression: variance ≤ machine epsilon), or no split leaves min_samples_leaf rows on each side.
 */
import type { Rng } from '../../random/rng.js';
import { bestTargetOrderScore, TARGET_ORDER_BOUND_MARGIN } from './best-target-order-score.js';
import type { BinnedMatrix, FeatureBinner } from './binner.js';
import type { ExclusiveBundles } from './exclusive-bundles.js';
import {
  accumulateClassHistogram,
  accumulateOrderedClassHistogram,
  accumulateOrderedClassHistogramDense,
  accumulateOrderedClassHistogramDensePair,
  listNonEmptyBins,
  listOccupiedBins,
  OCCUPIED_WORDS,
  scanBinaryGiniCut,
  scanBinaryGiniDense,
  scanFeatureHistogram,
  accumulateOrderedRegressionHistogramAt,
  scanOrderedRegressionRows,
  scanSortedRegressionRows,
  SORTED_SCAN_MAX_ROWS,
  recordBest,
  SplitCandidate,
  STAT_COUNT,
  STAT_TARGET,
  STAT_WEIGHT,
  type SplitCriterion,
} from './histogram-split-search.js';
import type { NodeStore } from './node-store.js';
import type { TreeLimits } from './tree-limits.js';
import { RECORD_CODES_BYTE, RowRecords } from './row-records.js';
import {
  accumulateBundledBinaryClassHistogram,
  accumulateBundledClassHistogram,
  accumulateBundledRegressionHistogram,
  accumulateTwoBinBinaryClassHistogram,
  accumulateTwoBinRegressionHistogram,
} from './two-bin-histogram.js';
import { UniformIndex } from './uniform-index.js';

/** sklearn's EPSILON for "pure node" (np.finfo('double').eps). */
const EPSILON = 2.220446049250313e-16;
/** Sampled-feature nodes with more rows than this list non-empty bins from the counts (see searchSampledFeatures). */
const DENSE_NODE_ROWS = 128;
/**
 * All-feature nodes with fewer rows than this search without a full histogram (see the file comment).
 * The full histogram's subtraction, clearing and bin listing cost ~p·256·3 doubles a node whatever its
 * size; on 12.8k × 40 regression forests thresholds from 256 to 2048 rows measured alike (within the
 * shared machine's noise), against 5× slower trees with full histograms down to the leaves.
 */
const DIRECT_NODE_ROWS = 512;
/**
 * Nodes with fewer rows than this have no bundle histogram (see exclusive-bundles.ts): clearing and
 * subtracting every bundle's slots costs more than scanning a few rows per drawn column.
 */
const BUNDLE_NODE_ROWS = 16;
/** Statistics per bundle slot for two-class gini: count, class-0 weight, class-1 weight (see bundleStride). */
const BINARY_GINI_BUNDLE_STRIDE = 3;
/** Statistics per bundle slot for two-class gini with packed counts: class 0, class 1 (see countsPacked). */
const PACKED_BUNDLE_STRIDE = 2;
/**
 * Packed two-class gini bundle slots hold, per class, weight · PACKED_COUNT_SCALE + rows: one
 * read-modify-write per bundle and row instead of two. Exact (so the same sums, the same trees) while
 * weights are integers (bootstrap counts), a slot's rows < PACKED_COUNT_SCALE and its weight below
 * 2^31: the value stays an integer below 2^53 (see {@link packsCounts}).
 */
const PACKED_COUNT_SCALE = 2 ** 21;
const PACKED_WEIGHT_LIMIT = 2 ** 31;
/** Class weights below this fraction of the node weight are rounding residue (histogram subtraction). */
const RELATIVE_ZERO = 1e-12;

/**
 * Nodes with fewer rows than this read bins from the row records when the records hold bins
 * (`binsInRecords`, see row-records.ts): a small node's rows are scattered over the columns, so a
 * column per drawn feature costs a cache miss per row, where a row's record holds its weight, class
 * and bins of every feature in one cache line (a bundled column's bin read from its bundle's code).
 */
const ROW_MAJOR_NODE_ROWS = 1024;

/** Optional layouts that speed the builder up; the trees are the same without them. */
export interface TreeBuilderOptions {
  /** Exclusive column bundles of the binned matrix (findExclusiveBundles). */
  readonly bundles?: ExclusiveBundles | null;
  /** Whether the row records also hold every row's bins (copied from the columns; see row-records.ts). */
  readonly binsInRecords?: boolean;
}

/** Inputs of one tree fit. */
export interface TreeBuildInput {
  /**
   * Row indices to grow on: `rows[0..count)` (rows with zero weight must be left out). The array is
   * reordered in place; a caller that needs the original order passes a copy.
   */
  readonly rows: Uint32Array;
  readonly count: number;
  /** Per-row weight indexed by row number (bootstrap counts × class weights), or null for unit weights. */
  readonly weights: Float64Array | null;
  /** Regression targets indexed by row number (ignored for classification builders). */
  readonly targets?: Float64Array;
  readonly limits: TreeLimits;
  readonly rng: Rng;
}

/**
 * Where a node reads one feature's bins: row r's bin at `bins[r · rowStride + column]` — the feature's
 * column (stride 1, column 0) or the row records (see {@link ROW_MAJOR_NODE_ROWS}).
 */
interface BinView {
  bins: Uint8Array;
  rowStride: number;
  column: number;
}

/** Reusable CART builder over one binned matrix. */
export class HistogramTreeBuilder {
  private readonly binned: BinnedMatrix;
  private readonly binner: FeatureBinner;
  private readonly criterion: SplitCriterion;
  private readonly nClasses: number;
  private readonly classes: Int32Array | null;
  private readonly stride: number;
  private readonly nFeatures: number;
  /** Start of each feature's histogram inside a full (all-feature) histogram. */
  private readonly featureOffset: Int32Array;
  private readonly fullSize: number;
  /** Single-feature histogram of sampled mode; all zero between uses (only touched bins are cleared). */
  private readonly scratchHist: Float64Array;
  /** Second single-feature histogram: large nodes accumulate two features per pass. */
  private readonly scratchHist2: Float64Array;
  /** Bins 0 and 1 of a two-class two-valued column, written whole by its kernel (see scanTwoBin). */
  private readonly twoBins = new Float64Array(2 * (STAT_TARGET + 2));
  /** Occupied-bin set filled by the accumulation loops (ignored in full-histogram mode). */
  private readonly occupied = new Uint32Array(OCCUPIED_WORDS);
  /** Sort keys of a tiny regression node (see scanSortedRegressionRows). */
  private readonly sortKeys = new Int32Array(SORTED_SCAN_MAX_ROWS);
  /** A tiny regression node's targets and their ascending order (see bestTargetOrderScore). */
  private readonly tinyTargets = new Float64Array(SORTED_SCAN_MAX_ROWS);
  private readonly targetOrder = new Int32Array(SORTED_SCAN_MAX_ROWS);
  /** Offsets of a regression node's rows in the layout its row scans read (filled by gatherNode). */
  private nodeRowOffset: Int32Array = new Int32Array(0);
  /** Drawn features of a large sampled node that still need a scan (see searchSampledDense). */
  private readonly pendingFeatures: Int32Array;
  /** Non-empty bins of the feature being scanned, ascending. */
  private readonly binList = new Int32Array(256);
  private readonly pool: Float64Array[] = [];
  /** The one {@link BinView} that {@link binView} fills and returns (no object per call). */
  private readonly view: BinView = { bins: new Uint8Array(0), rowStride: 1, column: 0 };
  /** Bytes of a row record (its stride in `records.bytes`). */
  private readonly recordBytes: number;
  /** Exclusive two-valued columns (one-hot groups) and their per-row codes, or null. */
  private readonly bundles: ExclusiveBundles | null;
  /**
   * Statistics per bundle slot: `stride`, except for two-class gini, whose slots hold (count, class-0
   * weight, class-1 weight) — its bundled scans never read the weight sum (scanBinaryGiniCut), so each
   * row costs two read-modify-writes per bundle instead of three, and subtraction a quarter less.
   */
  private bundleStride: number;
  /** The widest bundle slots a tree of this builder may use (packing is decided per tree): what pooled bundle histograms are sized for. */
  private readonly widestBundleStride: number;
  /**
   * Whether this tree's two-class gini bundle slots are packed (PACKED_BUNDLE_STRIDE: class-0 and
   * class-1 weight · PACKED_COUNT_SCALE + rows), decided per tree from its weights by {@link packsCounts}.
   */
  private countsPacked = false;
  /** First statistic of each bundle's slots in a bundle histogram (slot offset × bundleStride). */
  private readonly bundleBase: Int32Array;
  /** Bundle histograms of pending nodes, recycled like `pool`; each `bundles.nSlots × bundleStride` long. */
  private readonly bundlePool: Float64Array[] = [];
  private readonly bundleFreeList: number[] = [];
  /** Bundle histogram of the node being searched, or null (small node, or no bundles). */
  private nodeBundle: Float64Array | null = null;
  /**
   * Features known to be constant, as sklearn's splitter keeps them: a node's known constants are
   * `constantList[0..stackConstants[slot])`, its own finds are appended after them for its children
   * (depth-first, so a sibling's prefix is never overwritten before the sibling is popped).
   */
  private readonly constantList: Int32Array;
  /** 1 for the known constants of the node being searched. */
  private readonly isKnownConstant: Uint8Array;
  /** Whether the node being searched has its rows' weights and targets gathered (see gatherNodeOnce). */
  private nodeGathered = false;
  /** Number of constants known to the node being searched, then that plus the ones it found. */
  private nConstants = 0;
  /** Right side of the partition in progress. */
  private partitionScratch: Uint32Array = new Uint32Array(0);
  /** Each position's weight, class slot or w·y and bundle codes in one record (see row-records.ts). */
  private readonly records: RowRecords;
  /** Per-node gathers of the row-at-a-time paths (see gatherNode): weights, class slots, weighted targets. */
  private orderedWeight: Float64Array = new Float64Array(0);
  private orderedTarget: Int32Array = new Int32Array(0);
  private orderedWeightedTarget: Float64Array = new Float64Array(0);
  private readonly freeList: number[] = [];
  private readonly featureOrder: Int32Array;
  /** Draws of candidate features (rng.nextInt's values, faster). */
  private readonly uniform: UniformIndex;
  private readonly best: SplitCandidate;
  private readonly scanScratch: Float64Array;
  private readonly rightTotals: Float64Array;
  private readonly nodeTotals: Float64Array;
  // Depth-first stack, one slot per pending node.
  private stackStart: Int32Array = new Int32Array(64);
  private stackEnd: Int32Array = new Int32Array(64);
  private stackDepth: Int32Array = new Int32Array(64);
  private stackParent: Int32Array = new Int32Array(64);
  private stackIsLeft: Uint8Array = new Uint8Array(64);
  private stackHist: Int32Array = new Int32Array(64);
  private stackBundle: Int32Array = new Int32Array(64);
  private stackConstants: Int32Array = new Int32Array(64);
  private stackTotals: Float64Array;
  // Per-build state.
  private weights: Float64Array | null = null;
  private targets: Float64Array | null = null;
  private limits: TreeLimits | null = null;

  /**
   * @param criterion 'gini' | 'entropy' (classification, `classes` required) or 'squared_error'.
   * @param classes class index per row (classification), indexed by row number.
   * @param nClasses number of classes (classification), the width of each leaf's value vector.
   * @param options bundles and bins in the row records (see {@link TreeBuilderOptions}).
   */
  constructor(
    binned: BinnedMatrix,
    binner: FeatureBinner,
    criterion: SplitCriterion,
    classes: Int32Array | null,
    nClasses: number,
    options: TreeBuilderOptions = {},
  ) {
    this.binned = binned;
    this.binner = binner;
    this.criterion = criterion;
    const isRegression = criterion === 'squared_error';
    if (!isRegression && classes === null) throw new RangeError('classification builder needs class labels');
    this.classes = isRegression ? null : classes;
    this.nClasses = isRegression ? 1 : nClasses;
    this.stride = STAT_TARGET + this.nClasses;
    this.nFeatures = binned.columns.length;
    this.featureOffset = new Int32Array(this.nFeatures);
    let offset = 0;
    let maxBins = 0;
    for (let f = 0; f < this.nFeatures; f++) {
      this.featureOffset[f] = offset;
      const nb = binned.nBins[f]!;
      offset += (nb + 1) * this.stride;
      if (nb > maxBins) maxBins = nb;
    }
    this.fullSize = offset;
    this.scratchHist = new Float64Array((maxBins + 1) * this.stride);
    this.scratchHist2 = new Float64Array((maxBins + 1) * this.stride);
    this.featureOrder = new Int32Array(this.nFeatures);
    for (let f = 0; f < this.nFeatures; f++) this.featureOrder[f] = f;
    this.uniform = new UniformIndex(this.nFeatures);
    this.constantList = new Int32Array(this.nFeatures);
    this.pendingFeatures = new Int32Array(this.nFeatures);
    this.isKnownConstant = new Uint8Array(this.nFeatures);
    this.best = new SplitCandidate(this.stride);
    this.scanScratch = new Float64Array(this.stride);
    this.rightTotals = new Float64Array(this.stride);
    this.nodeTotals = new Float64Array(this.stride);
    this.stackTotals = new Float64Array(64 * this.stride);
    const bundles = options.bundles ?? null;
    this.bundles = bundles;
    this.widestBundleStride = this.isBinaryGini() ? BINARY_GINI_BUNDLE_STRIDE : this.stride;
    this.bundleStride = this.widestBundleStride;
    this.bundleBase = new Int32Array(bundles === null ? 0 : bundles.nBundles);
    this.setBundleStride(this.widestBundleStride);
    this.records = new RowRecords(binned.nRows, bundles, options.binsInRecords === true ? binned.columns : null);
    this.recordBytes = this.records.width * 8;
  }

  /** Grows one tree into `store` and returns its root index. */
  build(store: NodeStore, input: TreeBuildInput): number {
    const { rows, limits, rng } = input;
    const stride = this.stride;
    // Each tree starts from the identity feature order (as each scikit-learn tree's own splitter does),
    // so a tree depends on its own seed only: a forest fitted in tree ranges grows the same trees.
    for (let f = 0; f < this.nFeatures; f++) this.featureOrder[f] = f;
    this.weights = input.weights;
    this.targets = input.targets ?? null;
    this.limits = limits;
    if (this.criterion === 'squared_error' && this.targets === null) throw new RangeError('regression builder needs targets');
    if (this.classes !== null) this.records.fillClassification(rows, input.count, this.weights, this.classes);
    else this.records.fillRegression(rows, input.count, this.weights, this.targets!);
    if (this.bundles !== null && this.isBinaryGini()) {
      this.countsPacked = this.packsCounts(rows, input.count, this.weights);
      this.setBundleStride(this.countsPacked ? PACKED_BUNDLE_STRIDE : BINARY_GINI_BUNDLE_STRIDE);
    }
    const useSubtraction = limits.maxFeatures >= this.nFeatures;
    // Full-histogram mode sets occupied bits it never reads; start every tree from an empty set.
    this.occupied.fill(0);

    // Root statistics.
    const rootTotals = this.stackTotals;
    rootTotals.fill(0, 0, stride);
    this.addRowStats(rows, 0, input.count, rootTotals, 0);
    let top = 0;
    let rootHist = -1;
    if (useSubtraction && input.count >= DIRECT_NODE_ROWS && !this.isLeafByLimits(0, input.count, rootTotals, 0)) {
      rootHist = this.acquire();
      this.buildFullHistogram(this.pool[rootHist]!, rows, 0, input.count);
    }
    let rootBundle = -1;
    if (this.bundles !== null && rootHist < 0 && input.count >= BUNDLE_NODE_ROWS && !this.isLeafByLimits(0, input.count, rootTotals, 0)) {
      rootBundle = this.acquireBundle();
      this.buildBundleHistogram(this.bundlePool[rootBundle]!, rows, 0, input.count);
    }
    this.push(top++, 0, input.count, 0, -1, false, rootHist, rootBundle, 0);

    let root = -1;
    while (top > 0) {
      const slot = --top;
      const start = this.stackStart[slot]!;
      const end = this.stackEnd[slot]!;
      const depth = this.stackDepth[slot]!;
      const parent = this.stackParent[slot]!;
      const histId = this.stackHist[slot]!;
      const bundleId = this.stackBundle[slot]!;
      this.nodeBundle = bundleId >= 0 ? this.bundlePool[bundleId]! : null;
      const totalsBase = slot * stride;
      const totals = this.nodeTotals;
      for (let s = 0; s < stride; s++) totals[s] = this.stackTotals[totalsBase + s]!;

      const node = store.addNode();
      if (parent >= 0) store.setChild(parent, this.stackIsLeft[slot] === 1, node);
      else root = node;
      this.writeNodeValue(store, node, totals);

      const count = end - start;
      let found = false;
      if (!this.isLeafByLimits(depth, count, totals, 0) && !this.isPureRegression(rows, start, end, totals)) {
        this.best.reset();
        this.beginSearch(this.stackConstants[slot]!);
        if (histId >= 0) found = this.searchAllFeatures(this.pool[histId]!, totals);
        else if (useSubtraction) found = this.searchAllFeaturesDirect(rows, start, end, totals);
        else found = this.searchSampledFeatures(rows, start, end, totals, limits.maxFeatures, rng);
        this.endSearch(this.stackConstants[slot]!);
      }
      if (!found) {
        if (histId >= 0) this.release(histId);
        this.releaseBundle(bundleId);
        continue;
      }

      const best = this.best;
      const mid = this.partition(rows, start, end, best.feature, best.lastLeftBin, best.missingLeft);
      store.setSplit(node, best.feature, this.binner.splitThreshold(best.feature, best.lastLeftBin, best.firstRightBin), best.missingLeft);
      const rightTotals = this.rightTotals;
      for (let s = 0; s < stride; s++) rightTotals[s] = totals[s]! - best.left[s]!;
      const leftTotals = best.left;

      let leftHist = -1;
      let rightHist = -1;
      if (useSubtraction) {
        const nLeft = mid - start;
        const nRight = end - mid;
        const needLeft = nLeft >= DIRECT_NODE_ROWS && !this.isLeafByLimits(depth + 1, nLeft, leftTotals, 0);
        const needRight = nRight >= DIRECT_NODE_ROWS && !this.isLeafByLimits(depth + 1, nRight, rightTotals, 0);
        const smallerIsLeft = nLeft <= nRight;
        const needSmaller = smallerIsLeft ? needLeft : needRight;
        const needLarger = smallerIsLeft ? needRight : needLeft;
        let smallerHist = -1;
        let largerHist = -1;
        if (needSmaller || needLarger) {
          smallerHist = this.acquire();
          const small = this.pool[smallerHist]!;
          if (smallerIsLeft) this.buildFullHistogram(small, rows, start, mid);
          else this.buildFullHistogram(small, rows, mid, end);
          if (needLarger) {
            const parentHist = this.pool[histId]!;
            for (let i = 0; i < this.fullSize; i++) parentHist[i] = parentHist[i]! - small[i]!;
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
        leftHist = smallerIsLeft ? smallerHist : largerHist;
        rightHist = smallerIsLeft ? largerHist : smallerHist;
      }
      let leftBundle = -1;
      let rightBundle = -1;
      if (this.bundles !== null) {
        const nLeft = mid - start;
        const nRight = end - mid;
        const needLeft = leftHist < 0 && nLeft >= BUNDLE_NODE_ROWS && !this.isLeafByLimits(depth + 1, nLeft, leftTotals, 0);
        const needRight = rightHist < 0 && nRight >= BUNDLE_NODE_ROWS && !this.isLeafByLimits(depth + 1, nRight, rightTotals, 0);
        const smallerIsLeft = nLeft <= nRight;
        const needSmaller = smallerIsLeft ? needLeft : needRight;
        const needLarger = smallerIsLeft ? needRight : needLeft;
        // The larger child's comes by subtraction, which needs the smaller's even when only the larger needs one.
        const subtract = needLarger && bundleId >= 0;
        let smaller = -1;
        if (needSmaller || subtract) smaller = this.bundleFromRows(rows, smallerIsLeft ? start : mid, smallerIsLeft ? mid : end);
        let larger = -1;
        if (subtract) larger = this.subtractBundle(bundleId, smaller);
        else this.releaseBundle(bundleId);
        if (!needSmaller) {
          this.releaseBundle(smaller);
          smaller = -1;
        }
        leftBundle = smallerIsLeft ? smaller : larger;
        rightBundle = smallerIsLeft ? larger : smaller;
      }
      // Right first so the left child is popped (and numbered) first, as in sklearn.
      this.push(top, mid, end, depth + 1, node, false, rightHist, rightBundle, this.nConstants);
      this.stackTotals.set(rightTotals, top * stride);
      top++;
      this.push(top, start, mid, depth + 1, node, true, leftHist, leftBundle, this.nConstants);
      this.stackTotals.set(leftTotals, top * stride);
      top++;
    }
    store.roots.push(root);
    this.nodeBundle = null;
    this.weights = null;
    this.targets = null;
    return root;
  }

  private isLeafByLimits(depth: number, count: number, totals: Float64Array, base: number): boolean {
    const limits = this.limits!;
    if (depth >= limits.maxDepth || count < limits.minSamplesSplit || count < 2 * limits.minSamplesLeaf) return true;
    if (this.criterion === 'squared_error') return false;
    const floor = totals[base + STAT_WEIGHT]! * RELATIVE_ZERO;
    let present = 0;
    for (let k = 0; k < this.nClasses; k++) if (totals[base + STAT_TARGET + k]! > floor) present++;
    return present <= 1;
  }

  /** Regression purity (weighted variance ≤ EPSILON); needs one pass over the node's rows. */
  private isPureRegression(rows: Uint32Array, start: number, end: number, totals: Float64Array): boolean {
    if (this.criterion !== 'squared_error') return false;
    const targets = this.targets!;
    const weights = this.weights;
    const w = totals[STAT_WEIGHT]!;
    const mean = totals[STAT_TARGET]! / w;
    let sumSq = 0;
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const d = targets[r]! - mean;
      sumSq += (weights === null ? 1 : weights[r]!) * d * d;
    }
    return sumSq / w <= EPSILON;
  }

  private writeNodeValue(store: NodeStore, node: number, totals: Float64Array): void {
    const w = totals[STAT_WEIGHT]!;
    const base = node * this.nClasses;
    if (this.criterion === 'squared_error') {
      store.value[base] = totals[STAT_TARGET]! / w;
      return;
    }
    const floor = w * RELATIVE_ZERO;
    for (let k = 0; k < this.nClasses; k++) {
      const c = totals[STAT_TARGET + k]!;
      store.value[base + k] = c > floor ? c / w : 0;
    }
  }

  private searchAllFeatures(hist: Float64Array, totals: Float64Array): boolean {
    const minLeaf = this.limits!.minSamplesLeaf;
    for (let f = 0; f < this.nFeatures; f++) {
      if (this.isKnownConstant[f] === 1) continue;
      const offset = this.featureOffset[f]!;
      const nb = this.binned.nBins[f]!;
      const nListed = listNonEmptyBins(hist, offset, nb, this.stride, this.binList);
      if (!scanFeatureHistogram(this.criterion, hist, offset, nb, this.stride, this.binList, nListed, totals, minLeaf, f, this.scanScratch, this.best)) {
        this.constantList[this.nConstants++] = f;
      }
    }
    return this.best.feature >= 0;
  }

  /** Every feature in index order, each histogram built from the node's rows (small nodes, see the file comment). */
  private searchAllFeaturesDirect(rows: Uint32Array, start: number, end: number, totals: Float64Array): boolean {
    this.nodeGathered = false;
    if (this.classes === null && end - start <= SORTED_SCAN_MAX_ROWS) return this.searchTinyRegressionNode(rows, start, end, totals);
    for (let f = 0; f < this.nFeatures; f++) this.visitFeature(f, rows, start, end, totals);
    return this.best.feature >= 0;
  }

  /**
   * {@link searchAllFeaturesDirect} for a regression node of ≤ SORTED_SCAN_MAX_ROWS rows — most nodes of
   * a full-depth regression tree (issue 13: ~90% of a 16k-row forest's searched nodes): the sorted scan
   * of every feature in one loop, the node's row offsets computed once, instead of a dispatch per
   * feature. Two-valued features and features with a missing value in the node take the per-feature
   * path ({@link visitFeature}), so candidates, order and scores are the same as there.
   */
  private searchTinyRegressionNode(rows: Uint32Array, start: number, end: number, totals: Float64Array): boolean {
    this.gatherNodeOnce(rows, start, end);
    const m = end - start;
    const nBins = this.binned.nBins;
    const known = this.isKnownConstant;
    const minLeaf = this.limits!.minSamplesLeaf;
    // No split of the node's rows can beat the best split by target value (see bestTargetOrderScore):
    // once a feature reaches it, later features could only tie, and ties go to the earlier feature.
    // With min_samples_leaf > 1 the bound's splits may be out of reach: no early stop then.
    const stopAt =
      minLeaf <= 1
        ? bestTargetOrderScore(
            m,
            this.orderedWeight,
            this.orderedWeightedTarget,
            totals[STAT_WEIGHT]!,
            totals[STAT_TARGET]!,
            this.targetOrder,
            this.tinyTargets,
          ) *
          (1 - TARGET_ORDER_BOUND_MARGIN)
        : Number.POSITIVE_INFINITY;
    for (let f = 0; f < this.nFeatures; f++) {
      if (this.best.score >= stopAt) break;
      if (known[f] === 1) continue;
      const nb = nBins[f]!;
      if (nb === 2) {
        this.visitFeature(f, rows, start, end, totals);
        continue;
      }
      const view = this.binView(f, m);
      const outcome = scanSortedRegressionRows(
        this.sortKeys,
        view.bins,
        this.nodeRowOffset,
        view.column,
        nb,
        m,
        this.orderedWeight,
        this.orderedWeightedTarget,
        totals,
        minLeaf,
        f,
        this.best,
      );
      if (outcome === 0) this.constantList[this.nConstants++] = f;
      else if (outcome < 0) this.visitFeature(f, rows, start, end, totals);
    }
    return this.best.feature >= 0;
  }

  /** Whether a node of `nodeRows` rows reads the bins in the row records (see ROW_MAJOR_NODE_ROWS). */
  private readsRowMajor(nodeRows: number): boolean {
    return this.records.hasBins && nodeRows < ROW_MAJOR_NODE_ROWS;
  }

  /**
   * Whether a node of `nodeRows` rows reads feature f's bins from its bundle's code in the row records
   * (a bundled column has no bin byte there): the partition and the two-bin scans then use the code.
   */
  private readsCode(f: number, nodeRows: number): boolean {
    return this.bundles !== null && this.bundles.bundleOf[f]! >= 0 && this.readsRowMajor(nodeRows);
  }

  /** The byte of a record holding bundled feature f's bundle code (see {@link readsCode}). */
  private codeByte(f: number): number {
    return RECORD_CODES_BYTE + this.bundles!.bundleOf[f]!;
  }

  /**
   * Where a node of `nodeRows` rows reads feature f's bins (not a bundled column's in the records, see
   * {@link readsCode}); the returned view is reused by the next call.
   */
  private binView(f: number, nodeRows: number): BinView {
    const view = this.view;
    if (this.readsRowMajor(nodeRows)) {
      view.bins = this.records.bytes;
      view.rowStride = this.recordBytes;
      view.column = this.records.binByte[f]!;
    } else {
      view.bins = this.binned.columns[f]!;
      view.rowStride = 1;
      view.column = 0;
    }
    return view;
  }

  /** Two-class gini: the criterion of the scalar fast paths and of the narrower bundle slots. */
  private isBinaryGini(): boolean {
    return this.criterion === 'gini' && this.stride === STAT_TARGET + 2;
  }

  /** Marks the node's known constants. */
  private beginSearch(nKnown: number): void {
    for (let i = 0; i < nKnown; i++) this.isKnownConstant[this.constantList[i]!] = 1;
    this.nConstants = nKnown;
  }

  /** Clears the marks of {@link beginSearch}; `nConstants` keeps the count the children inherit. */
  private endSearch(nKnown: number): void {
    for (let i = 0; i < nKnown; i++) this.isKnownConstant[this.constantList[i]!] = 0;
  }

  /**
   * Searches feature f of a row-scanned node: nothing for a known constant, else a scan; records a
   * newly found constant. @returns false when f is constant in the node.
   */
  private visitFeature(f: number, rows: Uint32Array, start: number, end: number, totals: Float64Array): boolean {
    if (this.isKnownConstant[f] === 1) return false;
    const nonConstant = this.scanFromRows(f, rows, start, end, totals);
    if (!nonConstant) this.constantList[this.nConstants++] = f;
    return nonConstant;
  }

  /**
   * Whether feature f has two value bins (a one-hot column) and either a two-bin kernel fits the task
   * or the node's bundle histogram holds f's statistics.
   */
  private takesTwoBinPath(f: number): boolean {
    if (this.binned.nBins[f] !== 2) return false;
    return this.classes === null || this.nClasses === 2 || (this.nodeBundle !== null && this.bundles!.bundleOf[f]! >= 0);
  }

  /**
   * Bins 0 and 1 of the scratch histogram for bundled feature f, read from the node's bundle
   * histogram: the "on" bin is f's slot, the other the node totals minus it (exact with integer
   * weights, as the two-bin kernels' totals − bin 0 is, so the same splits win). Not for two-class
   * gini, whose narrower slots {@link scanBundledBinaryGini} reads.
   */
  private twoBinFromBundle(f: number, totals: Float64Array): void {
    const bundles = this.bundles!;
    const source = this.nodeBundle!;
    const hist = this.scratchHist;
    const stride = this.stride;
    const slot = this.bundleBase[bundles.bundleOf[f]!]! + bundles.codeOf[f]! * stride;
    const onBase = bundles.onBin[f]! * stride;
    const offBase = stride - onBase;
    for (let s = 0; s < stride; s++) {
      const on = source[slot + s]!;
      hist[onBase + s] = on;
      hist[offBase + s] = totals[s]! - on;
    }
  }

  /**
   * Two-class gini scan of bundled feature f straight from the node's bundle slot ({@link twoBinFromBundle}'s
   * bins as scalars, no scratch histogram). @returns false when f is constant in the node.
   */
  private scanBundledBinaryGini(f: number, totals: Float64Array, minLeaf: number): boolean {
    const bundles = this.bundles!;
    const source = this.nodeBundle!;
    const slot = this.bundleBase[bundles.bundleOf[f]!]! + bundles.codeOf[f]! * this.bundleStride;
    let onCount: number;
    let on0: number;
    let on1: number;
    if (this.countsPacked) {
      // Slots of PACKED_BUNDLE_STRIDE: per class, weight · PACKED_COUNT_SCALE + rows (exact integers).
      const packed0 = source[slot]!;
      const packed1 = source[slot + 1]!;
      on0 = Math.floor(packed0 / PACKED_COUNT_SCALE);
      on1 = Math.floor(packed1 / PACKED_COUNT_SCALE);
      onCount = packed0 - on0 * PACKED_COUNT_SCALE + (packed1 - on1 * PACKED_COUNT_SCALE);
    } else {
      // Slots of BINARY_GINI_BUNDLE_STRIDE: count, class-0 weight, class-1 weight.
      onCount = source[slot]!;
      on0 = source[slot + 1]!;
      on1 = source[slot + 2]!;
    }
    const offCount = totals[STAT_COUNT]! - onCount;
    if (bundles.onBin[f] === 0) return scanBinaryGiniCut(onCount, on0, on1, offCount, totals, minLeaf, f, this.best);
    const c0 = totals[STAT_TARGET]! - on0;
    const c1 = totals[STAT_TARGET + 1]! - on1;
    return scanBinaryGiniCut(offCount, c0, c1, onCount, totals, minLeaf, f, this.best);
  }

  /** A new bundle histogram of rows[start..end) (a split node's smaller child); @returns its id. */
  private bundleFromRows(rows: Uint32Array, start: number, end: number): number {
    const id = this.acquireBundle();
    this.buildBundleHistogram(this.bundlePool[id]!, rows, start, end);
    return id;
  }

  /**
   * The larger child's bundle histogram: the parent's minus the smaller child's, in the parent's
   * buffer (the parent is done with it). @returns its id, the parent's.
   */
  private subtractBundle(parentId: number, smallerId: number): number {
    const parent = this.bundlePool[parentId]!;
    const small = this.bundlePool[smallerId]!;
    const length = this.bundles!.nSlots * this.bundleStride;
    for (let i = 0; i < length; i++) parent[i] = parent[i]! - small[i]!;
    return parentId;
  }

  /** Every bundle's per-code statistics of rows[start..end), one pass over the rows. */
  private buildBundleHistogram(hist: Float64Array, rows: Uint32Array, start: number, end: number): void {
    const nBundles = this.bundles!.nBundles;
    hist.fill(0, 0, this.bundles!.nSlots * this.bundleStride);
    const base = this.bundleBase;
    const stride = this.stride;
    const record = this.records.float64;
    const recordInts = this.records.int32;
    const codes = this.records.bytes;
    const width = this.records.width;
    const isClassification = this.classes !== null;
    if (this.countsPacked) {
      for (let i = start; i < end; i++) {
        const o = rows[i]! * width;
        const packed = record[o]! * PACKED_COUNT_SCALE + 1;
        // Class slot STAT_TARGET + k is packed slot k.
        const t = recordInts[2 * o + 2]! - STAT_TARGET;
        const row = 8 * o + RECORD_CODES_BYTE;
        for (let g = 0; g < nBundles; g++) {
          const h = base[g]! + codes[row + g]! * PACKED_BUNDLE_STRIDE + t;
          hist[h] = hist[h]! + packed;
        }
      }
      return;
    }
    if (this.isBinaryGini()) {
      for (let i = start; i < end; i++) {
        const o = rows[i]! * width;
        const w = record[o]!;
        // Slots hold (count, class-0 weight, class-1 weight): class slot STAT_TARGET + k is slot 1 + k.
        const t = recordInts[2 * o + 2]! - 1;
        const row = 8 * o + RECORD_CODES_BYTE;
        for (let g = 0; g < nBundles; g++) {
          const h = base[g]! + codes[row + g]! * BINARY_GINI_BUNDLE_STRIDE;
          hist[h] = hist[h]! + 1;
          hist[h + t] = hist[h + t]! + w;
        }
      }
      return;
    }
    for (let i = start; i < end; i++) {
      const o = rows[i]! * width;
      const w = record[o]!;
      // Class slot and weight, or the target slot and w·y as gatherNode reads them.
      const t = isClassification ? recordInts[2 * o + 2]! : STAT_TARGET;
      const v = isClassification ? w : record[o + 1]!;
      const row = 8 * o + RECORD_CODES_BYTE;
      for (let g = 0; g < nBundles; g++) {
        const h = base[g]! + codes[row + g]! * stride;
        hist[h] = hist[h]! + 1;
        hist[h + 1] = hist[h + 1]! + w;
        hist[h + t] = hist[h + t]! + v;
      }
    }
  }

  /** Sets the bundle slot width and each bundle's first statistic for it. */
  private setBundleStride(bundleStride: number): void {
    this.bundleStride = bundleStride;
    for (let g = 0; g < this.bundleBase.length; g++) this.bundleBase[g] = this.bundles!.slotOffset[g]! * bundleStride;
  }

  /** Whether the tree's two-class gini bundle slots can be packed exactly (see PACKED_COUNT_SCALE). */
  private packsCounts(rows: Uint32Array, count: number, weights: Float64Array | null): boolean {
    if (count >= PACKED_COUNT_SCALE) return false;
    if (weights === null) return true;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const w = weights[rows[i]!]!;
      if (w !== Math.floor(w)) return false;
      total += w;
    }
    return total < PACKED_WEIGHT_LIMIT;
  }

  private acquireBundle(): number {
    const free = this.bundleFreeList.pop();
    if (free !== undefined) return free;
    this.bundlePool.push(new Float64Array(this.bundles!.nSlots * this.widestBundleStride));
    return this.bundlePool.length - 1;
  }

  private releaseBundle(id: number): void {
    if (id >= 0) this.bundleFreeList.push(id);
  }

  /**
   * Two-class bins 0 and 1 of two-valued feature f into `hist` (accumulateTwoBinBinaryClassHistogram),
   * from the bundle code in the records when the node reads f that way. @returns false on missing values.
   */
  private twoBinClassKernel(hist: Float64Array, f: number, rows: Uint32Array, start: number, end: number, totals: Float64Array): boolean {
    if (this.readsCode(f, end - start)) {
      const bundles = this.bundles!;
      accumulateBundledBinaryClassHistogram(
        hist,
        this.records.bytes,
        this.recordBytes,
        this.codeByte(f),
        bundles.codeOf[f]!,
        bundles.onBin[f]!,
        rows,
        start,
        end,
        this.orderedTarget,
        this.orderedWeight,
        totals,
      );
      return true;
    }
    const { bins, rowStride, column } = this.binView(f, end - start);
    return accumulateTwoBinBinaryClassHistogram(hist, bins, rowStride, column, rows, start, end, this.orderedTarget, this.orderedWeight, totals);
  }

  /** {@link twoBinClassKernel} for regression (accumulateTwoBinRegressionHistogram). */
  private twoBinRegressionKernel(hist: Float64Array, f: number, rows: Uint32Array, start: number, end: number, totals: Float64Array): boolean {
    if (this.readsCode(f, end - start)) {
      const bundles = this.bundles!;
      accumulateBundledRegressionHistogram(
        hist,
        this.records.bytes,
        this.recordBytes,
        this.codeByte(f),
        bundles.codeOf[f]!,
        bundles.onBin[f]!,
        rows,
        start,
        end,
        this.orderedWeight,
        this.orderedWeightedTarget,
        totals,
      );
      return true;
    }
    const { bins, rowStride, column } = this.binView(f, end - start);
    return accumulateTwoBinRegressionHistogram(hist, bins, rowStride, column, rows, start, end, this.orderedWeight, this.orderedWeightedTarget, totals);
  }

  /**
   * Feature f (see {@link takesTwoBinPath}) of the node from the two-bin kernels, scanned with the
   * formulas of the path it replaces (so the same split wins), the scratch bins cleared again.
   * @returns 1 (splits), 0 (constant), or −1 when the node has missing values of f (nothing changed).
   */
  private scanTwoBin(f: number, rows: Uint32Array, start: number, end: number, totals: Float64Array): number {
    const hist = this.scratchHist;
    const minLeaf = this.limits!.minSamplesLeaf;
    const stride = this.stride;
    const fromBundle = this.nodeBundle !== null && this.bundles!.bundleOf[f]! >= 0;
    if (fromBundle && this.isBinaryGini()) return this.scanBundledBinaryGini(f, totals, minLeaf) ? 1 : 0;
    if (fromBundle) this.twoBinFromBundle(f, totals);
    if (this.classes !== null) {
      if (!fromBundle) this.gatherNodeOnce(rows, start, end);
      if (!fromBundle && this.isBinaryGini()) {
        // The one candidate (bin 0 left) from bin 0's statistics as scalars, as the bundled columns
        // are scored: what the general scan computes for bins [0, 1], without listing and scanning
        // them; the kernel overwrites its own two bins, so nothing is cleared after.
        const bins01 = this.twoBins;
        if (!this.twoBinClassKernel(bins01, f, rows, start, end, totals)) return -1;
        return scanBinaryGiniCut(bins01[0]!, bins01[2]!, bins01[3]!, bins01[4]!, totals, minLeaf, f, this.best) ? 1 : 0;
      }
      if (!fromBundle && !this.twoBinClassKernel(hist, f, rows, start, end, totals)) return -1;
      let nListed = 0;
      if (hist[0]! > 0) this.binList[nListed++] = 0;
      if (hist[stride]! > 0) this.binList[nListed++] = 1;
      const nonConstant = scanFeatureHistogram(this.criterion, hist, 0, 2, stride, this.binList, nListed, totals, minLeaf, f, this.scanScratch, this.best);
      hist.fill(0, 0, 2 * stride);
      return nonConstant ? 1 : 0;
    }
    if (!fromBundle) this.gatherNodeOnce(rows, start, end);
    if (!fromBundle && !this.twoBinRegressionKernel(hist, f, rows, start, end, totals)) return -1;
    const count = hist[0]!;
    const weightL = hist[1]!;
    const sum = hist[2]!;
    const count1 = hist[3]!;
    hist.fill(0, 0, 2 * stride);
    if (count === 0 || count1 === 0) return 0;
    // The one candidate (bin 0 left) as scanOrderedRegressionRows / scanSortedRegressionRows score it.
    const totalCount = totals[STAT_COUNT]!;
    if (count >= minLeaf && totalCount - count >= minLeaf) {
      const weightR = totals[STAT_WEIGHT]! - weightL;
      const sumR = totals[STAT_TARGET]! - sum;
      if (weightL > 0 && weightR > 0) {
        const score = (sum * sum * weightR + sumR * sumR * weightL) / (weightL * weightR);
        if (score > this.best.score) recordBest(this.best, score, f, 0, 1, count >= totalCount - count, count, weightL, sum, 0);
      }
    }
    return 1;
  }

  /**
   * Builds feature f's histogram of the node (rows gathered by {@link gatherNode}) in the scratch
   * buffer, scans it and clears the bins it touched. @returns false when f is constant in the node.
   */
  private scanFromRows(f: number, rows: Uint32Array, start: number, end: number, totals: Float64Array): boolean {
    const hist = this.scratchHist;
    const stride = this.stride;
    const nb = this.binned.nBins[f]!;
    const minLeaf = this.limits!.minSamplesLeaf;
    if (this.takesTwoBinPath(f)) {
      const outcome = this.scanTwoBin(f, rows, start, end, totals);
      if (outcome >= 0) return outcome === 1;
    }
    this.gatherNodeOnce(rows, start, end);
    if (this.readsCode(f, end - start)) {
      // A bundled column of a small multi-class node (no bundle histogram there): bins 0 and 1 from the codes.
      const bundles = this.bundles!;
      accumulateBundledClassHistogram(
        hist,
        stride,
        this.records.bytes,
        this.recordBytes,
        this.codeByte(f),
        bundles.codeOf[f]!,
        bundles.onBin[f]!,
        rows,
        start,
        end,
        this.orderedTarget,
        this.orderedWeight,
        this.occupied,
      );
    } else if (this.classes !== null) {
      const { bins, rowStride, column } = this.binView(f, end - start);
      accumulateOrderedClassHistogram(hist, stride, bins, rowStride, column, rows, start, end, this.orderedTarget, this.orderedWeight, this.occupied);
    } else {
      const { bins, column } = this.binView(f, end - start);
      if (end - start <= SORTED_SCAN_MAX_ROWS) {
        const sorted = scanSortedRegressionRows(
          this.sortKeys,
          bins,
          this.nodeRowOffset,
          column,
          nb,
          end - start,
          this.orderedWeight,
          this.orderedWeightedTarget,
          totals,
          minLeaf,
          f,
          this.best,
        );
        if (sorted >= 0) return sorted === 1;
      }
      const outcome = scanOrderedRegressionRows(
        hist,
        bins,
        this.nodeRowOffset,
        column,
        nb,
        end - start,
        this.orderedWeight,
        this.orderedWeightedTarget,
        this.occupied,
        totals,
        minLeaf,
        f,
        this.best,
      );
      if (outcome >= 0) return outcome === 1;
      // Missing values in the node: the general scan below tries them on both sides.
    }
    const nListed = listOccupiedBins(this.occupied, nb, this.binList);
    const nonConstant = scanFeatureHistogram(this.criterion, hist, 0, nb, stride, this.binList, nListed, totals, minLeaf, f, this.scanScratch, this.best);
    // Clear only what was touched: the listed value bins and the missing bin.
    for (let i = 0; i < nListed; i++) {
      const o = this.binList[i]! * stride;
      for (let s = 0; s < stride; s++) hist[o + s] = 0;
    }
    for (let s = nb * stride; s < (nb + 1) * stride; s++) hist[s] = 0;
    return nonConstant;
  }

  private searchSampledFeatures(rows: Uint32Array, start: number, end: number, totals: Float64Array, maxFeatures: number, rng: Rng): boolean {
    const order = this.featureOrder;
    const p = this.nFeatures;
    let visited = 0;
    let nonConstant = 0;
    // The node's weights and classes (or weighted targets) are gathered once into row order, not once
    // per feature, and only when a feature needs them (bundled ones read the bundle histogram).
    this.nodeGathered = false;
    // Large classification nodes skip the occupied-bin set: its update is a read-modify-write on one of
    // eight words, a dependency chain from row to row; listing non-empty bins from the counts costs
    // one pass over ≤ 256 bins instead, small against the node's rows.
    const dense = this.classes !== null && end - start > DENSE_NODE_ROWS;
    if (dense) return this.searchSampledDense(rows, start, end, totals, maxFeatures, rng);
    for (let i = 0; i < p && (visited < maxFeatures || nonConstant === 0); i++) {
      const j = i + this.uniform.draw(rng, p - i);
      const f = order[j]!;
      order[j] = order[i]!;
      order[i] = f;
      visited++;
      if (this.visitFeature(f, rows, start, end, totals)) nonConstant++;
    }
    return this.best.feature >= 0;
  }

  /**
   * {@link searchSampledFeatures} for large classification nodes (rows already gathered): the first
   * min(maxFeatures, p) draws never depend on a scan's outcome, so they are drawn up front — the same
   * random sequence — and accumulated two features per pass over the rows (shared row loads, two
   * independent update chains), then scanned in draw order, so ties resolve as before. Further
   * features are drawn one at a time while every drawn one was constant, as sklearn's splitter does.
   */
  private searchSampledDense(rows: Uint32Array, start: number, end: number, totals: Float64Array, maxFeatures: number, rng: Rng): boolean {
    const order = this.featureOrder;
    const p = this.nFeatures;
    const first = Math.min(maxFeatures, p);
    for (let i = 0; i < first; i++) {
      const j = i + this.uniform.draw(rng, p - i);
      const f = order[j]!;
      order[j] = order[i]!;
      order[i] = f;
    }
    // Known constants drawn among them are visited without a scan; the rest are scanned in pairs.
    const pending = this.pendingFeatures;
    let nPending = 0;
    for (let i = 0; i < first; i++) if (this.isKnownConstant[order[i]!] === 0) pending[nPending++] = order[i]!;
    const columns = this.binned.columns;
    const histA = this.scratchHist;
    const histB = this.scratchHist2;
    let nonConstant = 0;
    this.gatherNodeOnce(rows, start, end);
    for (let i = 0; i < nPending;) {
      const fA = pending[i]!;
      if (this.takesTwoBinPath(fA)) {
        if (this.visitFeature(fA, rows, start, end, totals)) nonConstant++;
        i++;
        continue;
      }
      const fB = i + 1 < nPending ? pending[i + 1]! : -1;
      if (fB >= 0 && !this.takesTwoBinPath(fB)) {
        accumulateOrderedClassHistogramDensePair(
          histA,
          histB,
          this.stride,
          columns[fA]!,
          columns[fB]!,
          rows,
          start,
          end,
          this.orderedTarget,
          this.orderedWeight,
        );
        if (this.scanDense(histA, fA, totals)) nonConstant++;
        if (this.scanDense(histB, fB, totals)) nonConstant++;
        i += 2;
      } else {
        accumulateOrderedClassHistogramDense(histA, this.stride, columns[fA]!, rows, start, end, this.orderedTarget, this.orderedWeight);
        if (this.scanDense(histA, fA, totals)) nonConstant++;
        i++;
      }
    }
    for (let i = first; i < p && nonConstant === 0; i++) {
      const j = i + this.uniform.draw(rng, p - i);
      const f = order[j]!;
      order[j] = order[i]!;
      order[i] = f;
      if (this.isKnownConstant[f] === 1) continue;
      if (this.takesTwoBinPath(f)) {
        if (this.visitFeature(f, rows, start, end, totals)) nonConstant++;
        continue;
      }
      this.gatherNodeOnce(rows, start, end);
      accumulateOrderedClassHistogramDense(histA, this.stride, columns[f]!, rows, start, end, this.orderedTarget, this.orderedWeight);
      if (this.scanDense(histA, f, totals)) nonConstant++;
    }
    return this.best.feature >= 0;
  }

  /** Scans one feature's dense histogram (non-empty bins listed from the counts), then clears it. */
  private scanDense(hist: Float64Array, f: number, totals: Float64Array): boolean {
    const nb = this.binned.nBins[f]!;
    const stride = this.stride;
    const minLeaf = this.limits!.minSamplesLeaf;
    let nonConstant: boolean;
    if (this.criterion === 'gini' && stride === STAT_TARGET + 2 && hist[nb * stride + STAT_COUNT] === 0) {
      // Two-class gini without missing values: scan the bins directly, no list of non-empty bins.
      nonConstant = scanBinaryGiniDense(hist, nb, stride, totals, minLeaf, f, this.best);
    } else {
      const nListed = listNonEmptyBins(hist, 0, nb, stride, this.binList);
      nonConstant = scanFeatureHistogram(this.criterion, hist, 0, nb, stride, this.binList, nListed, totals, minLeaf, f, this.scanScratch, this.best);
    }
    hist.fill(0, 0, (nb + 1) * stride);
    if (!nonConstant) this.constantList[this.nConstants++] = f;
    return nonConstant;
  }

  /** {@link gatherNode} for the node being searched, unless done already. */
  private gatherNodeOnce(rows: Uint32Array, start: number, end: number): void {
    if (this.nodeGathered) return;
    this.gatherNode(rows, start, end);
    this.nodeGathered = true;
  }

  /**
   * The node rows' weights and, for classification, class-weight slots (STAT_TARGET + class) or, for
   * regression, weighted targets, in row order: the row-at-a-time paths then gather only the bin.
   */
  private gatherNode(rows: Uint32Array, start: number, end: number): void {
    const m = end - start;
    if (this.orderedWeight.length < m) {
      const size = Math.max(m, this.orderedWeight.length * 2);
      this.orderedWeight = new Float64Array(size);
      if (this.classes !== null) this.orderedTarget = new Int32Array(size);
      else {
        this.orderedWeightedTarget = new Float64Array(size);
        this.nodeRowOffset = new Int32Array(size);
      }
    }
    const record = this.records.float64;
    const recordInts = this.records.int32;
    const width = this.records.width;
    if (this.classes !== null) {
      for (let i = 0; i < m; i++) {
        const o = rows[start + i]! * width;
        this.orderedWeight[i] = record[o]!;
        this.orderedTarget[i] = recordInts[2 * o + 2]!;
      }
      return;
    }
    for (let i = 0; i < m; i++) {
      const o = rows[start + i]! * width;
      this.orderedWeight[i] = record[o]!;
      this.orderedWeightedTarget[i] = record[o + 1]!;
    }
    // Offsets in the layout scanFromRows reads: the row records for small nodes when they hold bins.
    const rowStride = this.readsRowMajor(m) ? this.recordBytes : 1;
    for (let i = 0; i < m; i++) this.nodeRowOffset[i] = rows[start + i]! * rowStride;
  }

  private buildFullHistogram(hist: Float64Array, rows: Uint32Array, start: number, end: number): void {
    hist.fill(0);
    if (this.classes === null) {
      this.gatherNode(rows, start, end);
      for (let f = 0; f < this.nFeatures; f++) {
        accumulateOrderedRegressionHistogramAt(
          hist,
          this.featureOffset[f]!,
          this.binned.columns[f]!,
          rows,
          start,
          end,
          this.orderedWeight,
          this.orderedWeightedTarget,
        );
      }
      return;
    }
    const classes = this.classes;
    for (let f = 0; f < this.nFeatures; f++) {
      accumulateClassHistogram(hist, this.featureOffset[f]!, this.stride, this.binned.columns[f]!, rows, start, end, classes, this.weights, this.occupied);
    }
    // The class accumulation marks occupied bins, which only the row-at-a-time scans read (and clear):
    // small nodes of this tree must start from an empty set.
    this.occupied.fill(0);
  }

  /** Node statistics straight from the rows (the root's; children's come from the split scan). */
  private addRowStats(rows: Uint32Array, start: number, end: number, out: Float64Array, base: number): void {
    const weights = this.weights;
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const w = weights === null ? 1 : weights[r]!;
      out[base + STAT_COUNT] = out[base + STAT_COUNT]! + 1;
      out[base + STAT_WEIGHT] = out[base + STAT_WEIGHT]! + w;
      if (this.classes !== null) {
        const t = base + STAT_TARGET + this.classes[r]!;
        out[t] = out[t]! + w;
      } else out[base + STAT_TARGET] = out[base + STAT_TARGET]! + w * this.targets![r]!;
    }
  }

  /**
   * Stable partition of rows[start..end): left-going rows first, both sides in their previous order
   * (rows stay ascending, so the per-feature gathers read front to back); returns the first right
   * index. Branch-free: +(comparison) steps two write cursors, where a branch on a random split would be
   * mispredicted half the time.
   */
  private partition(rows: Uint32Array, start: number, end: number, feature: number, lastLeftBin: number, missingLeft: boolean): number {
    if (this.partitionScratch.length < end - start) this.partitionScratch = new Uint32Array(Math.max(end - start, this.partitionScratch.length * 2));
    const right = this.partitionScratch;
    let nLeft = 0;
    let nRight = 0;
    if (this.readsCode(feature, end - start)) {
      // A bundled column (two bins, no missing values, so lastLeftBin is 0): left where its bin is 0.
      const bundles = this.bundles!;
      const records = this.records.bytes;
      const recordBytes = this.recordBytes;
      const codeByte = this.codeByte(feature);
      const columnCode = bundles.codeOf[feature]!;
      // Bin 0 is where the code differs from the column's when the column is on in bin 1, else where it matches.
      const leftWhenDifferent = bundles.onBin[feature]!;
      for (let i = start; i < end; i++) {
        const r = rows[i]!;
        const isLeft = +(records[r * recordBytes + codeByte] !== columnCode) ^ leftWhenDifferent ^ 1;
        rows[start + nLeft] = r;
        right[nRight] = r;
        nLeft += isLeft;
        nRight += 1 - isLeft;
      }
    } else {
      const { bins, rowStride, column } = this.binView(feature, end - start);
      const missingBin = this.binned.nBins[feature]!;
      const missingGoesLeft = missingLeft ? 1 : 0;
      for (let i = start; i < end; i++) {
        const r = rows[i]!;
        const b = bins[r * rowStride + column]!;
        // The missing bin is above every value bin, so b <= lastLeftBin never sends a missing row left.
        const isLeft = +(b <= lastLeftBin) | (+(b === missingBin) & missingGoesLeft);
        rows[start + nLeft] = r;
        right[nRight] = r;
        nLeft += isLeft;
        nRight += 1 - isLeft;
      }
    }
    const firstRight = start + nLeft;
    // Most split nodes are small: a copy loop there, not a subarray view allocated per node.
    if (nRight > 256) rows.set(right.subarray(0, nRight), firstRight);
    else for (let i = 0; i < nRight; i++) rows[firstRight + i] = right[i]!;
    return firstRight;
  }

  private push(
    slot: number,
    start: number,
    end: number,
    depth: number,
    parent: number,
    isLeft: boolean,
    hist: number,
    bundle: number,
    nConstants: number,
  ): void {
    if (slot >= this.stackStart.length) this.growStack(slot * 2);
    this.stackBundle[slot] = bundle;
    this.stackConstants[slot] = nConstants;
    this.stackStart[slot] = start;
    this.stackEnd[slot] = end;
    this.stackDepth[slot] = depth;
    this.stackParent[slot] = parent;
    this.stackIsLeft[slot] = isLeft ? 1 : 0;
    this.stackHist[slot] = hist;
  }

  private growStack(capacity: number): void {
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(source: T, make: (n: number) => T, n: number): T => {
      const target = make(n);
      target.set(source);
      return target;
    };
    this.stackStart = grow(this.stackStart, (n) => new Int32Array(n), capacity);
    this.stackEnd = grow(this.stackEnd, (n) => new Int32Array(n), capacity);
    this.stackDepth = grow(this.stackDepth, (n) => new Int32Array(n), capacity);
    this.stackParent = grow(this.stackParent, (n) => new Int32Array(n), capacity);
    this.stackIsLeft = grow(this.stackIsLeft, (n) => new Uint8Array(n), capacity);
    this.stackHist = grow(this.stackHist, (n) => new Int32Array(n), capacity);
    this.stackBundle = grow(this.stackBundle, (n) => new Int32Array(n), capacity);
    this.stackConstants = grow(this.stackConstants, (n) => new Int32Array(n), capacity);
    this.stackTotals = grow(this.stackTotals, (n) => new Float64Array(n), capacity * this.stride);
  }

  private acquire(): number {
    const free = this.freeList.pop();
    if (free !== undefined) return free;
    this.pool.push(new Float64Array(this.fullSize));
    return this.pool.length - 1;
  }

  private release(id: number): void {
    if (id >= 0) this.freeList.push(id);
  }
}
