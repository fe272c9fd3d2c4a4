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
  /** Local indices (into rows/columns) of the good group, then of the bad group, in row order. */
  good: Int32Array;
  goodCount: number;
  bad: Int32Array;
  badCount: number;
}

export class TrialTable {
  readonly kind: Uint8Array;
  readonly entryOf: Int32Array;
  /** Loss to minimise (value, negated when maximising); +∞ for a pruned trial without value. */
  readonly loss: Float64Array;
  /** 1 for the rows of the good group l(x). */
  readonly good: Uint8Array;
  /** Global rows of the good and bad groups (for the entry choice), in row order. */
  readonly goodRows: Int32Array;
  goodRowCount = 0;
  readonly badRows: Int32Array;
  badRowCount = 0;
  private liar = true;
  readonly perEntry: EntryRows[];
  /** Completed (with a value) plus pruned trials: n of gamma(n) and of n_startup_trials. */
  readonly finished: number;
  private size = 0;
  private readonly entries: readonly TpeEntry[];

  constructor(space: TpeSpace, observations: readonly Observation[], pending: readonly PendingTrial[], goal: 'maximize' | 'minimize', extraPending: number) {
    this.entries = space.entries;
    const capacity = observations.length + pending.length + extraPending;
    this.kind = new Uint8Array(capacity);
    this.entryOf = new Int32Array(capacity);
    this.loss = new Float64Array(capacity);
    this.good = new Uint8Array(capacity);
    this.goodRows = new Int32Array(capacity);
    this.badRows = new Int32Array(capacity);
    const E = space.entries.length;
    // Two passes: count rows per entry so every column is allocated once, at its final size.
    const counts = new Int32Array(E);
    if (E === 1) counts[0] = observations.length + pending.length;
    else {
      for (let i = 0; i < observations.length; i++) {
        const e = observations[i]!.entry;
        if (Number.isInteger(e) && e >= 0 && e < E) counts[e]!++;
      }
      for (let i = 0; i < pending.length; i++) {
        const e = pending[i]!.entry;
        if (Number.isInteger(e) && e >= 0 && e < E) counts[e]!++;
      }
    }
    this.perEntry = [];
    for (let e = 0; e < E; e++) {
      const entry = space.entries[e]!;
      const n = counts[e]! + extraPending;
      const columns: Float64Array[] = [];
      for (let d = 0; d < entry.dims.length; d++) columns.push(new Float64Array(n));
      this.perEntry.push({ rows: new Int32Array(n), columns, length: 0, taken: entry.discrete ? new Set<number>() : null, good: new Int32Array(n), goodCount: 0, bad: new Int32Array(n), badCount: 0 });
    }
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
    const before = this.perEntry[entry]?.length ?? 0;
    const row = this.push(entry, params, RowKind.Pending, Number.NaN);
    if (!this.liar || this.entryOf[row]! < 0) return;
    this.badRows[this.badRowCount++] = row;
    const rows = this.perEntry[entry]!;
    if (rows.length > before) rows.bad[rows.badCount++] = before;
  }

  /**
   * Marks the good group: the gamma(n) completed trials with the lowest loss (ties: earlier row
   * first), topped up with the best pruned ones when fewer trials completed (Optuna's split).
   */
  split(gamma: GammaFunction | number, constantLiar: boolean): void {
    this.liar = constantLiar;
    const wanted = goodCount(gamma, this.finished);
    this.good.fill(0);
    const remaining = this.pickBest(RowKind.Complete, wanted);
    if (remaining > 0) this.pickBest(RowKind.Pruned, remaining);
    this.goodRowCount = 0;
    this.badRowCount = 0;
    for (let r = 0; r < this.size; r++) {
      const group = this.groupOf(r);
      if (group === 1) this.goodRows[this.goodRowCount++] = r;
      else if (group === 2) this.badRows[this.badRowCount++] = r;
    }
    for (const rows of this.perEntry) {
      rows.goodCount = 0;
      rows.badCount = 0;
      for (let j = 0; j < rows.length; j++) {
        const group = this.groupOf(rows.rows[j]!);
        if (group === 1) rows.good[rows.goodCount++] = j;
        else if (group === 2) rows.bad[rows.badCount++] = j;
      }
    }
  }

  /** 1: good group; 2: bad group (the other finished trials, and pending ones under the constant liar); 0: neither. */
  private groupOf(r: number): number {
    if (this.entryOf[r]! < 0) return 0;
    const kind = this.kind[r]!;
    if (this.good[r] === 1) return 1;
    if (kind === RowKind.Complete || kind === RowKind.Pruned) return 2;
    return kind === RowKind.Pending && this.liar ? 2 : 0;
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

  /** Appends a row; its params join the entry's columns when they all belong to the space. */
  private push(entryIndex: number, params: Readonly<Record<string, ParamLiteral>>, kind: RowKind, loss: number): number {
    const row = this.size++;
    const valid = Number.isInteger(entryIndex) && entryIndex >= 0 && entryIndex < this.entries.length;
    this.kind[row] = valid ? kind : RowKind.Ignored;
    this.entryOf[row] = valid ? entryIndex : -1;
    this.loss[row] = loss;
    if (!valid) return row;
    const entry = this.entries[entryIndex]!;
    const rows = this.perEntry[entryIndex]!;
    const at = rows.length;
    const dims = entry.dims;
    // Written in place and committed (length++) only when every param reads.
    let point = 0;
    for (let d = 0; d < dims.length; d++) {
      const dim = dims[d]!;
      const raw = params[dim.key];
      let v: number;
      if (dim.kind === 'categorical') {
        const index = dim.indexOf.get(raw as ParamLiteral);
        if (index === undefined) return row;
        v = index;
      } else if (typeof raw === 'number' && raw >= dim.low && raw <= dim.high) {
        v = raw; // the common case, without internalValue's call
      } else {
        v = internalValue(dim, raw);
        if (v !== v) return row; // NaN: not in the space
      }
      rows.columns[d]![at] = v;
      point += (dim.kind === 'categorical' ? v : Math.round((v - dim.low) / dim.step)) * entry.strides[d]!;
    }
    if (rows.taken !== null) rows.taken.add(point);
    rows.rows[at] = row;
    rows.length = at + 1;
    return row;
  }
}
