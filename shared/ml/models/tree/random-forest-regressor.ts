/**
 * Random forest regressor (scikit-learn's `RandomForestRegressor`): `n_estimators` CART regression
 * trees, each grown on a bootstrap draw of the rows (draw counts used as row weights, as sklearn does)
 * with `max_features` candidate features per split — every feature by default, scikit-learn's 1.0 for
 * regression. Features are binned once per fit and shared by every tree; `predict` is the mean of the
 * trees' leaf means.
 */
import { RandomForestRegressorParamsSchema, type RandomForestRegressorParams } from '../../../schemas/model-params.schema.js';
import { constructFromArtifact, parseModelArtifact } from '../model-artifact.js';
import { parseModelParams } from '../parse-model-params.js';
import type { ForestGrowth } from './forest-classifier.js';
import { ForestRegressor, serializedRegressionForestSchema } from './forest-regressor.js';

const MODEL_NAME = 'random_forest';

const SerializedRandomForestRegressorSchema = serializedRegressionForestSchema(MODEL_NAME);

/** Random forest regressor (registry name `random_forest`, task regression). */
export class RandomForestRegressor extends ForestRegressor<RandomForestRegressorParams> {
  /**
   * @param params hyperparameters, parsed with {@link RandomForestRegressorParamsSchema} (sklearn defaults).
   * @param seed used when `random_state` is null (default 0); each tree gets its own fork of it.
   * @throws InvalidInputError INVALID_MODEL on bad params.
   */
  constructor(params: unknown = {}, seed?: number) {
    super(MODEL_NAME, parseModelParams(RandomForestRegressorParamsSchema, params, MODEL_NAME), seed);
  }

  protected growth(): ForestGrowth {
    return { nTrees: this.params.n_estimators, bootstrap: this.params.bootstrap };
  }

  /** @throws InvalidInputError INVALID_ARTIFACT when the state is malformed. */
  static fromJSON(json: unknown): RandomForestRegressor {
    const state = parseModelArtifact(SerializedRandomForestRegressorSchema, json, MODEL_NAME);
    const model = constructFromArtifact(MODEL_NAME, () => new RandomForestRegressor(state.params));
    model.restore(state, undefined);
    return model;
  }
}
