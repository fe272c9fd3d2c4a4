/**
 * Turns order_by keys into Float64Array sort columns over the query's item space (the rows of every
 * table laid end to end), so the selection compares plain doubles instead of decoding cells.
 *
 * Each column is already in the requested direction (DESC is negated) and NaN marks a missing value,
 * which the comparator puts last in either direction. Values of different kinds are mapped to the
 * filter's total order (scalar-predicate.ts): numbers — including text that spells one — before
 * text, text by code units. A field holding both numbers and text therefore yields two columns,
 * (class, value); text is replaced by its rank among all texts of that field in every table, so
 * ranks are comparable across sweeps.
 */
import type { ColumnView } from './column-view.js';
import type { OrderKey } from './parse-order-by.js';
import type { ItemComparator } from './select-page.js';
import type { TrialTable } from './trial-table.js';
import { TRIAL_TABLE_STATUSES } from './trial-statuses.js';

/** One table's place in the item space: its rows are items base..base+rowCount-1. */
export interface TablePart {
  readonly table: TrialTable;
  readonly base: number;
}

/** Status rank in alphabetical order of the names (statuses sort as text), by status code. */
const STATUS_RANK: Float64Array = (() => {
  const sorted = [...TRIAL_TABLE_STATUSES].sort();
  const rank = new Float64Array(TRIAL_TABLE_STATUSES.length + 1).fill(Number.NaN);
  TRIAL_TABLE_STATUSES.forEach((status, i) => (rank[i + 1] = sorted.indexOf(status)));
  return rank;
})();

/**
 * The sort columns for `orderBy`, each of length `itemCount`.
 * @param mask 1 for candidate items; text keys (name, run_id) are ranked over candidates only.
 */
export function buildSortKeys(parts: readonly TablePart[], itemCount: number, orderBy: readonly OrderKey[], mask: Uint8Array): Float64Array[] {
  const keys: Float64Array[] = [];
  for (const key of orderBy) {
    const views = parts.map((part) => part.table.column(key.field));
    const columns = keyColumns(parts, views, itemCount, mask);
    if (key.direction === 'DESC') for (const column of columns) negate(column, itemCount);
    keys.push(...columns);
  }
  return keys;
}

function keyColumns(parts: readonly TablePart[], views: readonly (ColumnView | undefined)[], itemCount: number, mask: Uint8Array): Float64Array[] {
  const first = views.find((v) => v !== undefined);
  if (first === undefined) return []; // no table has this metric/param/tag: every value missing, no order.
  switch (first.kind) {
    case 'number': {
      const out = new Float64Array(itemCount).fill(Number.NaN);
      parts.forEach((part, t) => {
        const view = views[t];
        if (view?.kind === 'number') out.set(view.values.subarray(0, part.table.rowCount), part.base);
      });
      return [out];
    }
    case 'status': {
      const out = new Float64Array(itemCount).fill(Number.NaN);
      parts.forEach((part, t) => {
        const view = views[t];
        if (view?.kind !== 'status') return;
        for (let i = 0; i < part.table.rowCount; i++) out[part.base + i] = STATUS_RANK[view.codes[i]!]!;
      });
      return [out];
    }
    case 'text':
      return [textRanks(parts, views, itemCount, mask)];
    case 'dictionary':
    case 'param':
      return scalarColumns(parts, views, itemCount);
  }
}

/** Params, tags and model: numbers and text in the filter's total order (module comment). */
function scalarColumns(parts: readonly TablePart[], views: readonly (ColumnView | undefined)[], itemCount: number): Float64Array[] {
  // Rank every non-numeric text across all tables' dictionaries.
  const texts = new Set<string>();
  for (const view of views) {
    if (view?.kind !== 'dictionary' && view?.kind !== 'param') continue;
    const numeric = view.dictionary.numericValues;
    view.dictionary.values.forEach((text, code) => {
      if (Number.isNaN(numeric[code]!)) texts.add(text);
    });
  }
  const textRank = new Map<string, number>();
  [...texts].sort().forEach((text, rank) => textRank.set(text, rank));

  const kind = new Float64Array(itemCount).fill(Number.NaN); // 0 = number, 1 = text, NaN = missing
  const value = new Float64Array(itemCount).fill(Number.NaN);
  let sawNumber = false;
  let sawText = false;
  parts.forEach((part, t) => {
    const view = views[t];
    if (view?.kind !== 'dictionary' && view?.kind !== 'param') return;
    const numbers = view.kind === 'param' ? view.numbers : null;
    const codes = view.codes;
    const dictNumbers = view.dictionary.numericValues;
    const codeRank = view.dictionary.values.map((text, code) => (Number.isNaN(dictNumbers[code]!) ? textRank.get(text)! : Number.NaN));
    const n = part.table.rowCount;
    for (let i = 0; i < n; i++) {
      const item = part.base + i;
      const number = numbers === null ? Number.NaN : numbers[i]!;
      if (number === number) {
        kind[item] = 0;
        value[item] = number;
        sawNumber = true;
        continue;
      }
      const code = codes === null ? -1 : codes[i]!;
      if (code < 0) continue;
      const spelled = dictNumbers[code]!;
      if (spelled === spelled) {
        kind[item] = 0;
        value[item] = spelled;
        sawNumber = true;
      } else {
        kind[item] = 1;
        value[item] = codeRank[code]!;
        sawText = true;
      }
    }
  });
  // One column suffices unless both kinds occur (then the kind decides first).
  return sawNumber && sawText ? [kind, value] : [value];
}

/** name / run_id: rank of each candidate's text among the candidates' texts. */
function textRanks(parts: readonly TablePart[], views: readonly (ColumnView | undefined)[], itemCount: number, mask: Uint8Array): Float64Array {
  const out = new Float64Array(itemCount).fill(Number.NaN);
  const texts: string[] = [];
  parts.forEach((part, t) => {
    const view = views[t];
    if (view?.kind !== 'text') return;
    for (let i = 0; i < part.table.rowCount; i++) if (mask[part.base + i] === 1) texts.push(view.valueAt(i) ?? '');
  });
  const unique = [...new Set(texts)].sort();
  const rank = new Map<string, number>();
  for (let r = 0; r < unique.length; r++) rank.set(unique[r]!, r);
  parts.forEach((part, t) => {
    const view = views[t];
    if (view?.kind !== 'text') return;
    for (let i = 0; i < part.table.rowCount; i++) {
      const item = part.base + i;
      if (mask[item] !== 1) continue;
      const text = view.valueAt(i);
      if (text !== undefined) out[item] = rank.get(text)!;
    }
  });
  return out;
}

function negate(column: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) column[i] = -column[i]!;
}

/**
 * Compares two items by the sort columns, missing (NaN) last, ties broken by the lower item id —
 * which is the lower (sweep rank, trial index), as items are laid out in that order.
 */
export function itemComparator(keys: readonly Float64Array[]): ItemComparator {
  if (keys.length === 0) return (a, b) => a - b;
  if (keys.length === 1) {
    const k = keys[0]!;
    return (a, b) => {
      const x = k[a]!;
      const y = k[b]!;
      if (x < y) return -1;
      if (x > y) return 1;
      if (x === y) return a - b;
      // At least one is missing.
      if (x !== x) return y !== y ? a - b : 1;
      return -1;
    };
  }
  const count = keys.length;
  return (a, b) => {
    for (let j = 0; j < count; j++) {
      const k = keys[j]!;
      const x = k[a]!;
      const y = k[b]!;
      if (x < y) return -1;
      if (x > y) return 1;
      if (x === y) continue;
      if (x !== x) {
        if (y !== y) continue;
        return 1;
      }
      return -1;
    }
    return a - b;
  };
}
