/**
 * Model hyperparameters: names, defaults and ranges as in scikit-learn 1.2. Single source of truth for
 * the estimators (which parse their params with these), the sweep validator (which rejects
 * out-of-range values before anything is enqueued) and the artefact loader.
 */
import { z } from 'zod';

const positiveInt = (max: number) => z.number().int().min(1).max(max);
/** `random_state`: a non-negative 32-bit seed or null (then the trial seed is used). */
const randomState = z.number().int().min(0).max(0xffffffff).nullable().default(null);

/** `max_features`: 'sqrt' | 'log2' | int ≥ 1 (count) | float in (0, 1] (fraction) | null (all). */
export const MaxFeaturesSchema = z
  .union([z.enum(['sqrt', 'log2']), z.number().int().min(1).max(1_000_000), z.number().gt(0).lte(1), z.null()])
  .describe("'sqrt', 'log2', an int count ≥ 1, a float fraction in (0, 1], or null for all features");

/** `min_samples_split`: int ≥ 2, or float fraction in (0, 1] of the training rows. */
const minSamplesSplit = z.union([z.number().int().min(2).max(1_000_000), z.number().gt(0).lte(1)]).default(2);
/** `min_samples_leaf`: int ≥ 1, or float fraction in (0, 0.5] of the training rows. */
const minSamplesLeaf = z.union([z.number().int().min(1).max(1_000_000), z.number().gt(0).lte(0.5)]).default(1);
const maxDepth = z.number().int().min(1).max(128).nullable().default(null);
/** Histogram bins per feature for tree learners (sweepq extension; 255 is the Uint8Array limit). */
const maxBins = z.number().int().min(2).max(255).default(255);

export const LogisticRegressionParamsSchema = z.strictObject({
  C: z.number().gt(0).lte(1e12).default(1.0),
  penalty: z.enum(['l2', 'none']).default('l2'),
  fit_intercept: z.boolean().default(true),
  max_iter: positiveInt(1_000_000).default(100),
  tol: z.number().gt(0).lt(1).default(1e-4),
  class_weight: z.enum(['balanced']).nullable().default(null),
  random_state: randomState,
});

export const DecisionTreeParamsSchema = z.strictObject({
  criterion: z.enum(['gini', 'entropy']).default('gini'),
  max_depth: maxDepth,
  max_features: MaxFeaturesSchema.default(null),
  min_samples_split: minSamplesSplit,
  min_samples_leaf: minSamplesLeaf,
  class_weight: z.enum(['balanced']).nullable().default(null),
  random_state: randomState,
  max_bins: maxBins,
});

export const RandomForestParamsSchema = z.strictObject({
  n_estimators: positiveInt(10_000).default(100),
  criterion: z.enum(['gini', 'entropy']).default('gini'),
  max_depth: maxDepth,
  max_features: MaxFeaturesSchema.default('sqrt'),
  min_samples_split: minSamplesSplit,
  min_samples_leaf: minSamplesLeaf,
  bootstrap: z.boolean().default(true),
  class_weight: z.enum(['balanced', 'balanced_subsample']).nullable().default(null),
  random_state: randomState,
  max_bins: maxBins,
});

export const GradientBoostingParamsSchema = z.strictObject({
  n_estimators: positiveInt(100_000).default(100),
  learning_rate: z.number().gt(0).lte(10).default(0.1),
  max_depth: z.number().int().min(1).max(64).nullable().default(3),
  subsample: z.number().gt(0).lte(1).default(1.0),
  min_samples_split: minSamplesSplit,
  min_samples_leaf: minSamplesLeaf,
  max_features: MaxFeaturesSchema.default(null),
  random_state: randomState,
  max_bins: maxBins,
});

export const MODEL_PARAM_SCHEMAS = {
  logistic_regression: LogisticRegressionParamsSchema,
  decision_tree: DecisionTreeParamsSchema,
  random_forest: RandomForestParamsSchema,
  gradient_boosting: GradientBoostingParamsSchema,
} as const;

export type ModelName = keyof typeof MODEL_PARAM_SCHEMAS;
export const MODEL_NAMES = Object.keys(MODEL_PARAM_SCHEMAS) as ModelName[];

export type LogisticRegressionParams = z.infer<typeof LogisticRegressionParamsSchema>;
export type DecisionTreeParams = z.infer<typeof DecisionTreeParamsSchema>;
export type RandomForestParams = z.infer<typeof RandomForestParamsSchema>;
export type GradientBoostingParams = z.infer<typeof GradientBoostingParamsSchema>;

// ---------------------------------------------------------------------------------------------
// Regressors (task: regression). Kept apart from MODEL_PARAM_SCHEMAS (the classifiers) so that a name
// means one estimator per task: `decision_tree`, `random_forest` and `gradient_boosting` are the
// classifiers' names with the regressors' own params and scikit-learn's regressor defaults (issue 9).

export const LinearRegressionParamsSchema = z.strictObject({
  fit_intercept: z.boolean().default(true),
  /** `cond` of scipy.linalg.lstsq: singular values below tol × the largest count as zero (scikit-learn ≥ 1.7). */
  tol: z.number().gt(0).lt(1).default(1e-6),
});

export const RidgeParamsSchema = z.strictObject({
  /** L2 penalty; scikit-learn's default 1.0. */
  alpha: z.number().gt(0).lte(1e12).default(1.0),
  fit_intercept: z.boolean().default(true),
});

/**
 * `criterion` of the regression trees and forest. 'friedman_mse' is accepted as scikit-learn spells
 * it and grows the same trees: within a node both criteria rank a split by wL·wR·(meanL − meanR)².
 * 'absolute_error' and 'poisson' are refused: their splits need per-child medians or log-link
 * deviances, which bin histograms of (count, weight, Σy) cannot give (issue 9).
 */
const regressionCriterion = z.enum(['squared_error', 'friedman_mse'], {
  error: (issue) =>
    `criterion ${JSON.stringify(issue.input)} is not supported by sweepq's regression trees; use 'squared_error' (or 'friedman_mse', the same splits). ` +
    `'absolute_error' and 'poisson' need per-node medians or deviances that histogram trees do not compute; 'gini'/'entropy' are classification criteria`,
});

/**
 * A regressor's params object: unknown keys are refused with the list of the regressor's params, and
 * a classification-only key says so (a sweep switching task keeps e.g. `class_weight` by mistake).
 */
function regressorParams<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const keys = issue.keys;
      const hint = keys.includes('class_weight') ? ' (class_weight is a classification parameter)' : '';
      return `unknown parameter${keys.length > 1 ? 's' : ''} ${keys.join(', ')} for this regressor${hint}; it takes ${known}`;
    },
  });
}

/** `DecisionTreeRegressor`: scikit-learn's defaults (every feature per split, unlimited depth). */
export const DecisionTreeRegressorParamsSchema = regressorParams({
  criterion: regressionCriterion.default('squared_error'),
  max_depth: maxDepth,
  max_features: MaxFeaturesSchema.default(null),
  min_samples_split: minSamplesSplit,
  min_samples_leaf: minSamplesLeaf,
  random_state: randomState,
  max_bins: maxBins,
});

/**
 * `RandomForestRegressor`. Its `max_features` default is scikit-learn's 1.0 (every feature), written
 * as null: in JSON and JavaScript 1.0 is the integer 1, which `max_features` reads as one feature.
 */
export const RandomForestRegressorParamsSchema = regressorParams({
  n_estimators: positiveInt(10_000).default(100),
  criterion: regressionCriterion.default('squared_error'),
  max_depth: maxDepth,
  max_features: MaxFeaturesSchema.default(null),
  min_samples_split: minSamplesSplit,
  min_samples_leaf: minSamplesLeaf,
  bootstrap: z.boolean().default(true),
  random_state: randomState,
  max_bins: maxBins,
});

/**
 * `GradientBoostingRegressor`. Losses: 'squared_error' (init: the mean; leaves: mean residual) and
 * 'huber' (init: the median; per stage δ = the `alpha` quantile of |y − prediction|; leaves: median
 * residual plus the mean clipped deviation from it, as scikit-learn). 'absolute_error' and 'quantile'
 * are refused (not implemented).
 */
export const GradientBoostingRegressorParamsSchema = regressorParams({
  loss: z
    .enum(['squared_error', 'huber'], {
      error: (issue) =>
        `loss ${JSON.stringify(issue.input)} is not supported by sweepq's gradient boosting regressor; use 'squared_error' or 'huber' (with alpha)`,
    })
    .default('squared_error'),
  /** Huber: the quantile of the absolute residuals that sets δ each stage (only read with loss 'huber'). */
  alpha: z.number().gt(0).lt(1).default(0.9),
  // The classifier's stage parameters, with the same defaults as scikit-learn's regressor.
  ...GradientBoostingParamsSchema.shape,
});

export const REGRESSOR_PARAM_SCHEMAS = {
  linear_regression: LinearRegressionParamsSchema,
  ridge: RidgeParamsSchema,
  decision_tree: DecisionTreeRegressorParamsSchema,
  random_forest: RandomForestRegressorParamsSchema,
  gradient_boosting: GradientBoostingRegressorParamsSchema,
} as const;

export type RegressorName = keyof typeof REGRESSOR_PARAM_SCHEMAS;
export const REGRESSOR_NAMES = Object.keys(REGRESSOR_PARAM_SCHEMAS) as RegressorName[];

export type LinearRegressionParams = z.infer<typeof LinearRegressionParamsSchema>;
export type RidgeParams = z.infer<typeof RidgeParamsSchema>;
export type DecisionTreeRegressorParams = z.infer<typeof DecisionTreeRegressorParamsSchema>;
export type RandomForestRegressorParams = z.infer<typeof RandomForestRegressorParamsSchema>;
export type GradientBoostingRegressorParams = z.infer<typeof GradientBoostingRegressorParamsSchema>;

/** Model names valid for each task (the model registry's per-task entries). */
export const MODEL_NAMES_BY_TASK = {
  classification: MODEL_NAMES,
  regression: REGRESSOR_NAMES,
} as const;

/** Every model name of any task (a name may mean one estimator per task). */
export const ANY_MODEL_NAMES: readonly string[] = [...new Set<string>([...MODEL_NAMES, ...REGRESSOR_NAMES])];
export type AnyModelName = ModelName | RegressorName;
export const AnyModelNameSchema = z.enum(ANY_MODEL_NAMES as [AnyModelName, ...AnyModelName[]]);

/** Param schema of `model` for `task`, or undefined when the task has no such model. */
export function modelParamSchemaFor(task: 'classification' | 'regression', model: string): z.ZodType | undefined {
  const table: Record<string, z.ZodType> = task === 'classification' ? MODEL_PARAM_SCHEMAS : REGRESSOR_PARAM_SCHEMAS;
  return Object.prototype.hasOwnProperty.call(table, model) ? table[model] : undefined;
}
