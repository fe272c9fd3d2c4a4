import type { FeatureMatrix } from '../dataset/dataset.js';
import type { FitCache } from './fit-cache.js';

/**
 * The contract every estimator honours (mljs-style): fit on a row subset without copying, predict
 * probabilities row-major, serialize to plain JSON and load back through the model registry.
 *
 * `rows` selects training/prediction rows by index (a CV fold); when omitted every row is used.
 * `cache` (optional) is shared by successive fits on the same columns, e.g. the CV folds of a trial; a
 * model may keep per-dataset work in it but must fit exactly as without it.
 */
export interface Classifier {
  /** Registry name, e.g. `random_forest`. */
  readonly name: string;
  /** Number of classes seen in fit (fixed by the dataset, even if a fold lacks a class). */
  readonly nClasses: number;
  fit(X: FeatureMatrix, y: Int32Array, rows?: Uint32Array, cache?: FitCache): void;
  /**
   * Class probabilities, row-major: `out[i * nClasses + k]` for the i-th selected row.
   * `out` may be supplied to avoid an allocation; it must have length `rows.length * nClasses`.
   */
  predictProba(X: FeatureMatrix, rows?: Uint32Array, out?: Float64Array): Float64Array;
  /** Most probable class index per selected row (ties → lowest index, as numpy's argmax). */
  predict(X: FeatureMatrix, rows?: Uint32Array): Int32Array;
  /** Plain-JSON state: `{ name, version, params, nClasses, ...fitted state }`. */
  toJSON(): SerializedModel;
}

export interface SerializedModel {
  name: string;
  version: number;
  params: Record<string, unknown>;
  nClasses: number;
  [key: string]: unknown;
}

/** argmax over row-major probabilities, first maximum wins (numpy semantics). */
export function argmaxRows(proba: Float64Array, nClasses: number, out?: Int32Array): Int32Array {
  const n = proba.length / nClasses;
  const result = out ?? new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * nClasses;
    let best = 0;
    let bestValue = proba[base]!;
    for (let k = 1; k < nClasses; k++) {
      const v = proba[base + k]!;
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    result[i] = best;
  }
  return result;
}
