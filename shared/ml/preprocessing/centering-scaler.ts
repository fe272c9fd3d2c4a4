/**
 * What the centring scalers (StandardScaler, RobustScaler) share: per-column statistics `center` and
 * `scale`, the transform z = (x − center) / scale, and their serialized form. Each scaler says how
 * it fits the two statistics and what scikit-learn calls the center (`mean_`, `center_`).
 */
import { z } from 'zod';
import type { FeatureMatrix } from '../dataset/dataset.js';
import {
  checkTransformInput,
  outputColumns,
  statisticFromJSON,
  statisticsAlign,
  statisticToJSON,
  type SerializedTransformer,
  type Transformer,
} from './transformer.js';

const SERIAL_VERSION = 1;

/** The serialized form of a centring scaler named `name` whose center is stored as `centerKey`. */
export function centeringScalerSchema<N extends string, K extends string>(name: N, centerKey: K) {
  return z
    .strictObject({
      name: z.literal(name),
      version: z.literal(SERIAL_VERSION),
      scale: z.array(z.number().finite().positive()).nullable(),
      ...({ [centerKey]: z.array(z.number().finite()).nullable() } as Record<K, z.ZodNullable<z.ZodArray<z.ZodNumber>>>),
    })
    .refine(
      (s) => {
        const statistics = s as Record<K | 'scale', number[] | null>;
        return statisticsAlign(statistics[centerKey], statistics.scale);
      },
      {
        message: `${centerKey} and scale must both be null or have the same length`,
      },
    );
}

export abstract class CenteringScaler implements Transformer {
  abstract readonly name: string;
  /** Key of the center in the serialized form (scikit-learn's attribute name without the underscore). */
  protected abstract readonly centerKey: string;
  /** Per-column center; null until fitted. */
  protected centerValues: Float64Array | null = null;
  /** Per-column scale, 1 where scikit-learn's `_handle_zeros_in_scale` would make it 1; null until fitted. */
  scale: Float64Array | null = null;

  /** The fit statistics of every column over `rows` (all rows when undefined). */
  protected abstract fitStatistics(X: FeatureMatrix, rows: Uint32Array | undefined): { center: Float64Array; scale: Float64Array };

  fit(X: FeatureMatrix, rows?: Uint32Array): void {
    const { center, scale } = this.fitStatistics(X, rows);
    this.centerValues = center;
    this.scale = scale;
  }

  /**
   * Maps every row of X to (x − center[c]) / scale[c]; NaN stays NaN. It divides rather than
   * multiplying by a reciprocal so results match scikit-learn's bit for bit.
   */
  transform(X: FeatureMatrix, out?: Float64Array[]): FeatureMatrix {
    const center = checkTransformInput(this.name, this.centerValues, X);
    const scale = this.scale!;
    const columns = outputColumns(X, out);
    for (let c = 0; c < columns.length; c++) {
      const source = X.columns[c]!;
      const target = columns[c]!;
      const m = center[c]!;
      const s = scale[c]!;
      for (let i = 0; i < source.length; i++) target[i] = (source[i]! - m) / s;
    }
    return { nRows: X.nRows, columns };
  }

  toJSON(): SerializedTransformer {
    return { name: this.name, version: SERIAL_VERSION, [this.centerKey]: statisticToJSON(this.centerValues), scale: statisticToJSON(this.scale) };
  }

  /** Restores the statistics of a parsed serialized form (see {@link centeringScalerSchema}). */
  protected restore(center: readonly number[] | null, scale: readonly number[] | null): this {
    this.centerValues = statisticFromJSON(center);
    this.scale = statisticFromJSON(scale);
    return this;
  }
}
