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
}
