/**
 * The classifier shared by the decision tree and the random forest. Both are a
 * {@link fitForestStages} forest — one tree on every row, or `n_estimators` bootstrapped trees —
 * with the same params handling, prediction, node access and artefact layout, so they differ only in
 * how many trees they grow, whether they bootstrap, and how many trees a valid artefact holds.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';
import type { FeatureMatrix } from '../../dataset/dataset.js';
import { allRows } from '../../dataset/dataset.js';
import { classCountOf } from '../class-count-of.js';
import { argmaxRows, type Classifier, type SerializedModel } from '../classifier.js';
import type { FitCache } from '../fit-cache.js';
import { fitForestStages, predictForestMean } from './forest-growth.js';
import { NodeStore, SerializedNodesSchema } from './node-store.js';
import { resolveTreeLimits, type TreeLimitParams } from './tree-limits.js';
import { checkTreeRange, type TreeRange } from './tree-range.js';

/** Artefact format version of forest-like classifiers (both models' artefacts share one layout). */
const FORMAT_VERSION = 1;

/** Hyperparameters every forest-like classifier has (scikit-learn names). */
export interface ForestParams extends TreeLimitParams {
  criterion: 'gini' | 'entropy';
  class_weight: 'balanced' | 'balanced_subsample' | null;
  max_bins: number;
  random_state: number | null;
}

/** How a forest-like classifier grows its trees. */
export interface ForestGrowth {
  readonly nTrees: number;
  /** Draw each tree's rows with replacement (see `ForestOptions.bootstrap`). */
  readonly bootstrap: boolean;
}

/**
 * zod schema of the artefact of the forest-like model `modelName`:
 * `{ name, version, params, nClasses, ...node arrays }`.
 */
export function serializedForestSchema<N extends string>(modelName: N) {
  return SerializedNodesSchema.extend({
    name: z.literal(modelName),
    version: z.literal(FORMAT_VERSION),
    params: z.unknown(),
    nClasses: z.number().int().min(1),
  });
}

/** Parsed artefact of a forest-like classifier. */
export type SerializedForest = z.output<ReturnType<typeof serializedForestSchema>>;

/** Base of `DecisionTreeClassifier` and `RandomForestClassifier`. */
// `Record<string, unknown>`: the params are copied verbatim into the artefact (see toJSON).
export abstract class ForestClassifier<P extends ForestParams & Record<string, unknown>> implements Classifier {
  /** Registry name, e.g. `random_forest`; also names the model in errors. */
  readonly name: string;
  readonly params: P;
  /** Number of classes, max(y) + 1 over the whole label array given to fit (at least 2). */
  nClasses = 0;
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

  /** Fits on `rows` (default all). Class count comes from the whole `y` (see {@link classCountOf}). */
  fit(X: FeatureMatrix, y: Int32Array, rows?: Uint32Array, cache?: FitCache): void {
    const stages = this.fitStages(X, y, rows, cache);
    while (stages.next().done !== true);
  }

  /** {@link fit} one tree at a time: after each yield (the trees so far) the model predicts with those trees. */
  *fitStages(X: FeatureMatrix, y: Int32Array, rows?: Uint32Array, cache?: FitCache): Generator<number, void> {
    const selected = rows ?? allRows(X.nRows);
    this.nClasses = classCountOf(y);
    const p = this.params;
    const { nTrees, bootstrap } = this.growth();
    const stages = fitForestStages(
      X,
      { task: 'classification', y, nClasses: this.nClasses, criterion: p.criterion, classWeight: p.class_weight },
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
    for (let next = stages.next(); ; next = stages.next()) {
      this.nodes = next.value;
      if (next.done === true) return;
      yield next.value.roots.length;
    }
  }

  predictProba(X: FeatureMatrix, rows?: Uint32Array, out?: Float64Array): Float64Array {
    return predictForestMean(this.fitted(), X, rows, out);
  }

  predict(X: FeatureMatrix, rows?: Uint32Array): Int32Array {
    return argmaxRows(this.predictProba(X, rows), this.nClasses);
  }

  /** Total number of nodes over all trees (the one tree's, for a decision tree). */
  get nodeCount(): number {
    return this.fitted().size;
  }

  /** Node arrays of all trees (read-only view for tests and inspection). */
  get tree(): NodeStore {
    return this.fitted();
  }

  toJSON(): SerializedModel {
    return { name: this.name, version: FORMAT_VERSION, params: { ...this.params }, nClasses: this.nClasses, ...this.fitted().toJSON() };
  }

  /**
   * Loads the fitted state of a parsed artefact into this (fresh) model; the subclass's `fromJSON` parses.
   * @param expectedTrees tree count a valid artefact must have; undefined accepts any.
   * @throws InvalidInputError INVALID_ARTIFACT when the node arrays are inconsistent.
   */
  protected restore(state: SerializedForest, expectedTrees: number | undefined): void {
    this.nClasses = state.nClasses;
    this.nodes = NodeStore.fromJSON(state, state.nClasses, expectedTrees);
  }

  private fitted(): NodeStore {
    if (this.nodes === null) throw new InvalidInputError('INVALID_ARGUMENT', `${this.name} is not fitted; call fit first`);
    return this.nodes;
  }
}
