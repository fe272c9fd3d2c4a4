/**
 * Random forest classifier (scikit-learn's `RandomForestClassifier`): `n_estimators` CART trees, each
 * grown on a bootstrap draw of the rows (draw counts used as row weights, as sklearn does) with
 * `max_features` candidate features per split. Features are binned once per fit and the binned columns
 * are shared by every tree. `predict_proba` is the mean of the trees' leaf class fractions.
 */
import { RandomForestParamsSchema, type RandomForestParams } from '../../../schemas/model-params.schema.js';
import { constructFromArtifact, parseModelArtifact } from '../model-artifact.js';
import { parseModelParams } from '../parse-model-params.js';
import { ForestClassifier, serializedForestSchema, type ForestGrowth } from './forest-classifier.js';

const MODEL_NAME = 'random_forest';

const SerializedRandomForestSchema = serializedForestSchema(MODEL_NAME);

/** Random forest classifier (registry name `random_forest`). */
export class RandomForestClassifier extends ForestClassifier<RandomForestParams> {
  /**
   * @param params hyperparameters, parsed with {@link RandomForestParamsSchema} (sklearn defaults).
   * @param seed used when `random_state` is null (default 0); each tree gets its own fork of it.
   * @throws InvalidInputError INVALID_MODEL on bad params.
   */
  constructor(params: unknown = {}, seed?: number) {
    super(MODEL_NAME, parseModelParams(RandomForestParamsSchema, params, MODEL_NAME), seed);
  }

  protected growth(): ForestGrowth {
    return { nTrees: this.params.n_estimators, bootstrap: this.params.bootstrap };
  }

  /** @throws InvalidInputError INVALID_ARTIFACT when the state is malformed. */
  static fromJSON(json: unknown): RandomForestClassifier {
    const state = parseModelArtifact(SerializedRandomForestSchema, json, MODEL_NAME);
    const model = constructFromArtifact(MODEL_NAME, () => new RandomForestClassifier(state.params));
    model.restore(state, undefined);
    return model;
  }
}
