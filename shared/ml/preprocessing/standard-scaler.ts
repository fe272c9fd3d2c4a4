/**
 * scikit-learn 1.2's StandardScaler (with_mean, with_std): z = (x − mean) / scale with the population
 * standard deviation as scale. NaN cells are ignored in fit and stay NaN in transform.
 *
 * Mean and variance use scikit-learn's `_incremental_mean_and_var` arithmetic for a first fit (sum,
 * then the corrected two-pass variance of Chan, Golub & LeVeque), and near-constant features get
 * scale 1 exactly as `_is_constant_feature` + `_handle_zeros_in_scale` decide.
 * A column with no observed value gets mean 0 and scale 1 (scikit-learn would produce NaN).
 */
import type { FeatureMatrix } from '../dataset/dataset.js';
import { centeringScalerSchema, CenteringScaler } from './centering-scaler.js';
import { FLOAT64_EPS, parseSerialized } from './transformer.js';

export const SerializedStandardScalerSchema = centeringScalerSchema('standard_scaler', 'mean');

export class StandardScaler extends CenteringScaler {
  readonly name = 'standard_scaler';
  protected readonly centerKey = 'mean';
  /** Per-column mean (`mean_`); null until fitted. `scale` is the population std, 1 for (near-)constant columns. */
  get mean(): Float64Array | null {
    return this.centerValues;
  }

  protected fitStatistics(X: FeatureMatrix, rows: Uint32Array | undefined): { center: Float64Array; scale: Float64Array } {
    const nColumns = X.columns.length;
    const mean = new Float64Array(nColumns);
    const scale = new Float64Array(nColumns);
    const nSelected = rows === undefined ? X.nRows : rows.length;
    for (let c = 0; c < nColumns; c++) {
      const column = X.columns[c]!;
      const { sum, count } = rows === undefined ? presentSum(column, nSelected) : presentSumOfRows(column, rows);
      if (count === 0) {
        mean[c] = 0;
        scale[c] = 1;
        continue;
      }
      const m = sum / count;
      const { correction, squares } = rows === undefined ? deviations(column, nSelected, m) : deviationsOfRows(column, rows, m);
      const variance = (squares - (correction * correction) / count) / count;
      mean[c] = m;
      // _is_constant_feature: the variance is within the rounding error bound of the 2-pass algorithm.
      const bound = count * FLOAT64_EPS * variance + (count * m * FLOAT64_EPS) ** 2;
      scale[c] = variance <= bound ? 1 : Math.sqrt(variance);
    }
    return { center: mean, scale };
  }

  /** @throws InvalidInputError `INVALID_ARTIFACT` when `json` is not a serialized StandardScaler. */
  static fromJSON(json: unknown): StandardScaler {
    const data = parseSerialized(SerializedStandardScalerSchema, json, 'serialized standard_scaler');
    return new StandardScaler().restore(data.mean, data.scale);
  }
}

// The four loops below are the scaler's fit, split by whether rows are selected: one loop body per
// case keeps the row indirection and its branch out of the all-rows passes (the refit's).

/** Sum and count of the non-NaN values of column[0..n). */
function presentSum(column: Float64Array, n: number): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let r = 0; r < n; r++) {
    const v = column[r]!;
    if (v === v) {
      sum += v;
      count++;
    }
  }
  return { sum, count };
}

function presentSumOfRows(column: Float64Array, rows: Uint32Array): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let r = 0; r < rows.length; r++) {
    const v = column[rows[r]!]!;
    if (v === v) {
      sum += v;
      count++;
    }
  }
  return { sum, count };
}

/** Σ (v − m) and Σ (v − m)² over the non-NaN values of column[0..n), in row order (scikit-learn's arithmetic). */
function deviations(column: Float64Array, n: number, m: number): { correction: number; squares: number } {
  let correction = 0;
  let squares = 0;
  for (let r = 0; r < n; r++) {
    const v = column[r]!;
    if (v === v) {
      const d = v - m;
      correction += d;
      squares += d * d;
    }
  }
  return { correction, squares };
}

function deviationsOfRows(column: Float64Array, rows: Uint32Array, m: number): { correction: number; squares: number } {
  let correction = 0;
  let squares = 0;
  for (let r = 0; r < rows.length; r++) {
    const v = column[rows[r]!]!;
    if (v === v) {
      const d = v - m;
      correction += d;
      squares += d * d;
    }
  }
  return { correction, squares };
}
