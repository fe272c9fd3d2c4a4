/**
 * What scikit-learn's linear regressors share: centring X and y on the fit rows when fit_intercept
 * (`_preprocess_data`), the intercept `y_mean − x_mean · coef` (`_set_intercept`), and predict.
 */
import { InvalidInputError } from '../../../errors/index.js';
import type { FeatureMatrix } from '../../dataset/dataset.js';

export interface Centred {
  columns: Float64Array[];
  y: Float64Array;
  xMean: Float64Array;
  yMean: number;
}

/** Copies the fit rows of X and y, centred on their means when `center`. */
export function centreRows(X: FeatureMatrix, y: Float64Array, rows: Uint32Array | undefined, center: boolean): Centred {
  const n = rows === undefined ? X.nRows : rows.length;
  if (n === 0) throw new InvalidInputError('INVALID_ARGUMENT', 'cannot fit a linear model on zero rows');
  const p = X.columns.length;
  const xMean = new Float64Array(p);
  const columns: Float64Array[] = new Array<Float64Array>(p);
  for (let j = 0; j < p; j++) {
    const source = X.columns[j]!;
    const copy = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = source[rows === undefined ? i : rows[i]!]!;
      if (v !== v) throw new InvalidInputError('INVALID_ARGUMENT', `linear model: feature ${j} has missing values; add an imputer to the pipeline`);
      copy[i] = v;
      sum += v;
    }
    const mean = center ? sum / n : 0;
    if (center) for (let i = 0; i < n; i++) copy[i] = copy[i]! - mean;
    xMean[j] = mean;
    columns[j] = copy;
  }
  const yc = new Float64Array(n);
  let ySum = 0;
  for (let i = 0; i < n; i++) {
    const v = y[rows === undefined ? i : rows[i]!]!;
    yc[i] = v;
    ySum += v;
  }
  const yMean = center ? ySum / n : 0;
  if (center) for (let i = 0; i < n; i++) yc[i] = yc[i]! - yMean;
  return { columns, y: yc, xMean, yMean };
}

export function interceptOf(coef: Float64Array, xMean: Float64Array, yMean: number): number {
  let dot = 0;
  for (let j = 0; j < coef.length; j++) dot += xMean[j]! * coef[j]!;
  return yMean - dot;
}

export function predictLinear(X: FeatureMatrix, coef: Float64Array, intercept: number, rows?: Uint32Array, out?: Float64Array): Float64Array {
  if (X.columns.length !== coef.length)
    throw new InvalidInputError('INVALID_ARGUMENT', `linear model was fitted on ${coef.length} features but got ${X.columns.length}`);
  const n = rows === undefined ? X.nRows : rows.length;
  const result = out ?? new Float64Array(n);
  result.fill(intercept, 0, n);
  for (let j = 0; j < coef.length; j++) {
    const w = coef[j]!;
    const column = X.columns[j]!;
    if (rows === undefined) for (let i = 0; i < n; i++) result[i] = result[i]! + w * column[i]!;
    else for (let i = 0; i < n; i++) result[i] = result[i]! + w * column[rows[i]!]!;
  }
  return result;
}
