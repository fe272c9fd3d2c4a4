/**
 * The one place that maps a model name to its estimator class: building a classifier from sweep params
 * and loading one back from a saved artefact. Every ModelName must have a case here (the switches are
 * exhaustive, so adding a model to model-params.schema.ts without registering it fails to compile).
 */
import { InvalidInputError } from '../../errors/index.js';
import {
  MODEL_NAMES,
  MODEL_PARAM_SCHEMAS,
  REGRESSOR_NAMES,
  REGRESSOR_PARAM_SCHEMAS,
  type ModelName,
  type RegressorName,
} from '../../schemas/model-params.schema.js';
import type { Classifier } from './classifier.js';
import { parseModelParams } from './parse-model-params.js';
import { LinearRegression } from './linear/linear-regression.js';
import { Ridge } from './linear/ridge.js';
import type { Regressor } from './regressor.js';
import { LogisticRegression } from './logistic-regression.js';
import { DecisionTreeClassifier } from './tree/decision-tree-classifier.js';
import { DecisionTreeRegressor } from './tree/decision-tree-regressor.js';
import { GradientBoostingClassifier } from './tree/gradient-boosting-classifier.js';
import { GradientBoostingRegressor } from './tree/gradient-boosting-regressor.js';
import { RandomForestClassifier } from './tree/random-forest-classifier.js';
import { RandomForestRegressor } from './tree/random-forest-regressor.js';

/**
 * Builds an unfitted classifier.
 *
 * @param model registry name.
 * @param params hyperparameters, validated with `MODEL_PARAM_SCHEMAS[model]` (sklearn defaults fill gaps).
 * @param seed trial seed, used when the params leave `random_state` null. It is written into the
 *   params so the saved artefact records the seed the model actually used.
 * @throws InvalidInputError INVALID_MODEL naming the offending parameter.
 */
export function createClassifier(model: ModelName, params: unknown, seed: number): Classifier {
  if (!isModelName(model)) {
    throw new InvalidInputError('INVALID_MODEL', `unknown model "${String(model)}" (expected one of ${MODEL_NAMES.join(', ')})`);
  }
  const parsed = MODEL_PARAM_SCHEMAS[model].safeParse(params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(params)';
    throw new InvalidInputError('INVALID_MODEL', `${model}: invalid parameter ${path}: ${issue?.message ?? 'invalid value'}`, {
      location: { path: `params.${path}` },
      details: parsed.error.issues,
    });
  }
  const effectiveSeed = parsed.data.random_state ?? seed >>> 0;
  const resolved = { ...parsed.data, random_state: effectiveSeed };
  switch (model) {
    case 'logistic_regression':
      return new LogisticRegression(resolved, effectiveSeed);
    case 'decision_tree':
      return new DecisionTreeClassifier(resolved, effectiveSeed);
    case 'random_forest':
      return new RandomForestClassifier(resolved, effectiveSeed);
    case 'gradient_boosting':
      return new GradientBoostingClassifier(resolved, effectiveSeed);
    default:
      return assertNever(model);
  }
}

/**
 * Loads a fitted classifier saved with `toJSON()`, dispatching on its `name`.
 * @throws InvalidInputError INVALID_ARTIFACT when the name is unknown or the state is malformed.
 */
export function classifierFromJSON(json: unknown): Classifier {
  const name = typeof json === 'object' && json !== null ? (json as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || !isModelName(name)) {
    throw new InvalidInputError(
      'INVALID_ARTIFACT',
      `model artefact has unknown model name ${JSON.stringify(name ?? null)} (expected one of ${MODEL_NAMES.join(', ')})`,
    );
  }
  switch (name) {
    case 'logistic_regression':
      return LogisticRegression.fromJSON(json);
    case 'decision_tree':
      return DecisionTreeClassifier.fromJSON(json);
    case 'random_forest':
      return RandomForestClassifier.fromJSON(json);
    case 'gradient_boosting':
      return GradientBoostingClassifier.fromJSON(json);
    default:
      return assertNever(name);
  }
}

/**
 * Builds an unfitted regressor (task: regression). `decision_tree`, `random_forest` and
 * `gradient_boosting` are the classifiers' names with the regressors' own params and defaults.
 *
 * @param params hyperparameters, validated with `REGRESSOR_PARAM_SCHEMAS[model]` (sklearn defaults fill gaps).
 * @param seed trial seed, used by the tree models when the params leave `random_state` null; it is
 *   written into the params so the saved artefact records the seed the model actually used.
 * @throws InvalidInputError INVALID_MODEL for an unknown name (naming the task's models) or bad params.
 */
export function createRegressor(model: RegressorName, params: unknown, seed: number): Regressor {
  if (!isRegressorName(model)) {
    const hint = isModelName(model) ? ` ("${String(model)}" is a classifier; set task: classification, or pick a regressor)` : '';
    throw new InvalidInputError('INVALID_MODEL', `unknown regression model "${String(model)}" (expected one of ${REGRESSOR_NAMES.join(', ')})${hint}`);
  }
  switch (model) {
    case 'linear_regression':
      return new LinearRegression(params ?? {});
    case 'ridge':
      return new Ridge(params ?? {});
    case 'decision_tree':
      return new DecisionTreeRegressor(withSeed(model, params, seed));
    case 'random_forest':
      return new RandomForestRegressor(withSeed(model, params, seed));
    case 'gradient_boosting':
      return new GradientBoostingRegressor(withSeed(model, params, seed));
    default:
      return assertNever(model);
  }
}

/** Params of a seeded regressor with `random_state` resolved (explicit value, else the trial seed). */
function withSeed(model: 'decision_tree' | 'random_forest' | 'gradient_boosting', params: unknown, seed: number): Record<string, unknown> {
  const parsed = parseModelParams(REGRESSOR_PARAM_SCHEMAS[model], params, model);
  return { ...parsed, random_state: parsed.random_state ?? seed >>> 0 };
}

/**
 * Loads a fitted regressor saved with `toJSON()`.
 * @throws InvalidInputError INVALID_ARTIFACT when the name is unknown or the state is malformed.
 */
export function regressorFromJSON(json: unknown): Regressor {
  const name = typeof json === 'object' && json !== null ? (json as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || !isRegressorName(name)) {
    throw new InvalidInputError(
      'INVALID_ARTIFACT',
      `model artefact has unknown regressor name ${JSON.stringify(name ?? null)} (expected one of ${REGRESSOR_NAMES.join(', ')})`,
    );
  }
  switch (name) {
    case 'linear_regression':
      return LinearRegression.fromJSON(json);
    case 'ridge':
      return Ridge.fromJSON(json);
    case 'decision_tree':
      return DecisionTreeRegressor.fromJSON(json);
    case 'random_forest':
      return RandomForestRegressor.fromJSON(json);
    case 'gradient_boosting':
      return GradientBoostingRegressor.fromJSON(json);
    default:
      return assertNever(name);
  }
}

export function isRegressorName(value: string): value is RegressorName {
  return Object.prototype.hasOwnProperty.call(REGRESSOR_PARAM_SCHEMAS, value);
}

export function isModelName(value: string): value is ModelName {
  return Object.prototype.hasOwnProperty.call(MODEL_PARAM_SCHEMAS, value);
}

function assertNever(value: never): never {
  throw new InvalidInputError('INVALID_MODEL', `unhandled model ${String(value)}`);
}
