/**
 * The regressor shared by the decision tree and the random forest (task: regression). Both are a
 * {@link fitForest} forest — one tree on every row, or `n_estimators` bootstrapped trees —
 * with the same params handling, prediction and artefact layout, so they differ only in how many trees
 * they grow, whether they bootstrap, and how many trees a valid artefact holds.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';
import { allRows, type FeatureMatrix } from '../../dataset/dataset.js';
import type { FitCache } from '../fit-cache.js';
import type { Regressor, SerializedRegressor } from '../regressor.js';
import type { ForestGrowth } from './forest-classifier.js';
import { NodeStore, SerializedNodesSchema } from './node-store.js';
import { fitForest, predictForestMean } from './forest-growth.js';
import { resolveTreeLimits, type TreeLimitParams } from './tree-limits.js';
import { checkTreeRange, type TreeRange } from './tree-range.js';

/** Artefact format version of forest-like regressors (both models' artefacts share one layout). */
const FORMAT_VERSION = 1;

/** Hyperparameters every forest-like regressor has (scikit-learn names). */
export interface RegressionForestParams extends TreeLimitParams {
  criterion: 'squared_error' | 'friedman_mse';
  max_bins: number;
  random_state: number | null;
}

/**
 * zod schema of the artefact of the forest-like regressor `modelName`:
 * `{ name, version, task: 'regression', params, ...node arrays }` (one value per node: the leaf mean).
 */
export function serializedRegressionForestSchema<N extends string>(modelName: N) {
  return SerializedNodesSchema.extend({
    name: z.literal(modelName),
    version: z.literal(FORMAT_VERSION),
    task: z.literal('regression'),
    params: z.unknown(),
  });
}

/** Parsed artefact of a forest-like regressor. */
export type SerializedRegressionForest = z.output<ReturnType<typeof serializedRegressionForestSchema>>;

/** Base of `DecisionTreeRegressor` and `RandomForestRegressor`. */
// `Record<string, unknown>`: the params are copied verbatim into the artefact (see toJSON).
export abstract class ForestRegressor<P extends RegressionForestParams & Record<string, unknown>> implements Regressor {
  /** Registry name, e.g. `random_forest`; also names the model in errors. */
  readonly name: string;
  readonly params: P;
  private readonly seed: number;
  private nodes: NodeStore | null = null;
  private treeRange: TreeRange | undefined;

  /**
   * @param params already parsed hyperparameters.
   * @param seed used when `random_state` is null (default 0).
   */
  protected constructor(name: string, params: P, seed: number | undefined) {
    this.name = name;
    this.params = params;
    this.seed = params.random_state ?? seed ?? 0;
  }

  /** How many trees this model grows and whether it bootstraps their rows. */
  protected abstract growth(): ForestGrowth;

  /**
   * Makes later fits grow only trees [start, end) of the forest, each as in the whole fit (a part of a
   * forest fitted across workers, see tree-range.ts). @throws InvalidInputError on a bad range.
   */
  growOnly(range: TreeRange): void {
    this.treeRange = checkTreeRange(range, this.growth().nTrees);
  }

  /** Fits on `rows` (default all); `cache` carries the sorted feature orders across a trial's fits. */
  fit(X: FeatureMatrix, y: Float64Array, rows?: Uint32Array, cache?: FitCache): void {
    const selected = rows ?? allRows(X.nRows);
    const p = this.params;
    const { nTrees, bootstrap } = this.growth();
    this.nodes = fitForest(
      X,
      { task: 'regression', y },
      selected,
      {
        nTrees,
        bootstrap,
        maxBins: p.max_bins,
        limits: resolveTreeLimits(p, selected.length, X.columns.length),
        ...(this.treeRange === undefined ? {} : { treeRange: this.treeRange }),
      },
      this.seed,
      cache?.columnOrder,
    );
  }

  predict(X: FeatureMatrix, rows?: Uint32Array, out?: Float64Array): Float64Array {
    return predictForestMean(this.fitted(), X, rows, out);
  }

  /** Total number of nodes over all trees (the one tree's, for a decision tree). */
  get nodeCount(): number {
    return this.fitted().size;
  }

  /** Node arrays of all trees (read-only view for tests and inspection). */
  get tree(): NodeStore {
    return this.fitted();
  }

  toJSON(): SerializedRegressor {
    return { name: this.name, version: FORMAT_VERSION, task: 'regression', params: { ...this.params }, ...this.fitted().toJSON() };
  }

  /**
   * Loads the fitted state of a parsed artefact into this (fresh) model; the subclass's `fromJSON` parses.
   * @param expectedTrees tree count a valid artefact must have; undefined accepts any.
   * @throws InvalidInputError INVALID_ARTIFACT when the node arrays are inconsistent.
   */
  protected restore(state: SerializedRegressionForest, expectedTrees: number | undefined): void {
    this.nodes = NodeStore.fromJSON(state, 1, expectedTrees);
  }

  private fitted(): NodeStore {
    if (this.nodes === null) throw new InvalidInputError('INVALID_ARGUMENT', `${this.name} is not fitted; call fit first`);
    return this.nodes;
  }
}
