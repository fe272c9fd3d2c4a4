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
// can mean one estimator per task (tree regressors will reuse `random_forest` & co.).

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

export const REGRESSOR_PARAM_SCHEMAS = {
  linear_regression: LinearRegressionParamsSchema,
  ridge: RidgeParamsSchema,
} as const;

export type RegressorName = keyof typeof REGRESSOR_PARAM_SCHEMAS;
export const REGRESSOR_NAMES = Object.keys(REGRESSOR_PARAM_SCHEMAS) as RegressorName[];

export type LinearRegressionParams = z.infer<typeof LinearRegressionParamsSchema>;
export type RidgeParams = z.infer<typeof RidgeParamsSchema>;

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
