/**
 * The transform of the centring scalers (StandardScaler, RobustScaler): z = (x − center) / scale per
 * column. It divides rather than multiplying by a reciprocal so results match scikit-learn's bit for bit.
 */
import type { FeatureMatrix } from '../dataset/dataset.js';
import { outputColumns } from './transformer.js';

/**
 * Maps every row of X to (x − center[c]) / scale[c]; NaN stays NaN.
 * @param out optional output columns (see {@link Transformer.transform}); may be `X.columns` itself.
 */
export function centerAndScale(X: FeatureMatrix, center: Float64Array, scale: Float64Array, out?: Float64Array[]): FeatureMatrix {
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
