/**
 * Read access to one column of a TrialTable, for the query engine and for later readers (charts,
 * group-by): the raw typed arrays, no copies. A view is valid until the table's next mutation (a
 * write may grow the table and replace its arrays) — take views after checking `table.revision`.
 */
import type { FieldRef } from './field-ref.js';
import type { StringDictionary } from './string-dictionary.js';

/** Numbers by row, NaN = missing (metrics, duration, start_time, end_time, index). */
export interface NumberColumnView {
  readonly kind: 'number';
  readonly field: FieldRef;
  readonly values: Float64Array;
}

/** Dictionary-coded strings by row, -1 = missing (model, tags). */
export interface DictionaryColumnView {
  readonly kind: 'dictionary';
  readonly field: FieldRef;
  readonly codes: Int32Array;
  readonly dictionary: StringDictionary;
}

/** A param: per row a number (`numbers`, NaN = none), a string (`codes`, -1 = none) or neither (missing). */
export interface ParamColumnView {
  readonly kind: 'param';
  readonly field: FieldRef;
  /** Null while no row holds a number. */
  readonly numbers: Float64Array | null;
  /** Null while no row holds a string. */
  readonly codes: Int32Array | null;
  readonly dictionary: StringDictionary;
}

/** Status codes by row (index into TRIAL_TABLE_STATUSES plus one; 0 = absent row). */
export interface StatusColumnView {
  readonly kind: 'status';
  readonly field: FieldRef;
  readonly codes: Uint8Array;
}

/** Per-row strings that rarely repeat (name, run_id), read one row at a time. */
export interface TextColumnView {
  readonly kind: 'text';
  readonly field: FieldRef;
  /** The row's text, undefined for an absent row. */
  valueAt(row: number): string | undefined;
}

export type ColumnView = NumberColumnView | DictionaryColumnView | ParamColumnView | StatusColumnView | TextColumnView;

/**
 * The numeric value of `view` at each of `rows` (NaN where missing or not a number; strings that
 * spell a number count as that number). Writes into `out` when given (length ≥ rows.length).
 */
export function gatherNumbers(view: ColumnView, rows: Uint32Array, out: Float64Array = new Float64Array(rows.length)): Float64Array {
  const n = rows.length;
  switch (view.kind) {
    case 'number': {
      const values = view.values;
      for (let i = 0; i < n; i++) out[i] = values[rows[i]!]!;
      return out;
    }
    case 'dictionary': {
      const codes = view.codes;
      const numeric = view.dictionary.numericValues;
      for (let i = 0; i < n; i++) {
        const code = codes[rows[i]!]!;
        out[i] = code < 0 ? Number.NaN : numeric[code]!;
      }
      return out;
    }
    case 'param': {
      const numbers = view.numbers;
      const codes = view.codes;
      const numeric = view.dictionary.numericValues;
      for (let i = 0; i < n; i++) {
        const row = rows[i]!;
        let value = numbers === null ? Number.NaN : numbers[row]!;
        if (value !== value && codes !== null) {
          const code = codes[row]!;
          if (code >= 0) value = numeric[code]!;
        }
        out[i] = value;
      }
      return out;
    }
    case 'status':
    case 'text':
      out.fill(Number.NaN, 0, n);
      return out;
  }
}
