/**
 * The preprocessing part of a pipeline, as written in sweep files and stored with every trial: a
 * scikit-learn ColumnTransformer with a numeric branch (imputer → scaler) and a categorical branch
 * (imputer → one-hot or ordinal encoder). The model part is `{ model, params }`, see
 * model-params.schema.ts.
 *
 * Two forms are accepted:
 * - flat (v1): `{imputer, scaler}` is the numeric branch; text columns get the categorical defaults;
 * - nested: `{numeric: {imputer, scaler}, categorical: {imputer, encoder}}`.
 * `resolvePipelineSpec` (shared/ml/preprocessing) turns either into the nested form.
 */
import { z } from 'zod';

export const ImputerSpecSchema = z
  .strictObject({
    strategy: z.enum(['mean', 'median', 'most_frequent', 'constant']).default('mean'),
    /** Only for strategy `constant`; scikit-learn's default fill for numeric data is 0. */
    fill_value: z.number().finite().default(0),
  })
  .describe('SimpleImputer: replaces NaN with a per-column statistic learned on the training rows');

export const ScalerNameSchema = z.enum(['standard', 'minmax', 'robust', 'none']);

/** The numeric branch: what the flat form means. */
export const NumericBranchSpecSchema = z
  .strictObject({
    imputer: ImputerSpecSchema.nullable().default(null),
    scaler: ScalerNameSchema.nullable().default(null),
  })
  .describe('numeric columns: SimpleImputer (or null) → scaler (or null/none)');

export const CategoricalImputerSpecSchema = z
  .strictObject({
    strategy: z.enum(['most_frequent', 'constant']).default('most_frequent'),
    /** Only for strategy `constant`; scikit-learn's default fill for text data is "missing_value". */
    fill_value: z.string().max(1000).default('missing_value'),
  })
  .describe('SimpleImputer for text columns: the most frequent category (ties → the smallest) or a constant');

/**
 * `min_frequency`: an int ≥ 1 is a count, a float in (0, 1) a fraction of the fit rows; categories seen
 * less often are grouped as infrequent.
 */
const minFrequency = z
  .union([z.number().int().min(1), z.number().gt(0).lt(1)])
  .nullable()
  .default(null)
  .describe('categories seen fewer times (int) or in a smaller fraction of rows (float in (0, 1)) are grouped as infrequent');
/** `max_categories`: at most this many output categories per feature, the infrequent group included. */
const maxCategories = z.number().int().min(1).max(1_000_000).nullable().default(null);

export const OneHotEncoderSpecSchema = z
  .strictObject({
    kind: z.literal('onehot'),
    /**
     * scikit-learn's default is `error`; sweepq defaults to `ignore` because CV folds routinely meet a
     * category their training rows lack.
     */
    handle_unknown: z.enum(['error', 'ignore', 'infrequent_if_exist']).default('ignore'),
    min_frequency: minFrequency,
    max_categories: maxCategories,
    drop: z.enum(['first', 'if_binary']).nullable().default(null),
  })
  .describe('OneHotEncoder: one 0/1 column per category (sorted), infrequent ones grouped as <column>_infrequent_sklearn');

export const OrdinalEncoderSpecSchema = z
  .strictObject({
    kind: z.literal('ordinal'),
    /** scikit-learn's default is `error`; sweepq defaults to `use_encoded_value` (see one-hot). */
    handle_unknown: z.enum(['error', 'use_encoded_value']).default('use_encoded_value'),
    /** Code of an unseen category with `use_encoded_value`: an int outside 0..n-1 (e.g. -1), or null for NaN. */
    unknown_value: z.number().int().min(-1_000_000).max(1_000_000).nullable().default(-1),
    min_frequency: minFrequency,
    max_categories: maxCategories,
  })
  .describe('OrdinalEncoder: one column per feature holding the category index (sorted order)');

export const EncoderSpecSchema = z.discriminatedUnion('kind', [OneHotEncoderSpecSchema, OrdinalEncoderSpecSchema]);

export const CategoricalBranchSpecSchema = z
  .strictObject({
    imputer: CategoricalImputerSpecSchema.nullable().default({ strategy: 'most_frequent', fill_value: 'missing_value' }),
    encoder: EncoderSpecSchema.default({ kind: 'onehot', handle_unknown: 'ignore', min_frequency: null, max_categories: null, drop: null }),
  })
  .describe('text (categorical) columns: imputer (default most_frequent) → encoder (default one-hot, handle_unknown ignore)');

export const PipelineSpecSchema = z
  .strictObject({
    /** Flat form: the numeric branch's imputer. */
    imputer: ImputerSpecSchema.nullable().default(null),
    /** Flat form: the numeric branch's scaler. */
    scaler: ScalerNameSchema.nullable().default(null),
    numeric: NumericBranchSpecSchema.optional(),
    categorical: CategoricalBranchSpecSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.numeric !== undefined && (spec.imputer !== null || spec.scaler !== null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['numeric'],
        message: 'give either the flat form (imputer, scaler) or numeric: {imputer, scaler}, not both',
      });
    }
  });

/** The nested form every consumer works with (see resolvePipelineSpec). */
export const ResolvedPipelineSpecSchema = z.strictObject({
  numeric: NumericBranchSpecSchema,
  categorical: CategoricalBranchSpecSchema,
});

export type ImputerSpec = z.infer<typeof ImputerSpecSchema>;
export type PipelineSpec = z.infer<typeof PipelineSpecSchema>;
export type PipelineSpecInput = z.input<typeof PipelineSpecSchema>;
export type CategoricalImputerSpec = z.infer<typeof CategoricalImputerSpecSchema>;
export type OneHotEncoderSpec = z.infer<typeof OneHotEncoderSpecSchema>;
export type OrdinalEncoderSpec = z.infer<typeof OrdinalEncoderSpecSchema>;
export type ResolvedPipelineSpec = z.infer<typeof ResolvedPipelineSpecSchema>;
