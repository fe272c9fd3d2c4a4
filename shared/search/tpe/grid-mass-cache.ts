/**
 * Log Gaussian masses of a linear grid dimension (int_uniform, q_uniform), kept from one ask() to
 * the next (issue 11 (d)).
 *
 * On a grid, a kernel sits on a grid value (index j) with a bandwidth σ, and a candidate is a grid
 * value (index i): the mass of the candidate's bin depends only on (σ, i − j), and the kernel's
 * truncation mass only on (σ, j). Bandwidths on a grid take few distinct values (gaps between grid
 * values, clipped), so the same masses recur in every ask; computed once, an ask over 10,000
 * trials reads them instead of evaluating ~10⁴ erfc pairs (a third of its CPU, and most of its
 * short-lived heap numbers).
 *
 * Bounded: grids of at most {@link MAX_GRID_VALUES} values, at most {@link MAX_BANDWIDTHS}
 * bandwidths (all dropped when a new one would exceed it). Entries are filled lazily (NaN = not yet
 * computed); a value never depends on what was asked before, only on (σ, offset), so results are
 * the same with or without the cache.
 */
import { logGaussMass, logGaussMassFast } from './truncnorm.js';

/** Grids with more values than this are not cached (a table per bandwidth is 3 × values doubles). */
export const MAX_GRID_VALUES = 4096;
/** Distinct bandwidths kept per dimension before the cache starts over. */
export const MAX_BANDWIDTHS = 128;

/** Per bandwidth: bin masses by offset i − j (index offset + G − 1), truncation masses by j. */
export interface GridMassRow {
  readonly bin: Float64Array;
  readonly truncation: Float64Array;
}

export class GridMassCache {
  /** Grid values: (high − low) / step + 1. */
  readonly values: number;
  private readonly rows = new Map<number, GridMassRow>();

  /** @param values number of grid values (≤ {@link MAX_GRID_VALUES}). */
  constructor(values: number) {
    if (!(Number.isSafeInteger(values) && values >= 1 && values <= MAX_GRID_VALUES))
      throw new RangeError(`a grid mass cache takes 1–${MAX_GRID_VALUES} values, got ${values}`);
    this.values = values;
  }

  /** The grid index of value x (grid low, step), or −1 when x is off the grid or outside it. */
  gridIndex(x: number, low: number, step: number): number {
    const position = (x - low) / step;
    const j = Math.round(position);
    return Math.abs(position - j) < 1e-9 && j >= 0 && j < this.values ? j : -1;
  }

  /** The masses of bandwidth σ, given in grid steps (σ / step). */
  row(sigmaSteps: number): GridMassRow {
    let row = this.rows.get(sigmaSteps);
    if (row === undefined) {
      if (this.rows.size >= MAX_BANDWIDTHS) this.rows.clear();
      row = { bin: new Float64Array(2 * this.values - 1).fill(Number.NaN), truncation: new Float64Array(this.values).fill(Number.NaN) };
      this.rows.set(sigmaSteps, row);
    }
    return row;
  }

  /** log mass of the bin `offset` grid steps from the kernel's centre, under N(0, σ²). */
  binLogMass(row: GridMassRow, sigmaSteps: number, offset: number): number {
    const at = offset + this.values - 1;
    let v = row.bin[at]!;
    if (v !== v) {
      v = logGaussMassFast((offset - 0.5) / sigmaSteps, (offset + 0.5) / sigmaSteps);
      row.bin[at] = v;
    }
    return v;
  }

  /** log mass of the whole grid's span [−½, G − ½] steps under a kernel at grid index j. */
  truncationLogMass(row: GridMassRow, sigmaSteps: number, j: number): number {
    let v = row.truncation[j]!;
    if (v !== v) {
      v = logGaussMass(-(j + 0.5) / sigmaSteps, (this.values - j - 0.5) / sigmaSteps);
      row.truncation[j] = v;
    }
    return v;
  }
}
