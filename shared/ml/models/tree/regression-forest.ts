/**
 * Fitting and prediction shared by the decision tree regressor (a forest of one tree on all rows) and
 * the random forest regressor (bootstrapped trees): bin once, grow every tree with one reused CART
 * builder (squared error: variance reduction) into one node store, average the trees' leaf means at
 * predict time (scikit-learn's `RandomForestRegressor.predict`).
 */
import { InvalidInputError } from '../../../errors/index.js';
import type { FeatureMatrix } from '../../dataset/dataset.js';
import { Rng } from '../../random/rng.js';
import { FeatureBinner } from './binner.js';
import type { ColumnOrderCache } from './column-order-cache.js';
import { HistogramTreeBuilder } from './histogram-tree-builder.js';
import { NodeStore } from './node-store.js';
import type { TreeLimits } from './tree-limits.js';
import type { TreeRange } from './tree-range.js';

/** How the trees of a regression forest are grown. */
export interface RegressionForestOptions {
  readonly nTrees: number;
  /** Draw n rows with replacement per tree; the draw counts become row weights (no row copies). */
  readonly bootstrap: boolean;
  readonly maxBins: number;
  readonly limits: TreeLimits;
  /** Grow only these trees of the `nTrees` (a part of the forest, see tree-range.ts); default all. */
  readonly treeRange?: TreeRange;
}

/**
 * Grows `nTrees` regression trees on `rows` of X with targets `y` (indexed by row). Tree t uses the
 * t-th fork of `new Rng(seed)` for its bootstrap draw and feature sampling — the classification
 * forest's scheme — so the result depends only on data, options and seed. Leaves hold the weighted
 * mean target of their rows (weights = bootstrap counts), as scikit-learn's.
 * @throws InvalidInputError INVALID_ARGUMENT on zero rows or a non-finite target.
 */
export function fitRegressionForest(
  X: FeatureMatrix,
  y: Float64Array,
  rows: Uint32Array,
  options: RegressionForestOptions,
  seed: number,
  orders?: ColumnOrderCache,
): NodeStore {
  const nTrain = rows.length;
  if (nTrain === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'cannot fit a regression tree on zero rows');
  // Positional like the classification forest: compact bins and targets of the fitted rows only.
  const targets = gatherTargets(y, rows);
  const binner = new FeatureBinner(options.maxBins);
  const bins = binner.fitBinRows(X, rows, 'columns', orders);
  const builder = new HistogramTreeBuilder({ nRows: nTrain, columns: bins.columns!, nBins: bins.nBins }, binner, 'squared_error', null, 1);
  const store = new NodeStore(1, X.columns.length);
  const rng = new Rng(seed);
  const work = new Uint32Array(nTrain);
  const weights = options.bootstrap ? new Float64Array(nTrain) : null;

  const first = options.treeRange?.start ?? 0;
  const end = options.treeRange?.end ?? options.nTrees;
  for (let t = 0; t < end; t++) {
    const treeRng = rng.fork();
    // Trees before the range only advance the seed stream: tree t keeps the whole fit's t-th fork.
    if (t < first) continue;
    let count = 0;
    if (weights !== null) {
      weights.fill(0);
      for (let i = 0; i < nTrain; i++) {
        const pos = treeRng.nextInt(nTrain);
        weights[pos] = weights[pos]! + 1;
      }
      for (let i = 0; i < nTrain; i++) if (weights[i]! > 0) work[count++] = i;
    } else {
      for (let i = 0; i < nTrain; i++) work[i] = i;
      count = nTrain;
    }
    store.reserveForTrees(t - first, end - first);
    builder.build(store, { rows: work, count, weights, targets, limits: options.limits, rng: treeRng });
  }
  return store;
}

/**
 * Mean of the trees' leaf values for `rows` (default all) into `out`.
 * @throws InvalidInputError INVALID_ARGUMENT when X has fewer features than the trees were fitted on.
 */
export function predictForestValues(store: NodeStore, X: FeatureMatrix, rows: Uint32Array | undefined, out: Float64Array | undefined): Float64Array {
  if (X.columns.length < store.nFeatures) {
    throw new InvalidInputError('INVALID_ARGUMENT', `matrix has ${X.columns.length} features, the model was fitted on ${store.nFeatures}`);
  }
  const n = rows ? rows.length : X.nRows;
  const result = out ?? new Float64Array(n);
  if (result.length !== n) throw new InvalidInputError('INVALID_ARGUMENT', `output buffer has length ${result.length}, expected ${n}`);
  result.fill(0);
  const columns = X.columns;
  const value = store.value;
  const nTrees = store.roots.length;
  // Tree-major: one tree's nodes stay in cache while every row walks it.
  for (let t = 0; t < nTrees; t++) {
    const root = store.roots[t]!;
    if (rows) for (let i = 0; i < n; i++) result[i] = result[i]! + value[store.findLeaf(root, columns, rows[i]!)]!;
    else for (let i = 0; i < n; i++) result[i] = result[i]! + value[store.findLeaf(root, columns, i)]!;
  }
  if (nTrees > 1) for (let i = 0; i < n; i++) result[i] = result[i]! / nTrees;
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
