import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepqError } from '../../../shared/errors/index.js';
import { makeClassification } from '../../../shared/ml/dataset/make-classification.js';
import { classifierFromJSON, createClassifier, createRegressor, regressorFromJSON } from '../../../shared/ml/models/model-registry.js';
import { resolveMaxFeatures } from '../../../shared/ml/models/tree/tree-limits.js';
import {
  MODEL_NAMES,
  MODEL_NAMES_BY_TASK,
  modelParamSchemaFor,
  REGRESSOR_NAMES,
  REGRESSOR_PARAM_SCHEMAS,
  type ModelName,
  type RegressorName,
} from '../../../shared/schemas/model-params.schema.js';
import { wavyRegression } from './tree/regression-test-data.js';

const data = makeClassification({ n_samples: 120, n_features: 5, n_informative: 3, n_redundant: 1, random_state: 3 });

/** Small but valid params per model, so the round trip stays fast. */
const SMALL_PARAMS: Record<ModelName, Record<string, unknown>> = {
  logistic_regression: { C: 0.5 },
  decision_tree: { max_depth: 4 },
  random_forest: { n_estimators: 5, max_depth: 4 },
  gradient_boosting: { n_estimators: 5 },
};

const isCode = (code: string) => (error: unknown) => error instanceof SweepqError && error.code === code;

describe('createClassifier', () => {
  const BAD_PARAMS: Array<[ModelName, Record<string, unknown>, string]> = [
    ['logistic_regression', { C: 0 }, 'C'],
    ['random_forest', { n_estimators: 0 }, 'n_estimators'],
    ['gradient_boosting', { learning_rate: 'fast' }, 'learning_rate'],
    ['logistic_regression', { solver: 'saga' }, 'solver'],
  ];
  for (const [model, params, name] of BAD_PARAMS) {
    it(`rejects ${model} ${JSON.stringify(params)} with INVALID_MODEL naming ${name}`, () => {
      assert.throws(
        () => createClassifier(model, params, 1),
        (error: unknown) => isCode('INVALID_MODEL')(error) && (error as Error).message.includes(name),
      );
    });
  }

  it('rejects an unknown model name with INVALID_MODEL', () => {
    assert.throws(() => createClassifier('svm' as ModelName, {}, 1), isCode('INVALID_MODEL'));
  });

  it('uses the trial seed when random_state is null and records it in the params', () => {
    const model = createClassifier('logistic_regression', {}, 1234);
    model.fit(data, data.y);
    assert.equal(model.toJSON().params['random_state'], 1234);
  });

  it('keeps an explicit random_state over the trial seed', () => {
    const model = createClassifier('logistic_regression', { random_state: 7 }, 1234);
    model.fit(data, data.y);
    assert.equal(model.toJSON().params['random_state'], 7);
  });
});

describe('classifierFromJSON', () => {
  for (const name of MODEL_NAMES) {
    it(`loads a fitted ${name} that predicts identically`, () => {
      const model = createClassifier(name, SMALL_PARAMS[name], 11);
      model.fit(data, data.y);
      const json = JSON.parse(JSON.stringify(model.toJSON())) as unknown;
      const loaded = classifierFromJSON(json);
      assert.equal(loaded.name, name);
      assert.deepEqual(Array.from(loaded.predictProba(data)), Array.from(model.predictProba(data)));
    });
  }

  const BAD: Array<[string, unknown]> = [
    ['null', null],
    ['no name', { version: 1 }],
    ['unknown name', { name: 'svm', version: 1 }],
  ];
  for (const [label, json] of BAD) {
    it(`rejects ${label} with INVALID_ARTIFACT`, () => {
      assert.throws(() => classifierFromJSON(json), isCode('INVALID_ARTIFACT'));
    });
  }
});

describe("createRegressor (tree regressors under the classifiers' names)", () => {
  const regression = wavyRegression(150, 3);
  const TREE_REGRESSORS = ['decision_tree', 'random_forest', 'gradient_boosting'] as const;
  const SMALL_REGRESSOR_PARAMS: Record<RegressorName, Record<string, unknown>> = {
    linear_regression: {},
    ridge: { alpha: 2 },
    decision_tree: { max_depth: 4 },
    random_forest: { n_estimators: 5, max_depth: 4 },
    gradient_boosting: { n_estimators: 5, loss: 'huber' },
  };

  it('lists the tree models for both tasks', () => {
    for (const name of TREE_REGRESSORS) {
      assert.ok(MODEL_NAMES_BY_TASK.regression.includes(name));
      assert.ok(MODEL_NAMES_BY_TASK.classification.includes(name));
      assert.equal(modelParamSchemaFor('regression', name), REGRESSOR_PARAM_SCHEMAS[name]);
    }
  });

  it("applies each task's scikit-learn defaults", () => {
    const defaults = (task: 'classification' | 'regression', name: string): Record<string, unknown> =>
      modelParamSchemaFor(task, name)!.parse({}) as Record<string, unknown>;
    const forest = { regression: defaults('regression', 'random_forest'), classification: defaults('classification', 'random_forest') };
    // RandomForestRegressor's max_features=1.0 (all features) is stored as null; the classifier's is 'sqrt'.
    assert.equal(forest.regression['max_features'], null);
    assert.equal(resolveMaxFeatures(null, 40), 40);
    assert.equal(forest.classification['max_features'], 'sqrt');
    assert.equal(resolveMaxFeatures('sqrt', 40), 6);
    assert.equal(forest.regression['criterion'], 'squared_error');
    assert.equal(forest.classification['criterion'], 'gini');
    assert.equal(defaults('regression', 'decision_tree')['max_features'], null);
    assert.equal(defaults('classification', 'decision_tree')['max_features'], null);
    const boosting = defaults('regression', 'gradient_boosting');
    assert.deepEqual(
      {
        loss: boosting['loss'],
        alpha: boosting['alpha'],
        learning_rate: boosting['learning_rate'],
        n_estimators: boosting['n_estimators'],
        max_depth: boosting['max_depth'],
        subsample: boosting['subsample'],
      },
      { loss: 'squared_error', alpha: 0.9, learning_rate: 0.1, n_estimators: 100, max_depth: 3, subsample: 1 },
    );
  });

  it('uses the trial seed when random_state is null and records it in the params', () => {
    for (const name of TREE_REGRESSORS) {
      const model = createRegressor(name, SMALL_REGRESSOR_PARAMS[name], 1234);
      model.fit(regression, regression.y);
      assert.equal(model.toJSON().params['random_state'], 1234);
      const explicit = createRegressor(name, { ...SMALL_REGRESSOR_PARAMS[name], random_state: 7 }, 1234);
      explicit.fit(regression, regression.y);
      assert.equal(explicit.toJSON().params['random_state'], 7);
    }
  });

  const REFUSED: Array<[RegressorName, Record<string, unknown>, RegExp]> = [
    ['decision_tree', { criterion: 'absolute_error' }, /criterion "absolute_error" is not supported .*use 'squared_error'/],
    ['random_forest', { criterion: 'poisson' }, /criterion "poisson" is not supported/],
    ['random_forest', { criterion: 'gini' }, /'gini'\/'entropy' are classification criteria/],
    ['gradient_boosting', { loss: 'absolute_error' }, /loss "absolute_error" is not supported .*'squared_error' or 'huber'/],
    ['gradient_boosting', { loss: 'quantile', alpha: 0.5 }, /loss "quantile" is not supported/],
    ['gradient_boosting', { loss: 'log_loss' }, /loss "log_loss" is not supported/],
    ['random_forest', { class_weight: 'balanced' }, /unknown parameter class_weight .*classification parameter.*it takes n_estimators, criterion/],
    ['decision_tree', { splitter: 'random', ccp_alpha: 0.1 }, /unknown parameters splitter, ccp_alpha/],
    ['gradient_boosting', { alpha: 1 }, /alpha/],
  ];
  for (const [model, params, message] of REFUSED) {
    it(`refuses ${model} ${JSON.stringify(params)} with INVALID_MODEL saying why`, () => {
      assert.throws(
        () => createRegressor(model, params, 1),
        (error: unknown) => isCode('INVALID_MODEL')(error) && message.test((error as Error).message),
      );
    });
  }

  for (const name of REGRESSOR_NAMES) {
    it(`loads a fitted ${name} regressor that predicts identically, byte for byte`, () => {
      const model = createRegressor(name, SMALL_REGRESSOR_PARAMS[name], 11);
      model.fit(regression, regression.y);
      const text = JSON.stringify(model.toJSON());
      const loaded = regressorFromJSON(JSON.parse(text) as unknown);
      assert.equal(loaded.name, name);
      assert.equal(JSON.stringify(loaded.toJSON()), text);
      assert.deepEqual(Array.from(loaded.predict(regression)), Array.from(model.predict(regression)));
    });
  }

  it('does not load a classifier artefact of the same name as a regressor', () => {
    const classifier = createClassifier('decision_tree', { max_depth: 2 }, 1);
    classifier.fit(data, data.y);
    assert.throws(() => regressorFromJSON(JSON.parse(JSON.stringify(classifier.toJSON())) as unknown), isCode('INVALID_ARTIFACT'));
  });
});
