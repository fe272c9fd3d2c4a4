/**
 * Synthetic regression data shaped like scikit-learn's `make_regression` (effective_rank=None): standard
 * normal features, a linear target on `n_informative` of them with coefficients 100·U(0, 1), Gaussian
 * noise, rows and columns shuffled — drawn from sweepq's {@link Rng}, so the values differ from numpy's
 * for the same seed. The ML benchmark writes it to CSV, so both sides fit the very same rows.
 */
import { Rng } from '../../shared/ml/random/rng.js';

export interface RegressionData {
  readonly nRows: number;
  readonly columns: Float64Array[];
  readonly y: Float64Array;
}

export interface MakeRegressionOptions {
  nSamples: number;
  nFeatures: number;
  nInformative: number;
  /** Standard deviation of the Gaussian noise added to y. */
  noise: number;
  randomState: number;
}

export function makeRegression(options: MakeRegressionOptions): RegressionData {
  const { nSamples: n, nFeatures: p, nInformative, noise } = options;
  const rng = new Rng(options.randomState);
  const columns: Float64Array[] = [];
  for (let f = 0; f < p; f++) {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = rng.normal();
    columns.push(column);
  }
  const y = new Float64Array(n);
  for (let f = 0; f < nInformative; f++) {
    const coef = 100 * rng.next();
    const column = columns[f]!;
    for (let i = 0; i < n; i++) y[i] = y[i]! + coef * column[i]!;
  }
  if (noise > 0) for (let i = 0; i < n; i++) y[i] = y[i]! + noise * rng.normal();
  // Shuffle rows (one permutation applied to every column and y), then the feature order.
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const shuffled = columns.map((column) => Float64Array.from(order, (r) => column[r]!));
  for (let f = p - 1; f > 0; f--) {
    const j = rng.nextInt(f + 1);
    const t = shuffled[f]!;
    shuffled[f] = shuffled[j]!;
    shuffled[j] = t;
  }
  return { nRows: n, columns: shuffled, y: Float64Array.from(order, (r) => y[r]!) };
}
