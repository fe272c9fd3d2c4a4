/**
 * The ascending row order of each feature column, kept between fits on the same columns — the CV
 * folds and the refit of one trial — so binning sorts each feature once per trial instead of once per
 * fit.
 *
 * Across those fits the pipeline rewrites the columns in place (each fold fits its own imputer and
 * scaler), so a stored order is only a hint and is never trusted: every request walks the stored order
 * against the current values and keeps the rows that are still in ascending order. The scalers sweepq
 * has are increasing affine maps, so only the imputed rows (whose fill value moves with the fold) and
 * their neighbours fall out of order; those few are sorted and merged back. A column that changed
 * wholesale (another dataset, a non-monotone transform) has many misfits and is simply sorted again.
 * The answer is therefore always the exact ascending order of the current values, whatever happened
 * to the columns in between — which is what makes the bins, and so the models, identical to binning
 * each fold from scratch.
 */
import { Float64Argsort } from './float64-argsort.js';

/** Above this share of out-of-order rows a fresh sort is cheaper than sort-and-merge. */
const MAX_MISFIT_SHARE = 1 / 8;

/** Ascending order of one column: non-missing rows sorted by value, then the NaN rows. */
export interface ColumnOrder {
  /** Every row index 0…n−1 once: `order[0..nonMissing)` ascending by value, then the missing rows. */
  readonly order: Uint32Array;
  readonly nonMissing: number;
}

/** Sorted row orders per feature index, reused (after validation) across fits. */
export class ColumnOrderCache {
  private readonly orders: (Uint32Array | undefined)[] = [];
  private readonly sorter = new Float64Argsort();
  private values = new Float64Array(0);
  private misfits = new Uint32Array(0);
  private missing = new Uint32Array(0);
  private merged = new Uint32Array(0);

  /** Exact ascending order of `column` (feature `feature` of the fits sharing this cache). */
  orderOf(feature: number, column: Float64Array): ColumnOrder {
    const n = column.length;
    this.reserve(n);
    let order = this.orders[feature];
    if (order === undefined || order.length !== n) {
      order = new Uint32Array(n);
      for (let r = 0; r < n; r++) order[r] = r;
      this.orders[feature] = order;
      return { order, nonMissing: this.sortFresh(order, column) };
    }
    // Keep the stored order's rows that are still ascending; set aside the others and the NaN rows.
    let kept = 0;
    let nMisfits = 0;
    let nMissing = 0;
    let last = Number.NEGATIVE_INFINITY;
    const misfits = this.misfits;
    const missing = this.missing;
    for (let j = 0; j < n; j++) {
      const r = order[j]!;
      const v = column[r]!;
      if (v !== v) missing[nMissing++] = r;
      else if (v >= last) {
        order[kept++] = r;
        last = v;
      } else misfits[nMisfits++] = r;
    }
    if (nMisfits > n * MAX_MISFIT_SHARE) return { order, nonMissing: this.sortFresh(order, column) };
    if (nMisfits > 0) {
      const values = this.values;
      for (let i = 0; i < nMisfits; i++) values[i] = column[misfits[i]!]!;
      this.sorter.sort(values, misfits, nMisfits);
      // Merge the kept run and the sorted misfits.
      const merged = this.merged;
      let a = 0;
      let b = 0;
      let out = 0;
      while (a < kept && b < nMisfits) {
        if (column[order[a]!]! <= values[b]!) merged[out++] = order[a++]!;
        else merged[out++] = misfits[b++]!;
      }
      while (a < kept) merged[out++] = order[a++]!;
      while (b < nMisfits) merged[out++] = misfits[b++]!;
      order.set(merged.subarray(0, out));
      kept = out;
    }
    order.set(missing.subarray(0, nMissing), kept);
    return { order, nonMissing: kept };
  }

  /**
   * Offers a stored order for `feature` from elsewhere — another process's fits on the same data
   * (column-order-hints.ts) — so the first fit here validates it instead of sorting from scratch. Kept
   * only when nothing is stored for the feature yet and `order` is a permutation of 0…n−1 (validation
   * above relies on every row appearing once); like any stored order it is checked against the values.
   * A kept order is the cache's own from then on: the caller hands it over and must not change it.
   * @returns whether the order was kept.
   */
  seed(feature: number, order: Uint32Array): boolean {
    if (this.orders[feature] !== undefined) return false;
    const n = order.length;
    const seen = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const r = order[j]!;
      if (r >= n || seen[r] === 1) return false;
      seen[r] = 1;
    }
    this.orders[feature] = order;
    return true;
  }

  /** The stored order of each feature (undefined where none), e.g. to hand them to other processes. */
  storedOrders(): ReadonlyArray<Uint32Array | undefined> {
    return this.orders;
  }

  /** Sorts all rows of `column` into `order` (NaN rows last); returns the non-missing count. */
  private sortFresh(order: Uint32Array, column: Float64Array): number {
    const n = column.length;
    const values = this.values;
    let nValues = 0;
    let nMissing = 0;
    for (let r = 0; r < n; r++) {
      const v = column[r]!;
      if (v === v) {
        values[nValues] = v;
        order[nValues++] = r;
      } else {
        order[n - 1 - nMissing++] = r;
      }
    }
    this.sorter.sort(values, order, nValues);
    return nValues;
  }

  private reserve(n: number): void {
    if (this.values.length >= n) return;
    this.values = new Float64Array(n);
    this.misfits = new Uint32Array(n);
    this.missing = new Uint32Array(n);
    this.merged = new Uint32Array(n);
  }
}
