/**
 * scikit-learn 1.2's RobustScaler (defaults: centering, scaling, quantile_range (25, 75)):
 * z = (x − median) / (q75 − q25), percentiles by numpy's linear interpolation over the non-NaN fit
 * values. An IQR below 10·eps becomes 1 (`_handle_zeros_in_scale`); a column with no observed value
 * gets center 0 and scale 1 (scikit-learn would produce NaN). NaN stays NaN in transform.
 */
import type { FeatureMatrix } from '../dataset/dataset.js';
import { centeringScalerSchema, CenteringScaler } from './centering-scaler.js';
import { fitScratch, FLOAT64_EPS, gatherPresent, parseSerialized, sortedMedian, sortedPercentile } from './transformer.js';

export const SerializedRobustScalerSchema = centeringScalerSchema('robust_scaler', 'center');

export class RobustScaler extends CenteringScaler {
  readonly name = 'robust_scaler';
  protected readonly centerKey = 'center';
  /** Per-column median (`center_`); null until fitted. `scale` is the interquartile range, 1 where it is (near) zero. */
  get center(): Float64Array | null {
    return this.centerValues;
  }

  protected fitStatistics(X: FeatureMatrix, rows: Uint32Array | undefined): { center: Float64Array; scale: Float64Array } {
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
    return { center, scale };
  }

  /** @throws InvalidInputError `INVALID_ARTIFACT` when `json` is not a serialized RobustScaler. */
  static fromJSON(json: unknown): RobustScaler {
    const data = parseSerialized(SerializedRobustScalerSchema, json, 'serialized robust_scaler');
    return new RobustScaler().restore(data.center, data.scale);
  }
}
