/**
 * The trials one ask() works from, columnar: finished observations then pending trials (and the
 * proposals made earlier in the same ask), each with its entry, kind and sign-flipped loss; per
 * entry the internal values of its params in typed columns; for discrete entries the set of points
 * already taken. Built once per ask in O(n · params).
 */
import type { ParamLiteral } from '../../schemas/sweep-spec.schema.js';
import type { Observation, PendingTrial } from '../sampler.js';
import { goodCount, type GammaFunction } from './tpe-options.js';
import { internalValue, type TpeEntry, type TpeSpace } from './tpe-space.js';

export const enum RowKind {
  Complete = 0,
  Pruned = 1,
  Pending = 2,
  /** Failed, cancelled, quarantined or valueless: only marks its point as taken. */
  Ignored = 3,
}

/** Rows of one entry whose params could all be read, with one column per dim. */
export interface EntryRows {
  /** Global row ids, in row order. */
  rows: Int32Array;
  columns: Float64Array[];
  length: number;
  /** Point indices already observed or pending (discrete entries only). */
  taken: Set<number> | null;
}

export class TrialTable {
  readonly kind: Uint8Array;
  readonly entryOf: Int32Array;
  /** Loss to minimise (value, negated when maximising); +∞ for a pruned trial without value. */
  readonly loss: Float64Array;
  /** 1 for the rows of the good group l(x). */
  readonly good: Uint8Array;
  readonly perEntry: EntryRows[];
  /** Completed (with a value) plus pruned trials: n of gamma(n) and of n_startup_trials. */
  readonly finished: number;
  private size = 0;
  private readonly entries: readonly TpeEntry[];
  private readonly scratch: Float64Array;

  constructor(space: TpeSpace, observations: readonly Observation[], pending: readonly PendingTrial[], goal: 'maximize' | 'minimize', extraPending: number) {
    this.entries = space.entries;
    const capacity = observations.length + pending.length + extraPending;
    this.kind = new Uint8Array(capacity);
    this.entryOf = new Int32Array(capacity);
    this.loss = new Float64Array(capacity);
    this.good = new Uint8Array(capacity);
    const E = space.entries.length;
    // Two passes: count rows per entry so every column is allocated once, at its final size.
    const counts = new Int32Array(E);
    for (let i = 0; i < observations.length; i++) {
      const e = observations[i]!.entry;
      if (Number.isInteger(e) && e >= 0 && e < E) counts[e]!++;
    }
    for (let i = 0; i < pending.length; i++) {
      const e = pending[i]!.entry;
      if (Number.isInteger(e) && e >= 0 && e < E) counts[e]!++;
    }
    this.perEntry = [];
    let maxDims = 0;
    for (let e = 0; e < E; e++) {
      const entry = space.entries[e]!;
      const n = counts[e]! + extraPending;
      const columns: Float64Array[] = [];
      for (let d = 0; d < entry.dims.length; d++) columns.push(new Float64Array(n));
      if (entry.dims.length > maxDims) maxDims = entry.dims.length;
      this.perEntry.push({ rows: new Int32Array(n), columns, length: 0, taken: entry.discrete ? new Set<number>() : null });
    }
    this.scratch = new Float64Array(maxDims);
    const sign = goal === 'maximize' ? -1 : 1;
    let finished = 0;
    for (let i = 0; i < observations.length; i++) {
      const o = observations[i]!;
      let kind = RowKind.Ignored;
      let loss = Number.NaN;
      if (o.status === 'completed' && typeof o.value === 'number' && Number.isFinite(o.value)) {
        kind = RowKind.Complete;
        loss = sign * o.value;
      } else if (o.status === 'pruned') {
        kind = RowKind.Pruned;
        loss = typeof o.value === 'number' && Number.isFinite(o.value) ? sign * o.value : Number.POSITIVE_INFINITY;
      }
      if (kind === RowKind.Complete || kind === RowKind.Pruned) finished++;
      this.push(o.entry, o.params, kind, loss);
    }
    for (let i = 0; i < pending.length; i++) this.push(pending[i]!.entry, pending[i]!.params, RowKind.Pending, Number.NaN);
    this.finished = finished;
  }

  get length(): number {
    return this.size;
  }

  /** Adds a trial created during this ask (it is pending for the proposals after it). */
  addPending(entry: number, params: Readonly<Record<string, ParamLiteral>>): void {
    this.push(entry, params, RowKind.Pending, Number.NaN);
  }

  /** Point index of a discrete entry's internal values, or NaN. */
  pointIndex(entry: TpeEntry, values: ArrayLike<number>): number {
    let index = 0;
    for (let d = 0; d < entry.dims.length; d++) index += values[d]! * entry.strides[d]!;
    return index;
  }

  /**
   * Marks the good group: the gamma(n) completed trials with the lowest loss (ties: earlier row
   * first), topped up with the best pruned ones when fewer trials completed (Optuna's split).
   */
  split(gamma: GammaFunction | number): void {
    const wanted = goodCount(gamma, this.finished);
    this.good.fill(0);
    let remaining = this.pickBest(RowKind.Complete, wanted);
    if (remaining > 0) remaining = this.pickBest(RowKind.Pruned, remaining);
  }

  /** Picks the `count` rows of a kind with the lowest loss; returns how many are still missing. */
  private pickBest(kind: RowKind, count: number): number {
    if (count <= 0) return 0;
    // A sorted list of at most `count` (≤ 25 with the default gamma) candidates: O(n · count) worst
    // case, O(n) in practice as few rows beat the current worst.
    const best = new Int32Array(count);
    let filled = 0;
    const loss = this.loss;
    for (let r = 0; r < this.size; r++) {
      if (this.kind[r] !== kind) continue;
      const value = loss[r]!;
      if (filled === count && !(value < loss[best[filled - 1]!]!)) continue;
      let position = filled === count ? count - 1 : filled++;
      while (position > 0 && value < loss[best[position - 1]!]!) {
        best[position] = best[position - 1]!;
        position--;
      }
      best[position] = r;
    }
    for (let i = 0; i < filled; i++) this.good[best[i]!] = 1;
    return count - filled;
  }

  private push(entryIndex: number, params: Readonly<Record<string, ParamLiteral>>, kind: RowKind, loss: number): void {
    const row = this.size++;
    const valid = Number.isInteger(entryIndex) && entryIndex >= 0 && entryIndex < this.entries.length;
    this.kind[row] = valid ? kind : RowKind.Ignored;
    this.entryOf[row] = valid ? entryIndex : -1;
    this.loss[row] = loss;
    if (!valid) return;
    const entry = this.entries[entryIndex]!;
    const rows = this.perEntry[entryIndex]!;
    const values = this.scratch;
    for (let d = 0; d < entry.dims.length; d++) {
      const dim = entry.dims[d]!;
      const v = internalValue(dim, params[dim.key]);
      if (Number.isNaN(v)) return;
      values[d] = v;
    }
    if (rows.taken !== null) rows.taken.add(this.pointIndex(entry, values));
    const at = rows.length++;
    rows.rows[at] = row;
    for (let d = 0; d < entry.dims.length; d++) rows.columns[d]![at] = values[d]!;
  }
}
