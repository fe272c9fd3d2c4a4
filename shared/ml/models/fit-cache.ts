/**
 * State a model may keep between fits on the same feature columns — the CV folds and the final refit
 * of one trial, which the pipeline runs on one reused workspace — so per-dataset work is done once per
 * trial rather than once per fit. Everything in it is a hint that the model validates against the
 * data it is given, so a stale or foreign cache can cost time but never change a fitted model.
 */
import { ColumnOrderCache } from './tree/column-order-cache.js';

export class FitCache {
  /** Sorted row order of each feature column (tree learners' binning). */
  readonly columnOrder = new ColumnOrderCache();
  /** Logistic regression's last solution and Hessian factor, the start of the next CV fold's solve. */
  logisticStart: LogisticStart | null = null;
  /** Logistic regression's packed design columns, reused by the next fit (see designColumns). */
  readonly logisticDesign: Float64Array[] = [];
}

/** A logistic regression solution: coefficients (solver layout) and the Cholesky factor it ended with. */
export interface LogisticStart {
  /** Params, class and feature count it was fitted with: a start is only used for the same problem. */
  readonly key: string;
  readonly theta: Float64Array;
  readonly factor: Float64Array;
}
