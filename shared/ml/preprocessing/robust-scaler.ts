/**
 * scikit-learn 1.2's RobustScaler (defaults: centering, scaling, quantile_range (25, 75)):
 * z = (x − median) / (q75 − q25), percentiles by numpy's linear interpolation over the non-NaN fit
 * values. An IQR below 10·eps becomes 1 (`_handle_zeros_in_scale`); a column with no observed value
 * gets center 0 and scale 1 (scikit-learn would produce NaN). NaN stays NaN in transform.
 */
import { z } from 'zod';
import type { FeatureMatrix } from '../dataset/dataset.js';
import { centerAndScale } from './center-and-scale.js';
import {
  checkTransformInput,
  fitScratch,
  FLOAT64_EPS,
  gatherPresent,
  parseSerialized,
  sortedMedian,
  sortedPercentile,
  statisticFromJSON,
  statisticsAlign,
  statisticToJSON,
  type SerializedTransformer,
  type Transformer,
} from './transformer.js';

const SERIAL_VERSION = 1;

export const SerializedRobustScalerSchema = z
  .strictObject({
    name: z.literal('robust_scaler'),
    version: z.literal(SERIAL_VERSION),
    center: z.array(z.number().finite()).nullable(),
    scale: z.array(z.number().finite().positive()).nullable(),
  })
  .refine((s) => statisticsAlign(s.center, s.scale), {
    message: 'center and scale must both be null or have the same length',
  });

export class RobustScaler implements Transformer {
  readonly name = 'robust_scaler';
  /** Per-column median (`center_`); null until fitted. */
  center: Float64Array | null = null;
  /** Per-column interquartile range (`scale_`), 1 where it is (near) zero. */
  scale: Float64Array | null = null;

  fit(X: FeatureMatrix, rows?: Uint32Array): void {
    const nColumns = X.columns.length;
    const center = new Float64Array(nColumns);
    const scale = new Float64Array(nColumns);
    const scratch = fitScratch(X, rows);
    for (let c = 0; c < nColumns; c++) {
      const count = gatherPresent(X.columns[c]!, rows, scratch);
      if (count === 0) {
        center[c] = 0;
        scale[c] = 1;
        continue;
      }
      const sorted = scratch.subarray(0, count).sort();
      center[c] = sortedMedian(sorted, count);
      const iqr = sortedPercentile(sorted, count, 75) - sortedPercentile(sorted, count, 25);
      scale[c] = iqr < 10 * FLOAT64_EPS ? 1 : iqr;
    }
    this.center = center;
    this.scale = scale;
  }

  transform(X: FeatureMatrix, out?: Float64Array[]): FeatureMatrix {
    const center = checkTransformInput(this.name, this.center, X);
    return centerAndScale(X, center, this.scale!, out);
  }

  toJSON(): SerializedTransformer {
    return {
      name: this.name,
      version: SERIAL_VERSION,
      center: statisticToJSON(this.center),
      scale: statisticToJSON(this.scale),
    };
  }

  /** @throws InvalidInputError `INVALID_ARTIFACT` when `json` is not a serialized RobustScaler. */
  static fromJSON(json: unknown): RobustScaler {
    const data = parseSerialized(SerializedRobustScalerSchema, json, 'serialized robust_scaler');
    const scaler = new RobustScaler();
    scaler.center = statisticFromJSON(data.center);
    scaler.scale = statisticFromJSON(data.scale);
    return scaler;
  }
}
