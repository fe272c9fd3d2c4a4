/**
 * The preprocessing part of a pipeline (imputer → scaler), as written in sweep files and stored with
 * every trial. The model part is `{ model, params }`, see model-params.schema.ts.
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

export const PipelineSpecSchema = z.strictObject({
  imputer: ImputerSpecSchema.nullable().default(null),
  scaler: ScalerNameSchema.nullable().default(null),
});

export type ImputerSpec = z.infer<typeof ImputerSpecSchema>;
export type ScalerName = z.infer<typeof ScalerNameSchema>;
export type PipelineSpec = z.infer<typeof PipelineSpecSchema>;
