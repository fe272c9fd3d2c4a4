/**
 * Fitting and prediction shared by the decision tree (a forest of one tree on all rows) and the random
 * forest (bootstrapped trees): bin once, grow every tree with one reused builder into one node store,
 * average the trees' leaf class fractions at predict time (sklearn's `predict_proba` semantics).
 */
import { InvalidInputError } from '../../../errors/index.js';
import type { FeatureMatrix } from '../../dataset/dataset.js';
import { Rng } from '../../random/rng.js';
import { balancedClassWeights } from './balanced-class-weights.js';
import { FeatureBinner } from './binner.js';
import { HistogramTreeBuilder } from './histogram-tree-builder.js';
import { NodeStore } from './node-store.js';
import type { TreeLimits } from './tree-limits.js';

/** How the trees of a classification forest are grown. */
export interface ClassificationForestOptions {
  readonly nTrees: number;
  readonly criterion: 'gini' | 'entropy';
  /** Draw n rows with replacement per tree; the draw counts become row weights (no row copies). */
  readonly bootstrap: boolean;
  readonly classWeight: 'balanced' | 'balanced_subsample' | null;
  readonly maxBins: number;
  readonly limits: TreeLimits;
}

/**
 * Grows `nTrees` classification trees on `rows` of X. Tree t uses the t-th fork of `new Rng(seed)` for
 * its bootstrap draw and feature sampling, so the result depends only on data, options and seed.
 */
export function fitClassificationForest(
  X: FeatureMatrix,
  y: Int32Array,
  rows: Uint32Array,
  nClasses: number,
  options: ClassificationForestOptions,
  seed: number,
): NodeStore {
  const nTrain = rows.length;
  if (nTrain === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'cannot fit a tree on zero rows');
  const binner = new FeatureBinner(options.maxBins).fit(X, rows);
  const binned = binner.transform(X);
  const builder = new HistogramTreeBuilder(binned, binner, options.criterion, y, nClasses);
  const store = new NodeStore(nClasses, X.columns.length);
  const rng = new Rng(seed);
  const work = new Uint32Array(nTrain);
  const fullClassWeights = options.classWeight === null ? null : balancedClassWeights(y, rows, nClasses);
  const counts = options.bootstrap ? new Float64Array(X.nRows) : null;
  const weights = options.bootstrap || fullClassWeights !== null ? new Float64Array(X.nRows) : null;

  for (let t = 0; t < options.nTrees; t++) {
    const treeRng = rng.fork();
    let count = 0;
    if (counts !== null) {
      for (let i = 0; i < nTrain; i++) counts[rows[i]!] = 0;
      for (let i = 0; i < nTrain; i++) {
        const r = rows[treeRng.nextInt(nTrain)]!;
        counts[r] = counts[r]! + 1;
      }
      for (let i = 0; i < nTrain; i++) {
        const r = rows[i]!;
        if (counts[r]! > 0) work[count++] = r;
      }
    } else {
      work.set(rows);
      count = nTrain;
    }
    if (weights !== null) {
      const classWeights =
        options.classWeight === 'balanced_subsample' && counts !== null ? balancedClassWeights(y, rows, nClasses, counts) : fullClassWeights;
      for (let i = 0; i < count; i++) {
        const r = work[i]!;
        const base = counts === null ? 1 : counts[r]!;
        weights[r] = classWeights === null ? base : base * classWeights[y[r]!]!;
      }
    }
    builder.build(store, { rows: work, count, weights, limits: options.limits, rng: treeRng });
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
