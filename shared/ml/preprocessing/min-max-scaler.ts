/**
 * scikit-learn 1.2's MinMaxScaler: x·scale + min maps the fit rows' [data_min, data_max] onto
 * `featureRange` (default [0, 1]); values outside the fitted range map outside it (clip=False).
 * NaN cells are ignored in fit and stay NaN in transform. A constant column (range below 10·eps) gets
 * scale range/1 as `_handle_zeros_in_scale` does; a column with no observed value is left unchanged.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../errors/index.js';
import type { FeatureMatrix } from '../dataset/dataset.js';
import {
  checkTransformInput,
  FLOAT64_EPS,
  outputColumns,
  parseSerialized,
  statisticFromJSON,
  statisticsAlign,
  statisticToJSON,
  type SerializedTransformer,
  type Transformer,
} from './transformer.js';

const SERIAL_VERSION = 1;

const FeatureRangeSchema = z.tuple([z.number().finite(), z.number().finite()]).refine(([lo, hi]) => lo < hi, {
  message: 'feature_range minimum must be smaller than its maximum',
});

export const SerializedMinMaxScalerSchema = z
  .strictObject({
    name: z.literal('min_max_scaler'),
    version: z.literal(SERIAL_VERSION),
    featureRange: FeatureRangeSchema,
    scale: z.array(z.number().finite()).nullable(),
    min: z.array(z.number().finite()).nullable(),
  })
  .refine((s) => statisticsAlign(s.scale, s.min), {
    message: 'scale and min must both be null or have the same length',
  });

export class MinMaxScaler implements Transformer {
  readonly name = 'min_max_scaler';
  readonly featureRange: readonly [number, number];
  /** Per-column multiplier (`scale_`); null until fitted. */
  scale: Float64Array | null = null;
  /** Per-column offset added after scaling (`min_`). */
  min: Float64Array | null = null;

  constructor(featureRange: readonly [number, number] = [0, 1]) {
    const parsed = FeatureRangeSchema.safeParse(featureRange);
    if (!parsed.success) {
      throw new InvalidInputError('INVALID_SPEC', `invalid feature_range [${featureRange.join(', ')}]: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    this.featureRange = parsed.data;
  }

  fit(X: FeatureMatrix, rows?: Uint32Array): void {
    const nColumns = X.columns.length;
    const [low, high] = this.featureRange;
    const scale = new Float64Array(nColumns);
    const min = new Float64Array(nColumns);
    const nSelected = rows === undefined ? X.nRows : rows.length;
    for (let c = 0; c < nColumns; c++) {
      const column = X.columns[c]!;
      let dataMin = Number.POSITIVE_INFINITY;
      let dataMax = Number.NEGATIVE_INFINITY;
      for (let r = 0; r < nSelected; r++) {
        const v = column[rows === undefined ? r : rows[r]!]!;
        if (v < dataMin) dataMin = v;
        if (v > dataMax) dataMax = v;
      }
      if (dataMin > dataMax) {
        scale[c] = 1;
        min[c] = 0;
        continue;
      }
      let range = dataMax - dataMin;
      if (range < 10 * FLOAT64_EPS) range = 1;
      scale[c] = (high - low) / range;
      min[c] = low - dataMin * scale[c]!;
    }
    this.scale = scale;
    this.min = min;
  }

  transform(X: FeatureMatrix, out?: Float64Array[]): FeatureMatrix {
    const scale = checkTransformInput(this.name, this.scale, X);
    const min = this.min!;
    const columns = outputColumns(X, out);
    for (let c = 0; c < columns.length; c++) {
      const source = X.columns[c]!;
      const target = columns[c]!;
      const s = scale[c]!;
      const m = min[c]!;
      for (let i = 0; i < source.length; i++) target[i] = source[i]! * s + m;
    }
    return { nRows: X.nRows, columns };
  }

  toJSON(): SerializedTransformer {
    return {
      name: this.name,
      version: SERIAL_VERSION,
      featureRange: [this.featureRange[0], this.featureRange[1]],
      scale: statisticToJSON(this.scale),
      min: statisticToJSON(this.min),
    };
  }

  /** @throws InvalidInputError `INVALID_ARTIFACT` when `json` is not a serialized MinMaxScaler. */
  static fromJSON(json: unknown): MinMaxScaler {
    const data = parseSerialized(SerializedMinMaxScalerSchema, json, 'serialized min_max_scaler');
    const scaler = new MinMaxScaler(data.featureRange);
    scaler.scale = statisticFromJSON(data.scale);
    scaler.min = statisticFromJSON(data.min);
    return scaler;
  }
}
