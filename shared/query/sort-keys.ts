/**
 * Turns order_by keys into sort columns over the query's item space (the rows of every table laid end
 * to end), so the selection compares plain doubles instead of decoding cells.
 *
 * Each column carries its direction; NaN (or undefined text) marks a missing value, which the
 * comparator puts last in either direction. A plain numeric column of a single-table query is used as
 * it is, without a copy. Values of different kinds follow the filter's total order
 * (scalar-predicate.ts): numbers — including text that spells one — before text, text by code units.
 * A param or tag holding both numbers and text therefore yields two columns, (class, value), where
 * text is replaced by its rank among that field's dictionary strings in every table, so ranks are
 * comparable across sweeps. Names and run ids rarely repeat: ranking them would mean sorting every
 * name per query, so they stay strings and are compared only when the selection asks.
 */
import { isRungScored } from '../search/pruners/pruned-score.js';
import type { ColumnView } from './column-view.js';
import type { OrderKey } from './parse-order-by.js';
import type { ItemComparator } from './select-page.js';
import type { TrialTable } from './trial-table.js';
import { statusCode, TRIAL_TABLE_STATUSES } from './trial-statuses.js';

/** One sort column over the item space, with its direction. */
export type SortColumn =
  | { readonly kind: 'number'; readonly values: Float64Array; readonly descending: boolean }
  | { readonly kind: 'text'; readonly texts: ArrayLike<string | undefined>; readonly descending: boolean };

type KeyValues = Float64Array | ArrayLike<string | undefined>;

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
 * @param mask 1 for candidate items; text keys (name, run_id) are filled for candidates only.
 */
export function buildSortKeys(parts: readonly TablePart[], itemCount: number, orderBy: readonly OrderKey[], mask: Uint8Array): SortColumn[] {
  const keys: SortColumn[] = [];
  for (const key of orderBy) {
    const views = parts.map((part) => part.table.column(key.field));
    const descending = key.direction === 'DESC';
    const columns = keyColumns(parts, views, itemCount, mask);
    const tier = key.field.kind === 'metric' && isRungScored(key.field.key) ? fullScoresFirst(parts, itemCount, columns[0], mask) : null;
    if (tier !== null) keys.push({ kind: 'number', values: tier, descending: false });
    for (const values of columns) {
      keys.push(values instanceof Float64Array ? { kind: 'number', values, descending } : { kind: 'text', texts: values, descending });
    }
  }
  return keys;
}

function keyColumns(parts: readonly TablePart[], views: readonly (ColumnView | undefined)[], itemCount: number, mask: Uint8Array): KeyValues[] {
  const first = views.find((v) => v !== undefined);
  if (first === undefined) return []; // no table has this metric/param/tag: every value missing, no order.
  switch (first.kind) {
    case 'number': {
      // One table: its items are its rows, so the column itself is the sort column.
      if (parts.length === 1) return [first.values];
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
    case 'text': {
      const only = parts[0]!.table;
      // One table ordered by name: the name column is already indexed by item.
      if (parts.length === 1 && first.field.kind === 'attribute' && first.field.key === 'name') return [only.names];
      return [candidateTexts(parts, views, itemCount, mask)];
    }
    case 'dictionary':
    case 'param':
      return scalarColumns(parts, views, itemCount);
  }
}

const PRUNED_CODE = statusCode('pruned');

/**
 * A pruned trial's cv_mean / cv_std come from the last rung it reached, a partial fit (pruned-score.ts):
 * ranked among full scores they would mislead, so they go after every full score and before missing
 * values. The tier column is 0 (full score), 1 (rung score) or NaN (missing); null when no candidate
 * (`mask`) is pruned — sweeps without a pruner, or a filter that drops the pruned rows — which keeps
 * those on the single-key sort.
 */
function fullScoresFirst(parts: readonly TablePart[], itemCount: number, values: KeyValues | undefined, mask: Uint8Array): Float64Array | null {
  if (!(values instanceof Float64Array)) return null;
  let tier: Float64Array | null = null;
  parts.forEach((part) => {
    const view = part.table.column({ kind: 'attribute', key: 'status' });
    if (view?.kind !== 'status') return;
    for (let i = 0; i < part.table.rowCount; i++) {
      if (view.codes[i] !== PRUNED_CODE || mask[part.base + i] === 0) continue;
      if (tier === null) {
        tier = new Float64Array(itemCount);
        for (let item = 0; item < itemCount; item++) if (values[item] !== values[item]) tier[item] = Number.NaN;
      }
      if (tier[part.base + i] === 0) tier[part.base + i] = 1;
    }
  });
  return tier;
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

/** name / run_id of every candidate item (others stay undefined, they are never compared). */
function candidateTexts(
  parts: readonly TablePart[],
  views: readonly (ColumnView | undefined)[],
  itemCount: number,
  mask: Uint8Array,
): Array<string | undefined> {
  const out = new Array<string | undefined>(itemCount).fill(undefined);
  parts.forEach((part, t) => {
    const view = views[t];
    if (view?.kind !== 'text') return;
    for (let i = 0; i < part.table.rowCount; i++) if (mask[part.base + i] === 1) out[part.base + i] = view.valueAt(i);
  });
  return out;
}

/**
 * Compares two items by the sort columns, missing (NaN) last, ties broken by the lower item id —
 * which is the lower (sweep rank, trial index), as items are laid out in that order.
 */
export function itemComparator(keys: readonly SortColumn[]): ItemComparator {
  if (keys.length === 0) return (a, b) => a - b;
  const only = keys[0]!;
  if (keys.length === 1 && only.kind === 'number') {
    // The common single-key case, specialised per direction so the hot comparison has no extra test.
    const k = only.values;
    if (only.descending) {
      return (a, b) => {
        const x = k[a]!;
        const y = k[b]!;
        if (x > y) return -1;
        if (x < y) return 1;
        if (x === y) return a - b;
        if (x !== x) return y !== y ? a - b : 1; // at least one is missing: missing last
        return -1;
      };
    }
    return (a, b) => {
      const x = k[a]!;
      const y = k[b]!;
      if (x < y) return -1;
      if (x > y) return 1;
      if (x === y) return a - b;
      if (x !== x) return y !== y ? a - b : 1;
      return -1;
    };
  }
  const count = keys.length;
  return (a, b) => {
    for (let j = 0; j < count; j++) {
      const key = keys[j]!;
      const c = key.kind === 'number' ? compareNumbers(key.values[a]!, key.values[b]!) : compareTexts(key.texts[a], key.texts[b]);
      if (c === 0) continue;
      // Missing stays last in both directions (±2 below); only real comparisons flip.
      if (c === 2 || c === -2) return c / 2;
      return key.descending ? -c : c;
    }
    return a - b;
  };
}

/** -1 / 0 / 1 for present values; 2 when only `x` is missing, -2 when only `y` is. */
function compareNumbers(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  if (x !== x) return y !== y ? 0 : 2;
  return -2;
}

function compareTexts(x: string | undefined, y: string | undefined): number {
  if (x === undefined) return y === undefined ? 0 : 2;
  if (y === undefined) return -2;
  return x < y ? -1 : x > y ? 1 : 0;
}
