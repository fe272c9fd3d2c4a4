/**
 * Random forest classifier (scikit-learn's `RandomForestClassifier`): `n_estimators` CART trees, each
 * grown on a bootstrap draw of the rows (draw counts used as row weights, as sklearn does) with
 * `max_features` candidate features per split. Features are binned once per fit and the binned columns
 * are shared by every tree. `predict_proba` is the mean of the trees' leaf class fractions.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';
import { RandomForestParamsSchema, type RandomForestParams } from '../../../schemas/model-params.schema.js';
import type { FeatureMatrix } from '../../dataset/dataset.js';
import { allRows } from '../../dataset/dataset.js';
import { argmaxRows, type Classifier, type SerializedModel } from '../classifier.js';
import { fitClassificationForest, predictForestProba } from './classification-forest.js';
import { NodeStore, SerializedNodesSchema } from './node-store.js';
import { classCountOf, parseTreeParams } from './parse-tree-params.js';
import { resolveTreeLimits } from './tree-limits.js';

const MODEL_NAME = 'random_forest';
const FORMAT_VERSION = 1;

const SerializedRandomForestSchema = SerializedNodesSchema.extend({
  name: z.literal(MODEL_NAME),
  version: z.literal(FORMAT_VERSION),
  params: z.unknown(),
  nClasses: z.number().int().min(1),
});

/** Random forest classifier (registry name `random_forest`). */
export class RandomForestClassifier implements Classifier {
  readonly name = MODEL_NAME;
  readonly params: RandomForestParams;
  /** Number of classes, max(y) + 1 over the whole label array given to fit (at least 2). */
  nClasses = 0;
  private readonly seed: number;
  private nodes: NodeStore | null = null;

  /**
   * @param params hyperparameters, parsed with {@link RandomForestParamsSchema} (sklearn defaults).
   * @param seed used when `random_state` is null (default 0); each tree gets its own fork of it.
   * @throws InvalidInputError INVALID_MODEL on bad params.
   */
  constructor(params: unknown = {}, seed?: number) {
    this.params = parseTreeParams(RandomForestParamsSchema, params, MODEL_NAME);
    this.seed = this.params.random_state ?? seed ?? 0;
  }

  /** Fits on `rows` (default all). Class count comes from the whole `y` (see {@link classCountOf}). */
  fit(X: FeatureMatrix, y: Int32Array, rows?: Uint32Array): void {
    const selected = rows ?? allRows(X.nRows);
    this.nClasses = classCountOf(y);
    const p = this.params;
    this.nodes = fitClassificationForest(
      X,
      y,
      selected,
      this.nClasses,
      {
        nTrees: p.n_estimators,
        criterion: p.criterion,
        bootstrap: p.bootstrap,
        classWeight: p.class_weight,
        maxBins: p.max_bins,
        limits: resolveTreeLimits(p, selected.length, X.columns.length),
      },
      this.seed,
    );
  }

  predictProba(X: FeatureMatrix, rows?: Uint32Array, out?: Float64Array): Float64Array {
    return predictForestProba(this.fitted(), X, rows, out);
  }

  predict(X: FeatureMatrix, rows?: Uint32Array): Int32Array {
    return argmaxRows(this.predictProba(X, rows), this.nClasses);
  }

  /** Total number of nodes over all trees. */
  get nodeCount(): number {
    return this.fitted().size;
  }

  /** Node arrays of all trees (read-only view for tests and inspection). */
  get tree(): NodeStore {
    return this.fitted();
  }

  toJSON(): SerializedModel {
    return { name: MODEL_NAME, version: FORMAT_VERSION, params: { ...this.params }, nClasses: this.nClasses, ...this.fitted().toJSON() };
  }

  /** @throws InvalidInputError INVALID_ARTIFACT when the state is malformed. */
  static fromJSON(json: unknown): RandomForestClassifier {
    const parsed = SerializedRandomForestSchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidInputError('INVALID_ARTIFACT', `random_forest artefact is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
        details: parsed.error.issues,
      });
    }
    const state = parsed.data;
    let model: RandomForestClassifier;
    try {
      model = new RandomForestClassifier(state.params);
    } catch (error) {
      throw new InvalidInputError('INVALID_ARTIFACT', 'random_forest artefact has invalid params', { cause: error });
    }
    model.nClasses = state.nClasses;
    model.nodes = NodeStore.fromJSON(state, state.nClasses, state.roots.length);
    return model;
  }

  private fitted(): NodeStore {
    if (this.nodes === null) throw new InvalidInputError('INVALID_ARGUMENT', 'random_forest is not fitted; call fit first');
    return this.nodes;
  }
}
