/**
 * Gradient boosting regressor (scikit-learn 1.9's `GradientBoostingRegressor`), on the classifier's
 * histogram tree builder ({@link GradientTreeBuilder}: bins reused across a trial's fits, no per-node
 * allocation, leaves reported as segments of the in-bag positions).
 *
 * - loss 'squared_error': init = the mean of y; each stage fits a tree to the residuals y − F and a
 *   leaf's value is the mean residual of its in-bag rows (Newton with hessian 1), shrunk by
 *   `learning_rate`.
 * - loss 'huber': init = the median of y (numpy's percentile, as `DummyRegressor(quantile=0.5)`); each
 *   stage sets δ to the `alpha` percentile of |y − F| over every training row, fits the tree to the
 *   residuals clipped to ±δ, and sets a leaf to median(r) + mean(sign(r − median)·min(δ, |r − median|))
 *   over its in-bag raw residuals r = y − F (sklearn's `HuberLoss.fit_intercept_only`, percentiles by
 *   sklearn's `_weighted_percentile` with unit weights: the lower median of an even count).
 * - `subsample` < 1: each stage draws ⌊subsample·n⌋ rows without replacement; the scores of every
 *   training row are updated, as sklearn does.
 * Stored leaf values already include the learning rate; predict = init + Σ leaf values.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';
import { GradientBoostingRegressorParamsSchema, type GradientBoostingRegressorParams } from '../../../schemas/model-params.schema.js';
import { allRows, type FeatureMatrix } from '../../dataset/dataset.js';
import { Rng } from '../../random/rng.js';
import type { FitCache } from '../fit-cache.js';
import { constructFromArtifact, parseModelArtifact } from '../model-artifact.js';
import { parseModelParams } from '../parse-model-params.js';
import type { Regressor, SerializedRegressor } from '../regressor.js';
import { FeatureBinner } from './binner.js';
import { GradientTreeBuilder } from './gradient-tree-builder.js';
import { NodeStore, SerializedNodesSchema } from './node-store.js';
import { gatherTargets } from './forest-growth.js';
import { invertedCdfIndex, selectKth } from './select-kth.js';
import { resolveTreeLimits } from './tree-limits.js';

const MODEL_NAME = 'gradient_boosting';
const FORMAT_VERSION = 1;

const SerializedGradientBoostingRegressorSchema = SerializedNodesSchema.extend({
  name: z.literal(MODEL_NAME),
  version: z.literal(FORMAT_VERSION),
  task: z.literal('regression'),
  params: z.unknown(),
  /** Initial prediction (the mean or the median of the training targets). */
  init: z.number().finite(),
});

/** Gradient boosting regressor (registry name `gradient_boosting`, task regression). */
export class GradientBoostingRegressor implements Regressor {
  readonly name = MODEL_NAME;
  readonly params: GradientBoostingRegressorParams;
  private readonly seed: number;
  private nodes: NodeStore | null = null;
  private init = 0;

  /**
   * @param params hyperparameters, parsed with {@link GradientBoostingRegressorParamsSchema} (sklearn defaults).
   * @param seed used when `random_state` is null (default 0): drives subsampling and feature sampling.
   * @throws InvalidInputError INVALID_MODEL on bad params.
   */
  constructor(params: unknown = {}, seed?: number) {
    this.params = parseModelParams(GradientBoostingRegressorParamsSchema, params, MODEL_NAME);
    this.seed = this.params.random_state ?? seed ?? 0;
  }

  /**
   * Fits on `rows` (default all). Everything per row is positional (position i = row `selected[i]`):
   * compact bins, targets, scores and residuals; each tree's leaf segments give every in-bag row its
   * leaf, so leaf values and score updates never walk the tree again for those rows.
   */
  fit(X: FeatureMatrix, y: Float64Array, rows?: Uint32Array, cache?: FitCache): void {
    const selected = rows ?? allRows(X.nRows);
    const n = selected.length;
    if (n === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'cannot fit gradient boosting on zero rows');
    const p = this.params;
    const nFeatures = X.columns.length;
    const targets = gatherTargets(y, selected);

    const binner = new FeatureBinner(p.max_bins);
    const builder = new GradientTreeBuilder(binner.fitBinRows(X, selected, 'both', cache?.columnOrder), binner);
    const store = new NodeStore(1, nFeatures, 1024);
    const limits = resolveTreeLimits(p, n, nFeatures);
    const rng = new Rng(this.seed);
    const huber = p.loss === 'huber';
    // Percentile scratch: |residuals| of every row per stage, a leaf's residuals per leaf.
    const scratch = huber ? new Float64Array(n) : null;

    this.init = huber ? numpyMedian(targets, scratch!) : mean(targets);
    const raw = new Float64Array(n).fill(this.init);
    // Squared error: the negative gradient is the residual y − F, kept current with the scores.
    // Huber: the clipped residual, recomputed each stage once δ is known.
    const gradient = new Float64Array(n);
    if (!huber) for (let i = 0; i < n; i++) gradient[i] = targets[i]! - this.init;

    const nInBag = p.subsample < 1 ? Math.max(1, Math.floor(p.subsample * n)) : n;
    const pool = allRows(n);
    const inBag = new Uint32Array(nInBag);
    const work = new Uint32Array(nInBag);
    const isInBag = nInBag < n ? new Uint8Array(n) : null;
    if (isInBag === null) inBag.set(pool);
    const learningRate = p.learning_rate;
    const huberRank = 100 * p.alpha;
    // Squared error: leaf of each position in the current tree (from the builder) and the leaves' steps.
    const leafOf = huber ? null : new Int32Array(n);
    let leafValue = new Float64Array(64);

    for (let stage = 0; stage < p.n_estimators; stage++) {
      // In-bag positions of this stage, sorted (the classifier's draw).
      if (isInBag !== null) {
        for (let i = 0; i < nInBag; i++) {
          const j = i + rng.nextInt(n - i);
          const tmp = pool[i]!;
          pool[i] = pool[j]!;
          pool[j] = tmp;
        }
        inBag.set(pool.subarray(0, nInBag));
        inBag.sort();
        isInBag.fill(0);
        for (let i = 0; i < nInBag; i++) isInBag[inBag[i]!] = 1;
      }
      let delta = 0;
      if (huber) {
        // δ from every training row (sklearn's set_huber_delta ignores the subsample mask).
        for (let i = 0; i < n; i++) scratch![i] = Math.abs(targets[i]! - raw[i]!);
        delta = selectKth(scratch!, n, invertedCdfIndex(huberRank, n));
        for (let i = 0; i < n; i++) {
          const d = targets[i]! - raw[i]!;
          gradient[i] = d > delta ? delta : d < -delta ? -delta : d;
        }
      }

      work.set(inBag);
      if (!huber) {
        // Squared error: the builder's leaf value is already the mean residual of the in-bag rows, and
        // every row (in-bag and out-of-bag) takes its leaf's step in one pass in position order.
        const root = builder.build(store, { positions: work, count: nInBag, gradient, limits, rng, allPositions: isInBag === null, leafOfPosition: leafOf! });
        const nLeaves = builder.leafCount;
        if (nLeaves > leafValue.length) leafValue = new Float64Array(nLeaves * 2);
        for (let leaf = 0; leaf < nLeaves; leaf++) {
          const node = builder.leafNode[leaf]!;
          const value = learningRate * store.value[node]!;
          store.value[node] = value;
          leafValue[leaf] = value;
        }
        if (isInBag !== null) builder.numberOutOfBag(store, root, isInBag, leafOf!);
        for (let i = 0; i < n; i++) {
          const value = leafValue[leafOf![i]!]!;
          raw[i] = raw[i]! + value;
          gradient[i] = gradient[i]! - value;
        }
        continue;
      }
      // Huber: each leaf's step is a median over its segment's rows (the segments keep their rows).
      const root = builder.build(store, { positions: work, count: nInBag, gradient, limits, rng, allPositions: isInBag === null });
      for (let leaf = 0; leaf < builder.leafCount; leaf++) {
        const node = builder.leafNode[leaf]!;
        const start = builder.leafStart[leaf]!;
        const end = builder.leafEnd[leaf]!;
        const value = learningRate * huberLeafStep(work, start, end, targets, raw, delta, scratch!);
        store.value[node] = value;
        for (let j = start; j < end; j++) {
          const i = work[j]!;
          raw[i] = raw[i]! + value;
        }
      }
      if (isInBag !== null) {
        for (let i = 0; i < n; i++) {
          if (isInBag[i] === 1) continue;
          raw[i] = raw[i]! + store.value[builder.leafOf(store, root, i)]!;
        }
      }
    }
    this.nodes = store;
  }

  predict(X: FeatureMatrix, rows?: Uint32Array, out?: Float64Array): Float64Array {
    const store = this.fitted();
    if (X.columns.length < store.nFeatures) {
      throw new InvalidInputError('INVALID_ARGUMENT', `matrix has ${X.columns.length} features, the model was fitted on ${store.nFeatures}`);
    }
    const n = rows ? rows.length : X.nRows;
    const result = out ?? new Float64Array(n);
    if (result.length !== n) throw new InvalidInputError('INVALID_ARGUMENT', `output buffer has length ${result.length}, expected ${n}`);
    result.fill(this.init);
    const value = store.value;
    const columns = X.columns;
    const nTrees = store.roots.length;
    for (let t = 0; t < nTrees; t++) {
      const root = store.roots[t]!;
      if (rows) for (let i = 0; i < n; i++) result[i] = result[i]! + value[store.findLeaf(root, columns, rows[i]!)]!;
      else for (let i = 0; i < n; i++) result[i] = result[i]! + value[store.findLeaf(root, columns, i)]!;
    }
    return result;
  }

  /** The initial prediction (mean or median of the training targets). */
  get initialPrediction(): number {
    return this.init;
  }

  /** Total number of nodes over all trees. */
  get nodeCount(): number {
    return this.fitted().size;
  }

  /** Node arrays of all trees, in stage order. */
  get tree(): NodeStore {
    return this.fitted();
  }

  toJSON(): SerializedRegressor {
    return { name: MODEL_NAME, version: FORMAT_VERSION, task: 'regression', params: { ...this.params }, init: this.init, ...this.fitted().toJSON() };
  }

  /** @throws InvalidInputError INVALID_ARTIFACT when the state is malformed. */
  static fromJSON(json: unknown): GradientBoostingRegressor {
    const state = parseModelArtifact(SerializedGradientBoostingRegressorSchema, json, MODEL_NAME);
    const model = constructFromArtifact(MODEL_NAME, () => new GradientBoostingRegressor(state.params));
    model.init = state.init;
    model.nodes = NodeStore.fromJSON(state, 1);
    return model;
  }

  private fitted(): NodeStore {
    if (this.nodes === null) throw new InvalidInputError('INVALID_ARGUMENT', 'gradient_boosting is not fitted; call fit first');
    return this.nodes;
  }
}

/**
 * Huber line search of one leaf (positions work[start..end)): median m of the raw residuals
 * r = y − F (inverted-CDF, sklearn's unit-weight `_weighted_percentile`), plus the mean of
 * sign(r − m)·min(δ, |r − m|).
 */
function huberLeafStep(work: Uint32Array, start: number, end: number, targets: Float64Array, raw: Float64Array, delta: number, scratch: Float64Array): number {
  const m = end - start;
  for (let j = 0; j < m; j++) {
    const i = work[start + j]!;
    scratch[j] = targets[i]! - raw[i]!;
  }
  const median = selectKth(scratch, m, invertedCdfIndex(50, m));
  let sum = 0;
  for (let j = 0; j < m; j++) {
    const d = scratch[j]! - median;
    sum += d > delta ? delta : d < -delta ? -delta : d;
  }
  return median + sum / m;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** numpy's `percentile(values, 50)` (linear interpolation: the mean of the two middle values when even). */
function numpyMedian(values: Float64Array, scratch: Float64Array): number {
  const n = values.length;
  scratch.set(values);
  const upper = selectKth(scratch, n, n >> 1);
  if (n % 2 === 1) return upper;
  // After selection every value left of n/2 is ≤ upper: the lower middle is their maximum.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n >> 1; i++) if (scratch[i]! > lower) lower = scratch[i]!;
  // numpy's _lerp at t = 0.5: b − (b − a)·(1 − t).
  return upper - (upper - lower) * 0.5;
}
