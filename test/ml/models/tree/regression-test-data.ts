/** Small regression datasets shared by the tree regressor tests. */
import type { FeatureMatrix } from '../../../../shared/ml/dataset/dataset.js';
import { Rng } from '../../../../shared/ml/random/rng.js';

/**
 * y = 3·sin(a) + b² − c·d + noise over four uniform features, plus one pure-noise feature, with a few
 * missing values in `b` when `missing` is set: non-linear enough that trees need depth.
 */
export function wavyRegression(n: number, seed: number, missing = false): FeatureMatrix & { y: Float64Array } {
  const rng = new Rng(seed);
  const columns = [0, 1, 2, 3, 4].map(() => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const column of columns) column[i] = rng.uniform(-2, 2);
    const [a, b, c, d] = [columns[0]![i]!, columns[1]![i]!, columns[2]![i]!, columns[3]![i]!];
    y[i] = 3 * Math.sin(a) + b * b - c * d + 0.1 * rng.normal();
    if (missing && i % 17 === 0) columns[1]![i] = Number.NaN;
  }
  return { nRows: n, columns, y };
}

/** R² of predictions against targets. */
export function r2Of(y: Float64Array, predicted: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i]!;
  mean /= y.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    residual += (y[i]! - predicted[i]!) ** 2;
    total += (y[i]! - mean) ** 2;
  }
  return 1 - residual / total;
}

export const range = (from: number, to: number): Uint32Array => Uint32Array.from({ length: to - from }, (_, i) => from + i);
