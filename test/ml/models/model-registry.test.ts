import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepqError } from '../../../shared/errors/index.js';
import { makeClassification } from '../../../shared/ml/dataset/make-classification.js';
import { classifierFromJSON, createClassifier } from '../../../shared/ml/models/model-registry.js';
import { MODEL_NAMES, type ModelName } from '../../../shared/schemas/model-params.schema.js';

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
