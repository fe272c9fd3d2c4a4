/**
 * CART decision tree classifier (scikit-learn's `DecisionTreeClassifier`), grown on histogram-binned
 * features (≤ `max_bins` candidate thresholds per feature; lossless when a feature has at most that
 * many distinct values). Leaves hold weighted class fractions, as sklearn's `predict_proba`.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../errors/index.js';
import { DecisionTreeParamsSchema, type DecisionTreeParams } from '../../../schemas/model-params.schema.js';
import type { FeatureMatrix } from '../../dataset/dataset.js';
import { allRows } from '../../dataset/dataset.js';
import { argmaxRows, type Classifier, type SerializedModel } from '../classifier.js';
import { fitClassificationForest, predictForestProba } from './classification-forest.js';
import { NodeStore, SerializedNodesSchema } from './node-store.js';
import { classCountOf, parseTreeParams } from './parse-tree-params.js';
import { resolveTreeLimits } from './tree-limits.js';

const MODEL_NAME = 'decision_tree';
const FORMAT_VERSION = 1;

const SerializedDecisionTreeSchema = SerializedNodesSchema.extend({
  name: z.literal(MODEL_NAME),
  version: z.literal(FORMAT_VERSION),
  params: z.unknown(),
  nClasses: z.number().int().min(1),
});

/** Decision tree classifier (registry name `decision_tree`). */
export class DecisionTreeClassifier implements Classifier {
  readonly name = MODEL_NAME;
  readonly params: DecisionTreeParams;
  /** Number of classes, max(y) + 1 over the whole label array given to fit (at least 2). */
  nClasses = 0;
  private readonly seed: number;
  private nodes: NodeStore | null = null;

  /**
   * @param params hyperparameters, parsed with {@link DecisionTreeParamsSchema} (sklearn defaults).
   * @param seed used when `random_state` is null (default 0). Only matters with `max_features` < p.
   * @throws InvalidInputError INVALID_MODEL on bad params.
   */
  constructor(params: unknown = {}, seed?: number) {
    this.params = parseTreeParams(DecisionTreeParamsSchema, params, MODEL_NAME);
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
        nTrees: 1,
        criterion: p.criterion,
        bootstrap: false,
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

  /** Number of nodes of the fitted tree. */
  get nodeCount(): number {
    return this.fitted().size;
  }

  /** Node arrays of the fitted tree (read-only view for tests and inspection). */
  get tree(): NodeStore {
    return this.fitted();
  }

  toJSON(): SerializedModel {
    return { name: MODEL_NAME, version: FORMAT_VERSION, params: { ...this.params }, nClasses: this.nClasses, ...this.fitted().toJSON() };
  }

  /** @throws InvalidInputError INVALID_ARTIFACT when the state is malformed. */
  static fromJSON(json: unknown): DecisionTreeClassifier {
    const parsed = SerializedDecisionTreeSchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidInputError('INVALID_ARTIFACT', `decision_tree artefact is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
        details: parsed.error.issues,
      });
    }
    const state = parsed.data;
    let model: DecisionTreeClassifier;
    try {
      model = new DecisionTreeClassifier(state.params);
    } catch (error) {
      throw new InvalidInputError('INVALID_ARTIFACT', 'decision_tree artefact has invalid params', { cause: error });
    }
    model.nClasses = state.nClasses;
    model.nodes = NodeStore.fromJSON(state, state.nClasses, 1);
    return model;
  }

  private fitted(): NodeStore {
    if (this.nodes === null) throw new InvalidInputError('INVALID_ARGUMENT', 'decision_tree is not fitted; call fit first');
    return this.nodes;
  }
}
