import type { FeatureMatrix } from '../dataset/dataset.js';
import type { FitCache } from './fit-cache.js';

/**
 * The contract every regression estimator honours, next to {@link Classifier}: fit on a row subset
 * without copying, predict one value per selected row, serialize to plain JSON and load back through
 * the model registry (`regressorFromJSON`).
 *
 * `cache` (optional) is shared by successive fits on the same columns (a trial's CV folds and refit),
 * as for {@link Classifier}: a speed-up only, the fitted model is the same without it.
 */
export interface Regressor {
  /** Registry name, e.g. `ridge`. */
  readonly name: string;
  fit(X: FeatureMatrix, y: Float64Array, rows?: Uint32Array, cache?: FitCache): void;
  /** One prediction per selected row (all rows when omitted); `out` may be supplied (length = rows). */
  predict(X: FeatureMatrix, rows?: Uint32Array, out?: Float64Array): Float64Array;
  /** Plain-JSON state: `{ name, version, task: 'regression', params, ...fitted state }`. */
  toJSON(): SerializedRegressor;
}

export interface SerializedRegressor {
  name: string;
  version: number;
  task: 'regression';
  params: Record<string, unknown>;
  [key: string]: unknown;
}
