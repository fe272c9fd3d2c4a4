/**
 * CART decision tree classifier (scikit-learn's `DecisionTreeClassifier`), grown on histogram-binned
 * features (≤ `max_bins` candidate thresholds per feature; lossless when a feature has at most that
 * many distinct values). Leaves hold weighted class fractions, as sklearn's `predict_proba`.
 * It is the one-tree, no-bootstrap configuration of {@link ForestClassifier}.
 */
import { DecisionTreeParamsSchema, type DecisionTreeParams } from '../../../schemas/model-params.schema.js';
import { constructFromArtifact, parseModelArtifact } from '../model-artifact.js';
import { parseModelParams } from '../parse-model-params.js';
import { ForestClassifier, serializedForestSchema, type ForestGrowth } from './forest-classifier.js';

const MODEL_NAME = 'decision_tree';

const SerializedDecisionTreeSchema = serializedForestSchema(MODEL_NAME);

/** Decision tree classifier (registry name `decision_tree`). */
export class DecisionTreeClassifier extends ForestClassifier<DecisionTreeParams> {
  /**
   * @param params hyperparameters, parsed with {@link DecisionTreeParamsSchema} (sklearn defaults).
   * @param seed used when `random_state` is null (default 0). Only matters with `max_features` < p.
   * @throws InvalidInputError INVALID_MODEL on bad params.
   */
  constructor(params: unknown = {}, seed?: number) {
    super(MODEL_NAME, parseModelParams(DecisionTreeParamsSchema, params, MODEL_NAME), seed);
  }

  protected growth(): ForestGrowth {
    return { nTrees: 1, bootstrap: false };
  }

  /** @throws InvalidInputError INVALID_ARTIFACT when the state is malformed or holds more than one tree. */
  static fromJSON(json: unknown): DecisionTreeClassifier {
    const state = parseModelArtifact(SerializedDecisionTreeSchema, json, MODEL_NAME);
    const model = constructFromArtifact(MODEL_NAME, () => new DecisionTreeClassifier(state.params));
    model.restore(state, 1);
    return model;
  }
}
