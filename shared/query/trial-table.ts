/**
 * The read model of one sweep's trials: a columnar, growable table the API answers queries from.
 * Rows are trial indexes (dense 0..n-1; a row not yet known is absent, status code 0). Every column
 * is a typed array sized to the table's capacity, which doubles as rows arrive; a metric, param or
 * tag first seen after rows exist gets a new column that reads as missing for the earlier rows.
 *
 * Memory: 8 bytes per metric cell, 4–12 per param cell, 4 per tag cell, plus the name strings:
 * 100k trials × 8 metrics × 8 params with ~45-character names measured ≈ 35 MB, typed arrays
 * included (capacity rounds up to 131,072 rows).
 *
 * Writers are the code that mirrors Redis into the table; readers cache on `revision`, which changes
 * on every mutation. Each mutation touches one row, and the table remembers which (the last
 * {@link CHANGE_JOURNAL_LENGTH} of them), so a cache can bring itself up to date by redoing the rows
 * that changed instead of all 100k (`changedRowsSince`).
 */
import type { ColumnView } from './column-view.js';
import { DictionaryColumn } from './dictionary-column.js';
import type { FieldRef } from './field-ref.js';
import { NumberColumn } from './number-column.js';
import { ParamColumn, type ParamValue } from './param-column.js';
import { parseFieldKey } from './parse-field.js';
import { ABSENT_STATUS_CODE, statusCode, statusOfCode, type TrialTableStatus } from './trial-statuses.js';

/** Highest number of rows a table may hold (indexes 0..MAX_TABLE_ROWS-1). */
export const MAX_TABLE_ROWS = 1 << 24;

/**
 * Most mutations remembered by `changedRowsSince` (a ring of row indexes: 256 KiB at most, and no
 * longer than the table's capacity, so a small table's ring stays small). A cache further behind than
 * that rebuilds; on a running sweep it is seconds of results.
 */
export const CHANGE_JOURNAL_LENGTH = 1 << 16;

/** One trial as the table receives it. Absent or null fields are missing. */
export interface TrialRowInput {
  status: TrialTableStatus;
  name: string;
  model?: string | null;
  params?: Readonly<Record<string, ParamValue>> | null;
  metrics?: Readonly<Record<string, number | null>> | null;
  /** Epoch milliseconds. */
  startedAt?: number | null;
  /** Epoch milliseconds. */
  finishedAt?: number | null;
  durationMs?: number | null;
  tags?: Readonly<Record<string, string | null>> | null;
}

/** One trial as the table gives it back: missing values are left out (params, metrics, tags) or null. */
export interface TrialRow {
  index: number;
  status: TrialTableStatus;
  name: string;
  model: string | null;
  /** Booleans come back as the strings 'true' / 'false'. */
  params: Record<string, string | number>;
  metrics: Record<string, number>;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  tags: Record<string, string>;
}

export interface TrialTableOptions {
  /** The sweep the rows belong to; gives each row its run id `<sweepId>-t<index>` (attributes.run_id). */
  sweepId?: string;
  /** Rows to allocate up front (default 64); the table doubles as needed. */
  initialCapacity?: number;
}

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

/** The journal ring for a table of `capacity` rows: a power of two ≥ capacity, within [64, CHANGE_JOURNAL_LENGTH]. */
function journalLength(capacity: number): number {
  let length = 64;
  while (length < capacity && length < CHANGE_JOURNAL_LENGTH) length *= 2;
  return length;
}

function numberOrNaN(value: unknown): number {
  return typeof value === 'number' ? value : Number.NaN;
}

function nullIfNaN(value: number | undefined): number | null {
  return value === undefined || Number.isNaN(value) ? null : value;
}

export class TrialTable {
  readonly sweepId: string | undefined;
  private capacityRows: number;
  private rowCountValue = 0;
  private presentCount = 0;
  private revisionValue = 0;
  /** Row touched by the mutation that made revision r, at (r - 1) mod its length (a power of two). */
  private changeJournal: Uint32Array;
  /** Mutations before this revision were lost when the journal grew (it keeps only its length's worth). */
  private journalFloor = 0;
  private statusData: Uint8Array;
  private nameData: string[];
  private readonly modelColumn: DictionaryColumn;
  private readonly startedAtColumn: NumberColumn;
  private readonly finishedAtColumn: NumberColumn;
  private readonly durationColumn: NumberColumn;
  private readonly metricColumns = new Map<string, NumberColumn>();
  private readonly paramColumns = new Map<string, ParamColumn>();
  private readonly tagColumns = new Map<string, DictionaryColumn>();
  /** The `index` attribute as numbers, built on first use and kept until the table grows. */
  private indexValues: Float64Array | null = null;

  constructor(options: TrialTableOptions = {}) {
    this.sweepId = options.sweepId;
    const capacity = Math.max(1, Math.min(MAX_TABLE_ROWS, Math.floor(options.initialCapacity ?? 64)));
    this.capacityRows = capacity;
    this.changeJournal = new Uint32Array(journalLength(capacity));
    this.statusData = new Uint8Array(capacity);
    this.nameData = new Array<string>(capacity).fill('');
    this.modelColumn = new DictionaryColumn(capacity);
    this.startedAtColumn = new NumberColumn(capacity);
    this.finishedAtColumn = new NumberColumn(capacity);
    this.durationColumn = new NumberColumn(capacity);
  }

  /** One past the highest index ever written: masks and row loops run over 0..rowCount-1. */
  get rowCount(): number {
    return this.rowCountValue;
  }

  /** Number of present rows. */
  get size(): number {
    return this.presentCount;
  }

  /** Allocated rows (≥ rowCount). */
  get capacity(): number {
    return this.capacityRows;
  }

  /** Changes on every mutation; cache derived results on it. */
  get revision(): number {
    return this.revisionValue;
  }

  /**
   * The rows mutated after `revision` (up to the current one), oldest first, a row once per mutation;
   * null when the journal no longer reaches back that far (rebuild instead).
   */
  changedRowsSince(revision: number): Uint32Array | null {
    const journal = this.changeJournal;
    const count = this.revisionValue - revision;
    if (!Number.isSafeInteger(revision) || count < 0 || count > journal.length || revision < this.journalFloor) return null;
    const rows = new Uint32Array(count);
    const wrap = journal.length - 1;
    for (let k = 0; k < count; k++) rows[k] = journal[(revision + k) & wrap]!;
    return rows;
  }

  /** Status code per row (see trial-statuses.ts; 0 = absent). Replaced when the table grows. */
  get statusCodes(): Uint8Array {
    return this.statusData;
  }

  /** Trial name per row ('' for absent rows). */
  get names(): readonly string[] {
    return this.nameData;
  }

  get model(): DictionaryColumn {
    return this.modelColumn;
  }

  get startedAt(): NumberColumn {
    return this.startedAtColumn;
  }

  get finishedAt(): NumberColumn {
    return this.finishedAtColumn;
  }

  get duration(): NumberColumn {
    return this.durationColumn;
  }

  metric(name: string): NumberColumn | undefined {
    return this.metricColumns.get(name);
  }

  param(name: string): ParamColumn | undefined {
    return this.paramColumns.get(name);
  }

  tag(name: string): DictionaryColumn | undefined {
    return this.tagColumns.get(name);
  }

  /** Metric names with a column, in order of first appearance. */
  metricNames(): string[] {
    return [...this.metricColumns.keys()];
  }

  paramNames(): string[] {
    return [...this.paramColumns.keys()];
  }

  tagNames(): string[] {
    return [...this.tagColumns.keys()];
  }

  /** The run id of a row: `<sweepId>-t<index>` (the trial id), or undefined without a sweep id. */
  runIdOf(index: number): string | undefined {
    return this.sweepId === undefined ? undefined : `${this.sweepId}-t${index}`;
  }

  has(index: number): boolean {
    return (this.statusData[index] ?? ABSENT_STATUS_CODE) !== ABSENT_STATUS_CODE;
  }

  statusOf(index: number): TrialTableStatus | undefined {
    return statusOfCode(this.statusData[index] ?? ABSENT_STATUS_CODE);
  }

  /**
   * A column by field or by key text (`metrics.auc_roc`, `params.max_depth`, `attributes.duration`);
   * undefined when the table has no such metric/param/tag (yet), or for run_id without a sweep id.
   * @throws InvalidInputError INVALID_FILTER when `field` is text that does not name a field.
   */
  column(field: FieldRef | string): ColumnView | undefined {
    const ref = typeof field === 'string' ? parseFieldKey(field) : field;
    switch (ref.kind) {
      case 'metric': {
        const column = this.metricColumns.get(ref.key);
        return column && { kind: 'number', field: ref, values: column.values };
      }
      case 'param': {
        const column = this.paramColumns.get(ref.key);
        return column && { kind: 'param', field: ref, numbers: column.numbers, codes: column.codes, dictionary: column.dictionary };
      }
      case 'tag': {
        const column = this.tagColumns.get(ref.key);
        return column && { kind: 'dictionary', field: ref, codes: column.codes, dictionary: column.dictionary };
      }
      case 'attribute':
        switch (ref.key) {
          case 'status':
            return { kind: 'status', field: ref, codes: this.statusData };
          case 'name':
            return { kind: 'text', field: ref, valueAt: (row) => (this.has(row) ? this.nameData[row] : undefined) };
          case 'run_id':
            // Without a sweep id there are no run ids: the column does not exist, like an unknown metric.
            if (this.sweepId === undefined) return undefined;
            return { kind: 'text', field: ref, valueAt: (row) => (this.has(row) ? this.runIdOf(row) : undefined) };
          case 'model':
            return { kind: 'dictionary', field: ref, codes: this.modelColumn.codes, dictionary: this.modelColumn.dictionary };
          case 'duration':
            return { kind: 'number', field: ref, values: this.durationColumn.values };
          case 'start_time':
            return { kind: 'number', field: ref, values: this.startedAtColumn.values };
          case 'end_time':
            return { kind: 'number', field: ref, values: this.finishedAtColumn.values };
          case 'index':
            return { kind: 'number', field: ref, values: this.rowIndexValues() };
        }
    }
  }

  /** Sets (or overwrites) a row from a full record: fields the record leaves out become missing. */
  upsert(index: number, row: TrialRowInput): void {
    const code = this.checkedStatusCode(row.status);
    this.ensureRow(index);
    if (this.statusData[index] === ABSENT_STATUS_CODE) this.presentCount++;
    this.statusData[index] = code;
    this.nameData[index] = row.name;
    this.modelColumn.set(index, row.model);
    this.startedAtColumn.set(index, numberOrNaN(row.startedAt));
    this.finishedAtColumn.set(index, numberOrNaN(row.finishedAt));
    this.durationColumn.set(index, numberOrNaN(row.durationMs));

    const metrics = row.metrics ?? EMPTY;
    for (const [name, column] of this.metricColumns) column.set(index, Object.hasOwn(metrics, name) ? numberOrNaN(metrics[name]) : Number.NaN);
    for (const name of Object.keys(metrics)) {
      if (this.metricColumns.has(name)) continue;
      const column = new NumberColumn(this.capacityRows);
      column.set(index, numberOrNaN(metrics[name]));
      this.metricColumns.set(name, column);
    }

    const params = row.params ?? EMPTY;
    for (const [name, column] of this.paramColumns) column.set(index, Object.hasOwn(params, name) ? params[name] : null);
    for (const name of Object.keys(params)) {
      if (this.paramColumns.has(name)) continue;
      const column = new ParamColumn(this.capacityRows);
      column.set(index, params[name]);
      this.paramColumns.set(name, column);
    }

    const tags = row.tags ?? EMPTY;
    for (const [name, column] of this.tagColumns) column.set(index, Object.hasOwn(tags, name) ? tags[name] : null);
    for (const name of Object.keys(tags)) {
      if (this.tagColumns.has(name)) continue;
      const column = new DictionaryColumn(this.capacityRows);
      column.set(index, tags[name]);
      this.tagColumns.set(name, column);
    }
    this.recordChange(index);
  }

  /**
   * Changes only the status of a present row (the common update while a sweep runs).
   * @throws RangeError when the row is absent: upsert it first.
   */
  setStatus(index: number, status: TrialTableStatus): void {
    const code = this.checkedStatusCode(status);
    this.checkPresent(index);
    this.statusData[index] = code;
    this.recordChange(index);
  }

  /** Changes only the timings of a present row; fields left out keep their value, null clears. */
  setTimes(index: number, times: { startedAt?: number | null; finishedAt?: number | null; durationMs?: number | null }): void {
    this.checkPresent(index);
    if (times.startedAt !== undefined) this.startedAtColumn.set(index, numberOrNaN(times.startedAt));
    if (times.finishedAt !== undefined) this.finishedAtColumn.set(index, numberOrNaN(times.finishedAt));
    if (times.durationMs !== undefined) this.durationColumn.set(index, numberOrNaN(times.durationMs));
    this.recordChange(index);
  }

  /** Makes a row absent again (its cells are cleared so a later upsert starts clean). */
  remove(index: number): void {
    if (!this.has(index)) return;
    this.statusData[index] = ABSENT_STATUS_CODE;
    this.nameData[index] = '';
    this.modelColumn.set(index, null);
    this.startedAtColumn.set(index, null);
    this.finishedAtColumn.set(index, null);
    this.durationColumn.set(index, null);
    for (const column of this.metricColumns.values()) column.set(index, null);
    for (const column of this.paramColumns.values()) column.set(index, null);
    for (const column of this.tagColumns.values()) column.set(index, null);
    this.presentCount--;
    this.recordChange(index);
  }

  /** The row as a plain record (for responses), or undefined when absent. */
  getRow(index: number): TrialRow | undefined {
    const status = this.statusOf(index);
    if (status === undefined) return undefined;
    const params: Record<string, string | number> = {};
    for (const [name, column] of this.paramColumns) {
      const value = column.get(index);
      if (value !== undefined) params[name] = value;
    }
    const metrics: Record<string, number> = {};
    for (const [name, column] of this.metricColumns) {
      const value = column.values[index]!;
      if (!Number.isNaN(value)) metrics[name] = value;
    }
    const tags: Record<string, string> = {};
    for (const [name, column] of this.tagColumns) {
      const value = column.get(index);
      if (value !== undefined) tags[name] = value;
    }
    return {
      index,
      status,
      name: this.nameData[index]!,
      model: this.modelColumn.get(index) ?? null,
      params,
      metrics,
      startedAt: nullIfNaN(this.startedAtColumn.values[index]),
      finishedAt: nullIfNaN(this.finishedAtColumn.values[index]),
      durationMs: nullIfNaN(this.durationColumn.values[index]),
      tags,
    };
  }

  /** Indexes of all present rows, ascending. */
  presentRows(): Uint32Array {
    const rows = new Uint32Array(this.presentCount);
    const status = this.statusData;
    let k = 0;
    for (let i = 0; i < this.rowCountValue; i++) if (status[i] !== ABSENT_STATUS_CODE) rows[k++] = i;
    return rows;
  }

  /** Counts a mutation of `row` and journals it. */
  private recordChange(row: number): void {
    const journal = this.changeJournal;
    journal[this.revisionValue & (journal.length - 1)] = row;
    this.revisionValue++;
  }

  private rowIndexValues(): Float64Array {
    if (this.indexValues === null || this.indexValues.length !== this.capacityRows) {
      const values = new Float64Array(this.capacityRows);
      for (let i = 0; i < values.length; i++) values[i] = i;
      this.indexValues = values;
    }
    return this.indexValues;
  }

  private checkedStatusCode(status: string): number {
    const code = statusCode(status);
    if (code === ABSENT_STATUS_CODE) throw new RangeError(`unknown trial status ${JSON.stringify(status)}`);
    return code;
  }

  private checkPresent(index: number): void {
    if (!this.has(index)) throw new RangeError(`trial ${index} is not in the table; upsert it first`);
  }

  /** Grows the table so `index` is a valid row and counts it in rowCount. */
  private ensureRow(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= MAX_TABLE_ROWS) {
      throw new RangeError(`trial index must be an integer in [0, ${MAX_TABLE_ROWS}), got ${index}`);
    }
    if (index >= this.capacityRows) this.grow(Math.min(MAX_TABLE_ROWS, Math.max(this.capacityRows * 2, index + 1)));
    if (index >= this.rowCountValue) this.rowCountValue = index + 1;
  }

  private grow(capacity: number): void {
    const status = new Uint8Array(capacity);
    status.set(this.statusData);
    this.statusData = status;
    const names = new Array<string>(capacity).fill('');
    for (let i = 0; i < this.rowCountValue; i++) names[i] = this.nameData[i]!;
    this.nameData = names;
    this.modelColumn.grow(capacity);
    this.startedAtColumn.grow(capacity);
    this.finishedAtColumn.grow(capacity);
    this.durationColumn.grow(capacity);
    for (const column of this.metricColumns.values()) column.grow(capacity);
    for (const column of this.paramColumns.values()) column.grow(capacity);
    for (const column of this.tagColumns.values()) column.grow(capacity);
    this.capacityRows = capacity;
    this.growJournal(journalLength(capacity));
  }

  /** A longer ring holding the same recent mutations at their new positions. */
  private growJournal(length: number): void {
    const old = this.changeJournal;
    if (length <= old.length) return;
    const journal = new Uint32Array(length);
    const kept = Math.min(old.length, this.revisionValue);
    for (let r = this.revisionValue - kept; r < this.revisionValue; r++) journal[r & (length - 1)] = old[r & (old.length - 1)]!;
    this.changeJournal = journal;
    this.journalFloor = Math.max(this.journalFloor, this.revisionValue - kept);
  }
}
