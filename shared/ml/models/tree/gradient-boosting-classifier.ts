/**
 * Gradient boosting classifier with log-loss (scikit-learn 1.2's `GradientBoostingClassifier`).
 *
 * - Init: the prior — binary log-odds log(p/(1−p)), multiclass log(p_k) — from the training class
 *   frequencies, clipped to [eps, 1 − eps] with eps = float32 epsilon, as sklearn's `DummyClassifier`
 *   init.
 * - Each stage fits one regression tree per output (one for binary, K for multiclass) to the negative
 *   gradient y − p (multiclass: indicator(y = k) − softmax_k, all K from the stage's starting scores) with
 *   the squared-error split gain (friedman_mse selects the same splits within a node), then replaces
 *   each leaf value by one Newton step over the leaf's in-bag rows (sklearn's `_update_terminal_regions`):
 *     binary      Σr / Σp(1−p)
 *     multiclass  (K−1)/K · Σr / Σp_k(1−p_k)
 *   (0 when the denominator is below 1e-150), shrunk by `learning_rate`. Stored leaf values already
 *   include the learning rate.
 * - `subsample` < 1: each stage draws ⌊subsample·n⌋ rows without replacement (stochastic GB); scores
 *   of every training row are updated, as sklearn does.
 * The regression trees are histogram-based over features binned once per fit.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';
import { GradientBoostingParamsSchema, type GradientBoostingParams } from '../../../schemas/model-params.schema.js';
import type { FeatureMatrix } from '../../dataset/dataset.js';
import { allRows } from '../../dataset/dataset.js';
import { Rng } from '../../random/rng.js';
import { classCountOf } from '../class-count-of.js';
import type { FitCache } from '../fit-cache.js';
import { argmaxRows, type Classifier, type SerializedModel } from '../classifier.js';
import { constructFromArtifact, parseModelArtifact } from '../model-artifact.js';
import { parseModelParams } from '../parse-model-params.js';
import { FeatureBinner } from './binner.js';
import { GradientTreeBuilder } from './gradient-tree-builder.js';
import { NodeStore, SerializedNodesSchema } from './node-store.js';
import { resolveTreeLimits } from './tree-limits.js';

const MODEL_NAME = 'gradient_boosting';
const FORMAT_VERSION = 1;
/** np.finfo(np.float32).eps: sklearn's clip of the prior probabilities. */
const PRIOR_EPS = 1.1920928955078125e-7;
/** sklearn's guard against a vanishing Newton denominator. */
const MIN_DENOMINATOR = 1e-150;

const SerializedGradientBoostingSchema = SerializedNodesSchema.extend({
  name: z.literal(MODEL_NAME),
  version: z.literal(FORMAT_VERSION),
  params: z.unknown(),
  nClasses: z.number().int().min(2),
  /** Initial raw score per output (1 for binary, K for multiclass). */
  init: z.array(z.number()),
});

/** Gradient boosting classifier (registry name `gradient_boosting`). */
export class GradientBoostingClassifier implements Classifier {
  readonly name = MODEL_NAME;
  readonly params: GradientBoostingParams;
  /** Number of classes, max(y) + 1 over the whole label array given to fit (at least 2). */
  nClasses = 0;
  private readonly seed: number;
  private nodes: NodeStore | null = null;
  private init: Float64Array = new Float64Array(0);

  /**
   * @param params hyperparameters, parsed with {@link GradientBoostingParamsSchema} (sklearn defaults).
   * @param seed used when `random_state` is null (default 0): drives subsampling and feature sampling.
   * @throws InvalidInputError INVALID_MODEL on bad params.
   */
  constructor(params: unknown = {}, seed?: number) {
    this.params = parseModelParams(GradientBoostingParamsSchema, params, MODEL_NAME);
    this.seed = this.params.random_state ?? seed ?? 0;
  }

  /** Trees per stage: 1 for binary problems, else one per class. */
  get treesPerStage(): number {
    return this.nClasses === 2 ? 1 : this.nClasses;
  }

  /**
   * Fits on `rows` (default all). Class count comes from the whole `y` (max + 1, at least 2).
   *
   * Everything per row is positional (position i = row `selected[i]`): compact row-major bins of the
   * fitted rows only, scores, probabilities and residuals. After each tree the builder's leaf segments
   * give every in-bag row its leaf, so the Newton sums and the score update read the segments instead
   * of walking the tree again for each row.
   */
  fit(X: FeatureMatrix, y: Int32Array, rows?: Uint32Array, cache?: FitCache): void {
    const stages = this.fitStages(X, y, rows, cache);
    while (stages.next().done !== true);
  }

  /**
   * {@link fit} one boosting stage at a time: after each yield (stages done so far) the model predicts
   * with those stages, so the pruner's rungs need no refit; a full drain is exactly {@link fit}.
   */
  *fitStages(X: FeatureMatrix, y: Int32Array, rows?: Uint32Array, cache?: FitCache): Generator<number, void> {
    const selected = rows ?? allRows(X.nRows);
    const n = selected.length;
    if (n === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'cannot fit gradient boosting on zero rows');
    const p = this.params;
    const K = classCountOf(y);
    this.nClasses = K;
    const T = this.treesPerStage;
    const nFeatures = X.columns.length;

    const binner = new FeatureBinner(p.max_bins);
    const builder = new GradientTreeBuilder(binner.fitBinRows(X, selected, 'both', cache?.columnOrder), binner);
    const store = new NodeStore(1, nFeatures, 1024);
    const limits = resolveTreeLimits(p, n, nFeatures);
    const rng = new Rng(this.seed);

    this.init = priorScores(y, selected, K);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = y[selected[i]!]!;
    // Scores and probabilities, position-major (n × T).
    const raw = new Float64Array(n * T);
    for (let i = 0; i < n; i++) for (let k = 0; k < T; k++) raw[i * T + k] = this.init[k]!;
    // Multiclass probabilities (the binary path keeps what it needs per row, see updateBinaryRow).
    const prob = new Float64Array(T === 1 ? 0 : n * T);
    const residual = new Float64Array(n);
    const nInBag = p.subsample < 1 ? Math.max(1, Math.floor(p.subsample * n)) : n;
    const pool = new Uint32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    const inBag = new Uint32Array(nInBag);
    const work = new Uint32Array(nInBag);
    // Out-of-bag marks of the stage (subsampling only): their scores follow the tree by bins.
    const isInBag = nInBag < n ? new Uint8Array(n) : null;
    const newtonScale = T === 1 ? 1 : (K - 1) / K;
    // Binary problems keep p, the residual y − p and the Newton weight p(1 − p) of every row current as
    // its score changes, in the same pass as the score update (one pass per tree instead of four).
    const binary = T === 1;
    const hessian = binary ? new Float64Array(n) : null;
    // exp(−score) of every position, kept as a running product (see updateBinaryRow).
    const expNegative = binary ? new Float64Array(n) : null;
    if (binary) {
      for (let i = 0; i < n; i++) {
        expNegative![i] = Math.exp(-raw[i]!);
        updateBinaryRow(i, 0, 1, raw, expNegative!, residual, hessian!, labels);
      }
    }
    const learningRate = p.learning_rate;
    // Leaf of each position in the current tree, and the per-leaf Newton sums and values.
    const leafOf = new Int32Array(n);
    let leafNumerator = new Float64Array(64);
    let leafDenominator = new Float64Array(64);
    let leafValue = new Float64Array(64);
    let leafFactor = new Float64Array(64);
    this.nodes = store;

    for (let stage = 0; stage < p.n_estimators; stage++) {
      // In-bag positions of this stage, sorted (the same draw as sklearn's stochastic GB, by position).
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
      } else if (stage === 0) {
        for (let i = 0; i < n; i++) inBag[i] = i;
      }
      if (!binary) computeProbabilities(raw, prob, n, T);

      for (let k = 0; k < T; k++) {
        if (!binary) {
          for (let i = 0; i < n; i++) residual[i] = +(labels[i] === k) - prob[i * T + k]!;
        }
        work.set(inBag);
        const root = builder.build(store, {
          positions: work,
          count: nInBag,
          gradient: residual,
          limits,
          rng,
          allPositions: isInBag === null,
          leafOfPosition: leafOf,
        });
        const nLeaves = builder.leafCount;
        if (nLeaves > leafNumerator.length) {
          leafNumerator = new Float64Array(nLeaves * 2);
          leafDenominator = new Float64Array(nLeaves * 2);
          leafValue = new Float64Array(nLeaves * 2);
          leafFactor = new Float64Array(nLeaves * 2);
        }
        // The builder numbered the in-bag positions' leaves; out-of-bag positions walk the bins.
        if (isInBag !== null) builder.numberOutOfBag(store, root, isInBag, leafOf);
        // Newton step per leaf over its in-bag rows: one pass in position order, where a pass per leaf
        // over its segment would sweep the per-row arrays sparsely once per leaf.
        leafNumerator.fill(0, 0, nLeaves);
        leafDenominator.fill(0, 0, nLeaves);
        for (let i = 0; i < n; i++) {
          if (isInBag !== null && isInBag[i] === 0) continue;
          const leaf = leafOf[i]!;
          leafNumerator[leaf] = leafNumerator[leaf]! + residual[i]!;
          if (binary) leafDenominator[leaf] = leafDenominator[leaf]! + hessian![i]!;
          else {
            const pk = prob[i * T + k]!;
            leafDenominator[leaf] = leafDenominator[leaf]! + pk * (1 - pk);
          }
        }
        for (let leaf = 0; leaf < nLeaves; leaf++) {
          const denominator = leafDenominator[leaf]!;
          const step = Math.abs(denominator) < MIN_DENOMINATOR ? 0 : (newtonScale * leafNumerator[leaf]!) / denominator;
          const value = learningRate * step;
          leafValue[leaf] = value;
          leafFactor[leaf] = Math.exp(-value);
          store.value[builder.leafNode[leaf]!] = value;
        }
        // Score update of every row (in-bag and out-of-bag alike, as sklearn), in position order.
        if (binary) {
          for (let i = 0; i < n; i++) {
            const leaf = leafOf[i]!;
            updateBinaryRow(i, leafValue[leaf]!, leafFactor[leaf]!, raw, expNegative!, residual, hessian!, labels);
          }
        } else {
          for (let i = 0; i < n; i++) raw[i * T + k] = raw[i * T + k]! + leafValue[leafOf[i]!]!;
        }
      }
      yield stage + 1;
    }
  }

  /** Raw scores (log-odds / multinomial logits), row-major n × treesPerStage. */
  decisionFunction(X: FeatureMatrix, rows?: Uint32Array): Float64Array {
    const store = this.fitted();
    if (X.columns.length < store.nFeatures) {
      throw new InvalidInputError('INVALID_ARGUMENT', `matrix has ${X.columns.length} features, the model was fitted on ${store.nFeatures}`);
    }
    const T = this.treesPerStage;
    const n = rows ? rows.length : X.nRows;
    const raw = new Float64Array(n * T);
    for (let i = 0; i < n; i++) for (let k = 0; k < T; k++) raw[i * T + k] = this.init[k]!;
    const nTrees = store.roots.length;
    for (let t = 0; t < nTrees; t++) {
      const root = store.roots[t]!;
      const k = t % T;
      for (let i = 0; i < n; i++) {
        const leaf = store.findLeaf(root, X.columns, rows ? rows[i]! : i);
        raw[i * T + k] = raw[i * T + k]! + store.value[leaf]!;
      }
    }
    return raw;
  }

  predictProba(X: FeatureMatrix, rows?: Uint32Array, out?: Float64Array): Float64Array {
    const raw = this.decisionFunction(X, rows);
    const T = this.treesPerStage;
    const K = this.nClasses;
    const n = raw.length / T;
    const result = out ?? new Float64Array(n * K);
    if (result.length !== n * K) throw new InvalidInputError('INVALID_ARGUMENT', `output buffer has length ${result.length}, expected ${n * K}`);
    if (T === 1) {
      for (let i = 0; i < n; i++) {
        const p1 = 1 / (1 + Math.exp(-raw[i]!));
        result[i * 2] = 1 - p1;
        result[i * 2 + 1] = p1;
      }
    } else {
      computeProbabilities(raw, result, n, K);
    }
    return result;
  }

  predict(X: FeatureMatrix, rows?: Uint32Array): Int32Array {
    return argmaxRows(this.predictProba(X, rows), this.nClasses);
  }

  /** Total number of nodes over all trees. */
  get nodeCount(): number {
    return this.fitted().size;
  }

  /** Node arrays of all trees, stage-major (tree t is stage ⌊t/T⌋, output t mod T). */
  get tree(): NodeStore {
    return this.fitted();
  }

  toJSON(): SerializedModel {
    return {
      name: MODEL_NAME,
      version: FORMAT_VERSION,
      params: { ...this.params },
      nClasses: this.nClasses,
      init: Array.from(this.init),
      ...this.fitted().toJSON(),
    };
  }

  /** @throws InvalidInputError INVALID_ARTIFACT when the state is malformed. */
  static fromJSON(json: unknown): GradientBoostingClassifier {
    const state = parseModelArtifact(SerializedGradientBoostingSchema, json, MODEL_NAME);
    const model = constructFromArtifact(MODEL_NAME, () => new GradientBoostingClassifier(state.params));
    model.nClasses = state.nClasses;
    const T = model.treesPerStage;
    if (state.init.length !== T) {
      throw new InvalidInputError('INVALID_ARTIFACT', `gradient_boosting artefact has ${state.init.length} init scores, expected ${T}`);
    }
    if (state.roots.length % T !== 0) {
      throw new InvalidInputError('INVALID_ARTIFACT', `gradient_boosting artefact has ${state.roots.length} trees, not a multiple of ${T}`);
    }
    model.init = Float64Array.from(state.init);
    model.nodes = NodeStore.fromJSON(state, 1);
    return model;
  }

  private fitted(): NodeStore {
    if (this.nodes === null) throw new InvalidInputError('INVALID_ARGUMENT', 'gradient_boosting is not fitted; call fit first');
    return this.nodes;
  }
}

/**
 * Adds `value` to position i's binary score and refreshes its residual y − p and Newton weight p(1 − p).
 * p = 1 / (1 + exp(−score)) takes exp(−score) as the running product of the leaves' exp(−value)
 * (`factor`, one exp per leaf): a multiply per row and tree where an exp per row cost ~15 ns, a fifth
 * of a 1M-row fit (issue 13). A hundred products drift by ~1e-14 relative: below any real difference
 * between splits, though like any change of rounding it can flip a near-exact tie between two. Far out
 * in the tails, where an over- or underflowed product could not come back, it is recomputed from the
 * score.
 */
function updateBinaryRow(
  i: number,
  value: number,
  factor: number,
  raw: Float64Array,
  expNegative: Float64Array,
  residual: Float64Array,
  hessian: Float64Array,
  labels: Int32Array,
): void {
  const score = raw[i]! + value;
  raw[i] = score;
  let e = expNegative[i]! * factor;
  if (!(e > 1e-280 && e < 1e280)) e = Math.exp(-score);
  expNegative[i] = e;
  const p = 1 / (1 + e);
  residual[i] = +(labels[i] === 1) - p; // +(…): no branch on the label
  hessian[i] = p * (1 - p);
}

/** Prior raw scores: binary log-odds of class 1, multiclass log class frequencies (clipped). */
function priorScores(y: Int32Array, rows: Uint32Array, K: number): Float64Array {
  const counts = new Float64Array(K);
  for (let i = 0; i < rows.length; i++) {
    const c = y[rows[i]!]!;
    counts[c] = counts[c]! + 1;
  }
  const clip = (v: number): number => Math.min(1 - PRIOR_EPS, Math.max(PRIOR_EPS, v));
  if (K === 2) {
    const p1 = clip(counts[1]! / rows.length);
    return Float64Array.of(Math.log(p1 / (1 - p1)));
  }
  const init = new Float64Array(K);
  for (let k = 0; k < K; k++) init[k] = Math.log(clip(counts[k]! / rows.length));
  return init;
}

/** Sigmoid (T = 1) or softmax (T = K) of row-major raw scores into `out` (n × T). */
function computeProbabilities(raw: Float64Array, out: Float64Array, n: number, T: number): void {
  if (T === 1) {
    for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-raw[i]!));
    return;
  }
  for (let i = 0; i < n; i++) {
    const base = i * T;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < T; k++) if (raw[base + k]! > max) max = raw[base + k]!;
    let sum = 0;
    for (let k = 0; k < T; k++) {
      const e = Math.exp(raw[base + k]! - max);
      out[base + k] = e;
      sum += e;
    }
    for (let k = 0; k < T; k++) out[base + k] = out[base + k]! / sum;
  }
}
