/**
 * Fitting and prediction shared by the decision tree (a forest of one tree on all rows) and the random
 * forest (bootstrapped trees): bin once, grow every tree with one reused builder into one node store,
 * average the trees' leaf class fractions at predict time (sklearn's `predict_proba` semantics).
 */
import { InvalidInputError } from '../../../errors/index.js';
import { allRows, type FeatureMatrix } from '../../dataset/dataset.js';
import { Rng } from '../../random/rng.js';
import { balancedClassWeights } from './balanced-class-weights.js';
import { FeatureBinner } from './binner.js';
import type { ColumnOrderCache } from './column-order-cache.js';
import { HistogramTreeBuilder } from './histogram-tree-builder.js';
import { NodeStore } from './node-store.js';
import type { TreeLimits } from './tree-limits.js';
import type { TreeRange } from './tree-range.js';

/** How the trees of a classification forest are grown. */
export interface ClassificationForestOptions {
  readonly nTrees: number;
  readonly criterion: 'gini' | 'entropy';
  /** Draw n rows with replacement per tree; the draw counts become row weights (no row copies). */
  readonly bootstrap: boolean;
  readonly classWeight: 'balanced' | 'balanced_subsample' | null;
  readonly maxBins: number;
  readonly limits: TreeLimits;
  /** Grow only these trees of the `nTrees` (a part of the forest, see tree-range.ts); default all. */
  readonly treeRange?: TreeRange;
}

/**
 * Grows `nTrees` classification trees on `rows` of X. Tree t uses the t-th fork of `new Rng(seed)` for
 * its bootstrap draw and feature sampling, so the result depends only on data, options and seed.
 * One tree at a time: yields the store after each tree (a forest of
 * the trees so far, usable for predictions), returns it complete. The pruner's rungs read the forest
 * at each rung's tree count; a full drain is the same fit, tree for tree.
 */
export function* fitClassificationForestStages(
  X: FeatureMatrix,
  y: Int32Array,
  rows: Uint32Array,
  nClasses: number,
  options: ClassificationForestOptions,
  seed: number,
  orders?: ColumnOrderCache,
): Generator<NodeStore, NodeStore> {
  const nTrain = rows.length;
  if (nTrain === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'cannot fit a tree on zero rows');
  // Everything per row is positional (position i = row rows[i]): compact bins of the fitted rows only,
  // labels and weights, so the trees read small dense arrays instead of gathering from the dataset's.
  const binner = new FeatureBinner(options.maxBins);
  const bins = binner.fitBinRows(X, rows, 'columns', orders);
  const labels = new Int32Array(nTrain);
  for (let i = 0; i < nTrain; i++) labels[i] = y[rows[i]!]!;
  const positions = allRows(nTrain);
  const builder = new HistogramTreeBuilder({ nRows: nTrain, columns: bins.columns!, nBins: bins.nBins }, binner, options.criterion, labels, nClasses);
  const store = new NodeStore(nClasses, X.columns.length);
  const rng = new Rng(seed);
  const work = new Uint32Array(nTrain);
  const fullClassWeights = options.classWeight === null ? null : balancedClassWeights(labels, positions, nClasses);
  const counts = options.bootstrap ? new Float64Array(nTrain) : null;
  const weights = options.bootstrap || fullClassWeights !== null ? new Float64Array(nTrain) : null;

  const first = options.treeRange?.start ?? 0;
  const end = options.treeRange?.end ?? options.nTrees;
  for (let t = 0; t < end; t++) {
    const treeRng = rng.fork();
    // Trees before the range only advance the seed stream: tree t keeps the whole fit's t-th fork.
    if (t < first) continue;
    let count = 0;
    if (counts !== null) {
      counts.fill(0);
      for (let i = 0; i < nTrain; i++) {
        const pos = treeRng.nextInt(nTrain);
        counts[pos] = counts[pos]! + 1;
      }
      for (let i = 0; i < nTrain; i++) if (counts[i]! > 0) work[count++] = i;
    } else {
      work.set(positions);
      count = nTrain;
    }
    if (weights !== null) {
      const classWeights =
        options.classWeight === 'balanced_subsample' && counts !== null ? balancedClassWeights(labels, positions, nClasses, counts) : fullClassWeights;
      for (let i = 0; i < count; i++) {
        const pos = work[i]!;
        const base = counts === null ? 1 : counts[pos]!;
        weights[pos] = classWeights === null ? base : base * classWeights[labels[pos]!]!;
      }
    }
    store.reserveForTrees(t - first, end - first);
    builder.build(store, { rows: work, count, weights, limits: options.limits, rng: treeRng });
    yield store;
  }
  return store;
}

/**
 * Mean of the trees' leaf class fractions for `rows` (default all), row-major into `out`.
 * @throws InvalidInputError INVALID_ARGUMENT when X has fewer features than the trees were fitted on.
 */
export function predictForestProba(store: NodeStore, X: FeatureMatrix, rows: Uint32Array | undefined, out: Float64Array | undefined): Float64Array {
  const k = store.nOutputs;
  if (X.columns.length < store.nFeatures) {
    throw new InvalidInputError('INVALID_ARGUMENT', `matrix has ${X.columns.length} features, the model was fitted on ${store.nFeatures}`);
  }
  const n = rows ? rows.length : X.nRows;
  const result = out ?? new Float64Array(n * k);
  if (result.length !== n * k) throw new InvalidInputError('INVALID_ARGUMENT', `output buffer has length ${result.length}, expected ${n * k}`);
  result.fill(0);
  const columns = X.columns;
  const value = store.value;
  const nTrees = store.roots.length;
  // Tree-major: one tree's nodes stay in cache while every row walks it.
  for (let t = 0; t < nTrees; t++) {
    const root = store.roots[t]!;
    for (let i = 0; i < n; i++) {
      const leaf = store.findLeaf(root, columns, rows ? rows[i]! : i);
      const source = leaf * k;
      const target = i * k;
      for (let c = 0; c < k; c++) result[target + c] = result[target + c]! + value[source + c]!;
    }
  }
  if (nTrees > 1) {
    for (let i = 0; i < result.length; i++) result[i] = result[i]! / nTrees;
  }
  return result;
}
