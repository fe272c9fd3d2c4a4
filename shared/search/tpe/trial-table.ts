/**
 * The trials one ask() works from, columnar: finished observations then pending trials (and the
 * proposals made earlier in the same ask), each with its entry, kind and sign-flipped loss; per
 * entry its rows, split into the good and bad groups.
 *
 * Params are read lazily into per-entry typed columns: the split only needs values, and the
 * estimators read the good rows and at most MAX_BAD_KERNELS bad ones, so an ask over 10,000
 * trials reads a few hundred param objects instead of 10,000 (keyed property reads dominate
 * otherwise). Finite entries are the exception: every row is read to know which points are taken.
 */
import type { ParamLiteral } from '../../schemas/sweep-spec.schema.js';
import type { Observation, PendingTrial } from '../sampler.js';
import { ObservationColumns, parseParams, RowKind } from './observation-columns.js';
import { goodCount, type GammaFunction } from './tpe-options.js';
import { TableBuffers } from './table-buffers.js';
import type { TpeEntry, TpeSpace } from './tpe-space.js';

/** `slot` of a row whose params have not been read yet, and of one whose params are outside the space. */
const UNREAD = -1;
const INVALID = -2;

/** The rows of one entry (local index = position here), their params once read, and their groups. */
export interface EntryRows {
  /** Global row ids, in row order. */
  rows: Int32Array;
  length: number;
  /**
   * Per local index: where its params sit in the columns (≥ 0), or UNREAD / INVALID. Columns grow
   * as rows are read, so an ask that reads 500 of 10,000 rows allocates for ~500.
   */
  slot: Int32Array;
  /** One column per dim, by slot. */
  columns: Float64Array[];
  slots: number;
  /** Point indices already observed or pending (discrete entries only). */
  taken: Set<number> | null;
  /** Local indices of the good group, then of the bad group, in row order. */
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
  /** Global rows of the good and bad groups (for the entry choice), in row order; spaces of several entries only. */
  readonly goodRows: Int32Array;
  goodRowCount = 0;
  readonly badRows: Int32Array;
  badRowCount = 0;
  readonly perEntry: EntryRows[];
  /** Completed (with a value) plus pruned trials: n of gamma(n) and of n_startup_trials. */
  readonly finished: number;
  private liar = true;
  private size = 0;
  /** Rows below this are observations (their params and order from `columns`); pending rows follow. */
  private readonly observed: number;
  private readonly pendingParams: Readonly<Record<string, ParamLiteral>>[];
  private readonly entries: readonly TpeEntry[];
  private readonly columns: ObservationColumns;
  /** One row's params in internal form, on their way to an entry's columns. */
  private readonly point: Float64Array;

  /**
   * @param buffers scratch arrays to reuse across asks (a fresh set when omitted).
   * @param columns the observations as columns kept across asks (synced here; fresh when omitted).
   */
  constructor(
    space: TpeSpace,
    observations: readonly Observation[],
    pending: readonly PendingTrial[],
    goal: 'maximize' | 'minimize',
    extraPending: number,
    buffers: TableBuffers = new TableBuffers(),
    columns: ObservationColumns = new ObservationColumns(space.entries),
  ) {
    this.entries = space.entries;
    this.columns = columns;
    columns.sync(observations, goal);
    this.pendingParams = buffers.references as Readonly<Record<string, ParamLiteral>>[];
    const observed = observations.length;
    this.observed = observed;
    const capacity = observed + pending.length + extraPending;
    this.kind = buffers.uint8('kind', capacity);
    this.entryOf = buffers.int32('entryOf', capacity);
    this.loss = buffers.float64('loss', capacity);
    this.good = buffers.uint8('good', capacity);
    this.goodRows = buffers.int32('goodRows', capacity);
    this.badRows = buffers.int32('badRows', capacity);
    this.point = buffers.float64('point', columns.stride);
    const E = space.entries.length;
    // The observations' columns as kept; a row outside the space only marks nothing.
    this.entryOf.set(columns.entry.subarray(0, observed));
    this.loss.set(columns.loss.subarray(0, observed));
    const kind = this.kind;
    const entryOf = this.entryOf;
    for (let r = 0; r < observed; r++) kind[r] = entryOf[r]! < 0 ? RowKind.Ignored : columns.kind[r]!;
    // Rows per entry first, so every per-entry array is allocated once, at its final size.
    const counts = new Int32Array(E);
    if (E === 1) counts[0] = observed + pending.length;
    else {
      for (let r = 0; r < observed; r++) {
        const e = entryOf[r]!;
        if (e >= 0) counts[e]!++;
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
      // Finite entries read every row up front; the others start small and grow.
      const initial = entry.discrete ? n : Math.min(n, 1024);
      const entryColumns: Float64Array[] = [];
      for (let d = 0; d < entry.dims.length; d++) entryColumns.push(buffers.float64(`${e}:column:${d}`, initial));
      this.perEntry.push({
        rows: buffers.int32(`${e}:rows`, n),
        length: 0,
        slot: buffers.int32(`${e}:slot`, n).fill(UNREAD),
        columns: entryColumns,
        slots: 0,
        taken: entry.discrete ? new Set<number>() : null,
        good: buffers.int32(`${e}:good`, n),
        goodCount: 0,
        bad: buffers.int32(`${e}:bad`, n),
        badCount: 0,
      });
    }
    for (let r = 0; r < observed; r++) {
      const e = entryOf[r]!;
      if (e < 0) continue;
      const rows = this.perEntry[e]!;
      const at = rows.length++;
      rows.rows[at] = r;
      if (rows.taken !== null) this.read(e, at);
    }
    this.size = observed;
    for (let i = 0; i < pending.length; i++) this.push(pending[i]!.entry, pending[i]!.params);
    this.finished = columns.finished;
  }

  get length(): number {
    return this.size;
  }

  /** Whether pending trials count as bad (set by {@link split}). */
  get constantLiar(): boolean {
    return this.liar;
  }

  /** Finished rows since the best completed one (−1 when none completed), for the stall check. */
  trialsSinceBest(): number {
    return this.columns.trialsSinceBest();
  }

  /** Adds a trial created during this ask (it is pending for the proposals after it). */
  addPending(entry: number, params: Readonly<Record<string, ParamLiteral>>): void {
    const row = this.push(entry, params);
    if (!this.liar || this.entryOf[row]! < 0) return;
    if (this.perEntry.length > 1) this.badRows[this.badRowCount++] = row;
    const rows = this.perEntry[entry]!;
    rows.bad[rows.badCount++] = rows.length - 1;
  }

  /**
   * Marks the good group: the gamma(n) completed trials with the lowest loss (ties: earlier row
   * first), topped up with the best pruned ones when fewer trials completed (Optuna's split); the
   * bad group is the other finished trials, plus the pending ones under the constant liar. With
   * `perEntry` (several entries), each entry's rows are then split again among themselves for its
   * params' estimators; the global groups (goodRows, badRows) still drive the entry choice.
   */
  split(gamma: GammaFunction | number, constantLiar: boolean, perEntry = false): void {
    this.liar = constantLiar;
    this.good.fill(0);
    this.markGood(gamma, this.finished, -1);
    this.goodRowCount = 0;
    this.badRowCount = 0;
    // One entry: nothing to choose, and its own lists below hold the same rows.
    if (this.perEntry.length > 1) {
      for (let r = 0; r < this.size; r++) {
        const group = this.groupOf(r);
        if (group === 1) this.goodRows[this.goodRowCount++] = r;
        else if (group === 2) this.badRows[this.badRowCount++] = r;
      }
    }
    for (let e = 0; e < this.perEntry.length; e++) {
      const rows = this.perEntry[e]!;
      if (perEntry && this.perEntry.length > 1) {
        // The entry's own split: its best gamma(n_e) trials. With the global split, a model that
        // holds few of the overall best trials had almost no good kernels for its params.
        let finished = 0;
        for (let j = 0; j < rows.length; j++) {
          const kind = this.kind[rows.rows[j]!]! as RowKind;
          if (kind === RowKind.Complete || kind === RowKind.Pruned) finished++;
        }
        for (let j = 0; j < rows.length; j++) this.good[rows.rows[j]!] = 0;
        this.markGood(gamma, finished, e);
      }
      rows.goodCount = 0;
      rows.badCount = 0;
      for (let j = 0; j < rows.length; j++) {
        const group = this.groupOf(rows.rows[j]!);
        if (group === 1) rows.good[rows.goodCount++] = j;
        else if (group === 2) rows.bad[rows.badCount++] = j;
      }
    }
  }

  /**
   * Marks the gamma(finished) best completed rows (of entry `e`, or of all when −1), topped up with
   * pruned ones: the first rows of the columns' loss orders (only observations finish).
   */
  private markGood(gamma: GammaFunction | number, finished: number, e: number): void {
    const wanted = goodCount(gamma, finished);
    const remaining = this.columns.markBest(RowKind.Complete, wanted, e, this.good);
    if (remaining > 0) this.columns.markBest(RowKind.Pruned, remaining, e, this.good);
  }

  /**
   * Reads the params of local row j of entry e into the columns (once) and returns their slot, or
   * −1 when a param does not belong to the space.
   */
  read(e: number, j: number): number {
    const rows = this.perEntry[e]!;
    const known = rows.slot[j]!;
    if (known !== UNREAD) return known === INVALID ? -1 : known;
    const entry = this.entries[e]!;
    const r = rows.rows[j]!;
    const point = this.point;
    // An observation's params are parsed once across asks; a pending trial's here.
    const valid = r < this.observed ? this.columns.readParams(r, point, 0) : parseParams(entry, this.pendingParams[r - this.observed]!, point, 0);
    if (!valid) {
      rows.slot[j] = INVALID;
      return -1;
    }
    const dims = entry.dims;
    const at = rows.slots;
    if (at === rows.columns[0]?.length) {
      for (let d = 0; d < dims.length; d++) {
        const bigger = new Float64Array(Math.min(rows.rows.length, 2 * at));
        bigger.set(rows.columns[d]!);
        rows.columns[d] = bigger;
      }
    }
    let index = 0;
    for (let d = 0; d < dims.length; d++) {
      const v = point[d]!;
      rows.columns[d]![at] = v;
      if (rows.taken !== null) {
        const dim = dims[d]!;
        index += (dim.kind === 'categorical' ? v : Math.round((v - dim.low) / dim.step)) * entry.strides[d]!;
      }
    }
    rows.slot[j] = at;
    rows.slots = at + 1;
    if (rows.taken !== null) rows.taken.add(index);
    return at;
  }

  /** 1: good group; 2: bad group; 0: neither. */
  private groupOf(r: number): number {
    if (this.entryOf[r]! < 0) return 0;
    const kind = this.kind[r]! as RowKind;
    if (this.good[r] === 1) return 1;
    if (kind === RowKind.Complete || kind === RowKind.Pruned) return 2;
    return kind === RowKind.Pending && this.liar ? 2 : 0;
  }

  /** Appends a pending row; the params of a finite entry are read at once (to mark the point taken). */
  private push(entryIndex: number, params: Readonly<Record<string, ParamLiteral>>): number {
    const row = this.size++;
    const valid = Number.isInteger(entryIndex) && entryIndex >= 0 && entryIndex < this.entries.length;
    this.kind[row] = valid ? RowKind.Pending : RowKind.Ignored;
    this.entryOf[row] = valid ? entryIndex : -1;
    this.loss[row] = Number.NaN;
    this.pendingParams[row - this.observed] = params;
    if (!valid) return row;
    const rows = this.perEntry[entryIndex]!;
    const at = rows.length++;
    rows.rows[at] = row;
    if (rows.taken !== null) this.read(entryIndex, at);
    return row;
  }
}
