/**
 * CART decision tree regressor (scikit-learn's `DecisionTreeRegressor`, criterion squared_error),
 * grown on histogram-binned features (≤ `max_bins` candidate thresholds per feature; lossless when a
 * feature has at most that many distinct values). Splits maximise the variance reduction; a leaf holds
 * the mean target of its rows. It is the one-tree, no-bootstrap configuration of {@link ForestRegressor}.
 */
import { DecisionTreeRegressorParamsSchema, type DecisionTreeRegressorParams } from '../../../schemas/model-params.schema.js';
import { constructFromArtifact, parseModelArtifact } from '../model-artifact.js';
import { parseModelParams } from '../parse-model-params.js';
import type { ForestGrowth } from './forest-classifier.js';
import { ForestRegressor, serializedRegressionForestSchema } from './forest-regressor.js';

const MODEL_NAME = 'decision_tree';

const SerializedDecisionTreeRegressorSchema = serializedRegressionForestSchema(MODEL_NAME);

/** Decision tree regressor (registry name `decision_tree`, task regression). */
export class DecisionTreeRegressor extends ForestRegressor<DecisionTreeRegressorParams> {
  /**
   * @param params hyperparameters, parsed with {@link DecisionTreeRegressorParamsSchema} (sklearn defaults).
   * @param seed used when `random_state` is null (default 0). Only matters with `max_features` < p.
   * @throws InvalidInputError INVALID_MODEL on bad params.
   */
  constructor(params: unknown = {}, seed?: number) {
    super(MODEL_NAME, parseModelParams(DecisionTreeRegressorParamsSchema, params, MODEL_NAME), seed);
  }

  protected growth(): ForestGrowth {
    return { nTrees: 1, bootstrap: false };
  }

  /** @throws InvalidInputError INVALID_ARTIFACT when the state is malformed or holds more than one tree. */
  static fromJSON(json: unknown): DecisionTreeRegressor {
    const state = parseModelArtifact(SerializedDecisionTreeRegressorSchema, json, MODEL_NAME);
    const model = constructFromArtifact(MODEL_NAME, () => new DecisionTreeRegressor(state.params));
    model.restore(state, 1);
    return model;
  }
}
