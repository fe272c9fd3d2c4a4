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
export const ModelNameSchema = z.enum(MODEL_NAMES as [ModelName, ...ModelName[]]);

export type LogisticRegressionParams = z.infer<typeof LogisticRegressionParamsSchema>;
export type DecisionTreeParams = z.infer<typeof DecisionTreeParamsSchema>;
export type RandomForestParams = z.infer<typeof RandomForestParamsSchema>;
export type GradientBoostingParams = z.infer<typeof GradientBoostingParamsSchema>;
export type ModelParams = {
  [K in ModelName]: z.infer<(typeof MODEL_PARAM_SCHEMAS)[K]>;
};
