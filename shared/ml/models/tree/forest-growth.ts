/**
 * Fitting and prediction shared by every forest-like model — the decision tree (a forest of one tree
 * on all rows) and the random forest (bootstrapped trees), classifier and regressor alike: bin once,
 * grow every tree with one reused builder into one node store, average the trees' leaf values at
 * predict time (class fractions: sklearn's `predict_proba`; leaf means: `RandomForestRegressor.predict`).
 */
import { InvalidInputError } from '../../../errors/index.js';
import type { FeatureMatrix } from '../../dataset/dataset.js';
import { Rng } from '../../random/rng.js';
import { balancedClassWeights } from './balanced-class-weights.js';
import { FeatureBinner } from './binner.js';
import { findExclusiveBundles } from './exclusive-bundles.js';
import type { ColumnOrderCache } from './column-order-cache.js';
import { HistogramTreeBuilder } from './histogram-tree-builder.js';
import { NodeStore } from './node-store.js';
import { PackedNodes } from './packed-nodes.js';
import type { TreeLimits } from './tree-limits.js';
import type { TreeRange } from './tree-range.js';
import { UniformIndex } from './uniform-index.js';

/** Rows per block of {@link predictForestMean}: a block of a wide table (~100 features) stays in L2. */
const PREDICT_BLOCK_ROWS = 512;
/**
 * Predictions of at least this many rows walk packed nodes (packed-nodes.ts): packing costs a pass
 * over every node, repaid when each node is walked by many rows; a few rows walk the store itself.
 */
const PACKED_WALK_ROWS = 256;
/**
 * The packing buffer of every prediction in this process (predictions are synchronous, so never two
 * at once): one 8 MB buffer for the process's life, where a buffer per call left several dead ones
 * waiting for the collector (the regression bench's peak RSS rose by ~25 MB).
 */
const packedScratch = new PackedNodes();

/** What the trees learn: class indices (classification) or finite numbers (regression), indexed by row. */
export type ForestTarget =
  | {
      readonly task: 'classification';
      readonly y: Int32Array;
      readonly nClasses: number;
      readonly criterion: 'gini' | 'entropy';
      readonly classWeight: 'balanced' | 'balanced_subsample' | null;
    }
  | { readonly task: 'regression'; readonly y: Float64Array };

/** How the trees of a forest are grown. */
export interface ForestOptions {
  readonly nTrees: number;
  /** Draw n rows with replacement per tree; the draw counts become row weights (no row copies). */
  readonly bootstrap: boolean;
  readonly maxBins: number;
  readonly limits: TreeLimits;
  /** Grow only these trees of the `nTrees` (a part of the forest, see tree-range.ts); default all. */
  readonly treeRange?: TreeRange;
}

/**
 * Grows `nTrees` trees on `rows` of X. Tree t uses the t-th fork of `new Rng(seed)` for its bootstrap
 * draw and feature sampling, so the result depends only on data, options and seed. One tree at a
 * time: yields the store after each tree (a forest of the trees so far, usable for predictions),
 * returns it complete. The pruner's rungs read the forest at each rung's tree count; a full drain is
 * the same fit, tree for tree.
 * @throws InvalidInputError INVALID_ARGUMENT on zero rows or a non-finite regression target.
 */
export function* fitForestStages(
  X: FeatureMatrix,
  target: ForestTarget,
  rows: Uint32Array,
  options: ForestOptions,
  seed: number,
  orders?: ColumnOrderCache,
): Generator<NodeStore, NodeStore> {
  const nTrain = rows.length;
  if (nTrain === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'cannot fit a tree on zero rows');
  // Everything per row is positional (position i = row rows[i]): compact bins of the fitted rows only,
  // labels or targets and weights, so the trees read small dense arrays instead of gathering.
  const isClassification = target.task === 'classification';
  const nClasses = isClassification ? target.nClasses : 1;
  const labels = isClassification ? gatherLabels(target.y, rows) : null;
  const targets = isClassification ? undefined : gatherTargets(target.y, rows);
  const binner = new FeatureBinner(options.maxBins);
  // Columns for large nodes; small nodes read each row's bins from its record (see HistogramTreeBuilder),
  // copied from the columns: no row-major copy of the bins is kept beside them.
  const bins = binner.fitBinRows(X, rows, 'columns', orders);
  const binned = { nRows: nTrain, columns: bins.columns!, nBins: bins.nBins };
  const layouts = { bundles: findExclusiveBundles(binned), binsInRecords: true };
  const builder = isClassification
    ? new HistogramTreeBuilder(binned, binner, target.criterion, labels, nClasses, layouts)
    : new HistogramTreeBuilder(binned, binner, 'squared_error', null, 1, layouts);
  const store = new NodeStore(nClasses, X.columns.length);
  const rng = new Rng(seed);
  const work = new Uint32Array(nTrain);
  const classWeight = isClassification ? target.classWeight : null;
  const positions = classWeight === null ? null : allPositions(nTrain);
  const fullClassWeights = positions === null ? null : balancedClassWeights(labels!, positions, nClasses);
  const counts = options.bootstrap ? new Float64Array(nTrain) : null;
  const uniform = options.bootstrap ? new UniformIndex(nTrain) : null;
  // Draw counts are the row weights, unless class weights scale them.
  const weights = fullClassWeights === null ? counts : new Float64Array(nTrain);

  const first = options.treeRange?.start ?? 0;
  const end = options.treeRange?.end ?? options.nTrees;
  for (let t = 0; t < end; t++) {
    const treeRng = rng.fork();
    // Trees before the range only advance the seed stream: tree t keeps the whole fit's t-th fork.
    if (t < first) continue;
    const count = counts === null ? allInto(work) : drawBootstrap(treeRng, uniform!, counts, work);
    if (fullClassWeights !== null) {
      const classWeights =
        classWeight === 'balanced_subsample' && counts !== null ? balancedClassWeights(labels!, positions!, nClasses, counts) : fullClassWeights;
      for (let i = 0; i < count; i++) {
        const pos = work[i]!;
        weights![pos] = (counts === null ? 1 : counts[pos]!) * classWeights[labels![pos]!]!;
      }
    }
    store.reserveForTrees(t - first, end - first);
    builder.build(store, { rows: work, count, weights, targets, limits: options.limits, rng: treeRng });
    yield store;
  }
  return store;
}

/** {@link fitForestStages} drained: the complete forest. */
export function fitForest(
  X: FeatureMatrix,
  target: ForestTarget,
  rows: Uint32Array,
  options: ForestOptions,
  seed: number,
  orders?: ColumnOrderCache,
): NodeStore {
  const stages = fitForestStages(X, target, rows, options, seed, orders);
  for (;;) {
    const next = stages.next();
    if (next.done === true) return next.value;
  }
}

/**
 * Mean of the trees' leaf values for `rows` (default all), `store.nOutputs` per row, row-major into
 * `out`: class fractions of a classification forest, the prediction of a regression forest.
 * @throws InvalidInputError INVALID_ARGUMENT when X has fewer features than the trees were fitted on.
 */
export function predictForestMean(store: NodeStore, X: FeatureMatrix, rows: Uint32Array | undefined, out: Float64Array | undefined): Float64Array {
  const k = store.nOutputs;
  if (X.columns.length < store.nFeatures) {
    throw new InvalidInputError('INVALID_ARGUMENT', `matrix has ${X.columns.length} features, the model was fitted on ${store.nFeatures}`);
  }
  const n = rows ? rows.length : X.nRows;
  const result = out ?? new Float64Array(n * k);
  if (result.length !== n * k) throw new InvalidInputError('INVALID_ARGUMENT', `output buffer has length ${result.length}, expected ${n * k}`);
  result.fill(0);
  const columns = X.columns;
  const p = store.nFeatures;
  const value = store.value;
  const { feature, threshold, left, right, missingLeft } = store;
  const nTrees = store.roots.length;
  const packed = n >= PACKED_WALK_ROWS ? packedScratch : null;
  // Blocks of rows copied row-major: a walk reads one feature per node, and from a column per
  // feature each read is a cache miss on a wide table (issue 9's 102 one-hot columns); a block's
  // rows stay in cache while the trees walk them. Trees go in chunks (packed-nodes.ts), each chunk
  // walking every block, so each row still sums its trees in tree order.
  const blockRows = Math.min(n, PREDICT_BLOCK_ROWS);
  const block = new Float64Array(blockRows * p);
  for (let fromTree = 0; fromTree < nTrees;) {
    let toTree = packed === null ? -1 : packed.pack(store, fromTree);
    const walkPacked = toTree >= 0;
    if (!walkPacked) toTree = nTrees;
    for (let from = 0; from < n; from += blockRows) {
      const to = Math.min(n, from + blockRows);
      for (let f = 0; f < p; f++) {
        const column = columns[f]!;
        for (let i = from; i < to; i++) block[(i - from) * p + f] = column[rows ? rows[i]! : i]!;
      }
      for (let t = fromTree; t < toTree; t++) {
        const root = store.roots[t]!;
        for (let i = from; i < to; i++) {
          const base = (i - from) * p;
          const target = i * k;
          let node = root;
          if (walkPacked) {
            node = packed!.findLeaf(root, block, base);
            // The packed leaf says what to add without a read of the store's values (packed-nodes.ts);
            // the sums are the same: a pure leaf's other classes add exact zeros.
            if (k === 1) {
              result[i] = result[i]! + packed!.leafValue(node);
              continue;
            }
            const pureClass = packed!.leafClass(node);
            if (pureClass >= 0) {
              result[target + pureClass] = result[target + pureClass]! + 1;
              continue;
            }
          } else {
            let next = left[node]!;
            while (next !== -1) {
              const x = block[base + feature[node]!]!;
              const cut = threshold[node]!;
              if (x <= cut) node = next;
              else if (x > cut) node = right[node]!;
              else node = missingLeft[node] === 1 ? next : right[node]!;
              next = left[node]!;
            }
          }
          const source = node * k;
          for (let c = 0; c < k; c++) result[target + c] = result[target + c]! + value[source + c]!;
        }
      }
    }
    fromTree = toTree;
  }
  if (nTrees > 1) {
    for (let i = 0; i < result.length; i++) result[i] = result[i]! / nTrees;
  }
  return result;
}

/**
 * Targets of the fitted rows, by position.
 * @throws InvalidInputError INVALID_ARGUMENT on NaN or ±Infinity (a tree would spread it to a leaf).
 */
export function gatherTargets(y: Float64Array, rows: Uint32Array): Float64Array {
  const n = rows.length;
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[rows[i]!]!;
    if (!Number.isFinite(v)) throw new InvalidInputError('INVALID_ARGUMENT', `regression target of row ${rows[i]} is ${v}; targets must be finite numbers`);
    targets[i] = v;
  }
  return targets;
}

function gatherLabels(y: Int32Array, rows: Uint32Array): Int32Array {
  const labels = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) labels[i] = y[rows[i]!]!;
  return labels;
}

function allPositions(n: number): Uint32Array {
  const positions = new Uint32Array(n);
  for (let i = 0; i < n; i++) positions[i] = i;
  return positions;
}

/** Every position, in order, into `work`; @returns their number. */
function allInto(work: Uint32Array): number {
  for (let i = 0; i < work.length; i++) work[i] = i;
  return work.length;
}

/**
 * n draws with replacement of n positions: their counts into `counts`, the drawn positions in
 * ascending order into `work` (ascending keeps the trees' gathers front to back); @returns how many.
 */
function drawBootstrap(rng: Rng, uniform: UniformIndex, counts: Float64Array, work: Uint32Array): number {
  const n = counts.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const pos = uniform.draw(rng, n);
    counts[pos] = counts[pos]! + 1;
  }
  let count = 0;
  for (let i = 0; i < n; i++) if (counts[i]! > 0) work[count++] = i;
  return count;
}
