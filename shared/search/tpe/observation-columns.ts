/**
 * The finished trials of a search as typed columns, kept by a TpeSampler from one ask() to the
 * next and updated from the changes only (issue 11 (d)): at 10,000 trials, re-reading every
 * observation object per ask (status, value, entry) and picking the good group by a pass over all
 * rows cost ~30 % of ask()'s CPU, for one new trial per ask.
 *
 * Changes are found by reference: the observations array is compared with the copy kept here, and
 * the differing middle (after the common prefix, before the common suffix) is removed and inserted
 * again. The observation reader appends a finished trial (or replaces a retried one, or removes a
 * requeued one) as a new object, so an ask costs one pass of reference comparisons plus the
 * changed rows. Observation objects must not be changed in place (the Sampler contract says so).
 *
 * Kept up to date per row: the status kind, the entry (−1 outside the space), the loss, the params
 * in the sampler's internal form once read (TrialTable reads only the rows its estimators use), and
 * the completed and pruned rows ordered by (loss, row), so the good group is the first gamma(n) of
 * an ordered list and the stall check is the first completed row.
 */
import type { ParamLiteral } from '../../schemas/sweep-spec.schema.js';
import type { Observation } from '../sampler.js';
import { internalValue, type TpeEntry } from './tpe-space.js';

export const enum RowKind {
  Complete = 0,
  Pruned = 1,
  Pending = 2,
  /** Failed, cancelled, quarantined or valueless: only marks its point as taken. */
  Ignored = 3,
}

/** paramState of a row: params not read yet, read into paramValues, or outside the space. */
const UNREAD = 0;
const VALID = 1;
const INVALID = 2;

/** Rows of one kind ordered by (loss, row): ties keep the earlier row first, as a stable sort. */
class LossOrder {
  rows = new Int32Array(64);
  length = 0;

  insert(row: number, loss: Float64Array): void {
    // Binary search for the first entry after (loss[row], row).
    const value = loss[row]!;
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.rows[mid]!;
      const v = loss[other]!;
      if (v < value || (v === value && other < row)) lo = mid + 1;
      else hi = mid;
    }
    if (this.length === this.rows.length) {
      const bigger = new Int32Array(2 * this.rows.length);
      bigger.set(this.rows);
      this.rows = bigger;
    }
    this.rows.copyWithin(lo + 1, lo, this.length);
    this.rows[lo] = row;
    this.length++;
  }

  /** Drops rows [from, from + removed) and renumbers the rows after them; the order is unchanged. */
  remove(from: number, removed: number): void {
    const rows = this.rows;
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      const row = rows[i]!;
      if (row < from) rows[kept++] = row;
      else if (row >= from + removed) rows[kept++] = row - removed;
    }
    this.length = kept;
  }

  /** Renumbers rows ≥ at after `inserted` rows went in before them. */
  shift(at: number, inserted: number): void {
    const rows = this.rows;
    for (let i = 0; i < this.length; i++) if (rows[i]! >= at) rows[i] = rows[i]! + inserted;
  }
}

export class ObservationColumns {
  /** Rows kept (= the observations array's length after the last sync). */
  length = 0;
  /** RowKind by status and value alone (Complete, Pruned or Ignored), whatever the entry. */
  kind = new Uint8Array(64);
  /** The row's entry, or −1 when it is not one of the space's. */
  entry = new Int32Array(64);
  /** Loss to minimise (value, negated when maximising); +∞ for a pruned trial without value; NaN otherwise. */
  loss = new Float64Array(64);
  /** Completed plus pruned rows (n of gamma(n) and of n_startup_trials), whatever their entry. */
  finished = 0;
  private paramState = new Uint8Array(64);
  /** Per row, `stride` slots: its params in internal form (entry dims in order), once read. */
  private paramValues: Float64Array;
  /** The widest entry's param count: the slots per row. */
  readonly stride: number;
  private readonly observations: Observation[] = [];
  private readonly complete = new LossOrder();
  private readonly pruned = new LossOrder();
  private goal: 'maximize' | 'minimize' | null = null;

  constructor(private readonly entries: readonly TpeEntry[]) {
    let widest = 0;
    for (const entry of entries) widest = Math.max(widest, entry.dims.length);
    this.stride = widest;
    this.paramValues = new Float64Array(64 * widest);
  }

  /** Brings the columns up to `observations` (by reference, see the file comment). */
  sync(observations: readonly Observation[], goal: 'maximize' | 'minimize'): void {
    if (goal !== this.goal) {
      this.remove(0, this.length);
      this.goal = goal;
    }
    const before = this.length;
    const after = observations.length;
    const common = Math.min(before, after);
    const kept = this.observations;
    let prefix = 0;
    while (prefix < common && kept[prefix] === observations[prefix]) prefix++;
    if (prefix === before && prefix === after) return;
    let suffix = 0;
    while (suffix < common - prefix && kept[before - 1 - suffix] === observations[after - 1 - suffix]) suffix++;
    this.remove(prefix, before - suffix - prefix);
    this.insert(prefix, observations, prefix, after - suffix);
  }

  /** Finished rows since the best completed one (−1 when none completed): the stall check. */
  trialsSinceBest(): number {
    return this.complete.length === 0 ? -1 : this.length - 1 - this.complete.rows[0]!;
  }

  /**
   * Marks in `good` the `count` rows of `kind` (Complete or Pruned) with the lowest loss, ties by
   * row, among rows of `entry` (any entry of the space when −1); returns how many are missing.
   */
  markBest(kind: RowKind.Complete | RowKind.Pruned, count: number, entry: number, good: Uint8Array): number {
    if (count <= 0) return 0;
    const order = kind === RowKind.Complete ? this.complete : this.pruned;
    const rows = order.rows;
    let left = count;
    for (let i = 0; i < order.length && left > 0; i++) {
      const r = rows[i]!;
      const e = this.entry[r]!;
      if (e < 0 || (entry >= 0 && e !== entry)) continue;
      good[r] = 1;
      left--;
    }
    return left;
  }

  /**
   * Row r's params in internal form: writes them to `out` at `offset` (entry dims in order) and
   * returns true, or false when a param is outside the space. Read from the observation once.
   */
  readParams(r: number, out: Float64Array, offset: number): boolean {
    const entry = this.entries[this.entry[r]!]!;
    const base = r * this.stride;
    let state = this.paramState[r]!;
    if (state === UNREAD) {
      state = parseParams(entry, this.observations[r]!.params, this.paramValues, base) ? VALID : INVALID;
      this.paramState[r] = state;
    }
    if (state === INVALID) return false;
    const values = this.paramValues;
    for (let d = 0; d < entry.dims.length; d++) out[offset + d] = values[base + d]!;
    return true;
  }

  /** Removes rows [from, from + count). */
  private remove(from: number, count: number): void {
    if (count === 0) return;
    const to = from + count;
    for (let r = from; r < to; r++) if (this.kind[r] !== RowKind.Ignored) this.finished--;
    const n = this.length;
    this.kind.copyWithin(from, to, n);
    this.entry.copyWithin(from, to, n);
    this.loss.copyWithin(from, to, n);
    this.paramState.copyWithin(from, to, n);
    this.paramValues.copyWithin(from * this.stride, to * this.stride, n * this.stride);
    this.observations.splice(from, count);
    this.complete.remove(from, count);
    this.pruned.remove(from, count);
    this.length = n - count;
  }

  /** Inserts observations[first, last) as rows from `at`. */
  private insert(at: number, observations: readonly Observation[], first: number, last: number): void {
    const count = last - first;
    if (count === 0) return;
    const n = this.length;
    this.reserve(n + count);
    if (at < n) {
      this.kind.copyWithin(at + count, at, n);
      this.entry.copyWithin(at + count, at, n);
      this.loss.copyWithin(at + count, at, n);
      this.paramState.copyWithin(at + count, at, n);
      this.paramValues.copyWithin((at + count) * this.stride, at * this.stride, n * this.stride);
      this.complete.shift(at, count);
      this.pruned.shift(at, count);
    }
    // By hand, not splice(at, 0, ...slice): spreading 100,000 arguments overflows the stack.
    const kept = this.observations;
    const tail = at < n ? kept.splice(at) : [];
    for (let i = first; i < last; i++) kept.push(observations[i]!);
    for (let i = 0; i < tail.length; i++) kept.push(tail[i]!);
    this.length = n + count;
    const sign = this.goal === 'maximize' ? -1 : 1;
    const E = this.entries.length;
    for (let k = 0; k < count; k++) {
      const r = at + k;
      const o = observations[first + k]!;
      let kind = RowKind.Ignored;
      let loss = Number.NaN;
      if (o.status === 'completed' && typeof o.value === 'number' && Number.isFinite(o.value)) {
        kind = RowKind.Complete;
        loss = sign * o.value;
      } else if (o.status === 'pruned') {
        kind = RowKind.Pruned;
        loss = typeof o.value === 'number' && Number.isFinite(o.value) ? sign * o.value : Number.POSITIVE_INFINITY;
      }
      const e = o.entry;
      this.kind[r] = kind;
      this.entry[r] = Number.isInteger(e) && e >= 0 && e < E ? e : -1;
      this.loss[r] = loss;
      this.paramState[r] = UNREAD;
      if (kind === RowKind.Complete) this.complete.insert(r, this.loss);
      else if (kind === RowKind.Pruned) this.pruned.insert(r, this.loss);
      if (kind !== RowKind.Ignored) this.finished++;
    }
  }

  private reserve(rows: number): void {
    if (rows <= this.kind.length) return;
    const capacity = Math.max(rows, Math.ceil(this.kind.length * 1.5));
    this.kind = grown(this.kind, new Uint8Array(capacity));
    this.entry = grown(this.entry, new Int32Array(capacity));
    this.loss = grown(this.loss, new Float64Array(capacity));
    this.paramState = grown(this.paramState, new Uint8Array(capacity));
    this.paramValues = grown(this.paramValues, new Float64Array(capacity * this.stride));
  }
}

function grown<T extends Uint8Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Writes an entry's params in internal form (categorical: choice index; numeric: the value, on
 * the entry's scale) to `out` from `offset`; false when one is outside the space.
 */
export function parseParams(entry: TpeEntry, params: Readonly<Record<string, ParamLiteral>>, out: Float64Array, offset: number): boolean {
  const dims = entry.dims;
  for (let d = 0; d < dims.length; d++) {
    const dim = dims[d]!;
    const raw = params[dim.key];
    let v: number;
    if (dim.kind === 'categorical') {
      const index = dim.indexOf.get(raw as ParamLiteral);
      if (index === undefined) return false;
      v = index;
    } else if (typeof raw === 'number' && raw >= dim.low && raw <= dim.high) {
      v = raw; // the common case, without internalValue's call
    } else {
      v = internalValue(dim, raw);
      if (v !== v) return false;
    }
    out[offset + d] = v;
  }
  return true;
}
