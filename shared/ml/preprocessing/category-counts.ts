/**
 * What a categorical step sees in its fit rows: the categories present (sorted as scikit-learn sorts
 * them, see category-order.ts), their counts, and the number of missing cells. Input columns of another
 * table (prediction data) are matched to fitted categories by string once per dictionary entry, so the
 * per-row work is an Int32Array lookup.
 */
import { InvalidInputError } from '../../errors/index.js';
import { sortedCategoryOrder } from '../dataset/category-order.js';
import type { CategoricalColumn, Column } from '../dataset/table.js';

export interface FitCategories {
  /** Categories present in the fit rows, sorted. */
  categories: string[];
  counts: Int32Array;
  /** Missing cells (code -1) in the fit rows. */
  missing: number;
  /** Rows counted (n_samples). */
  nSamples: number;
}

export function countCategories(column: CategoricalColumn, rows?: Uint32Array): FitCategories {
  const raw = new Int32Array(column.categories.length);
  let missing = 0;
  const codes = column.codes;
  const n = rows === undefined ? codes.length : rows.length;
  if (rows === undefined) {
    for (let i = 0; i < n; i++) {
      const code = codes[i]!;
      if (code < 0) missing++;
      else raw[code]!++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const code = codes[rows[i]!]!;
      if (code < 0) missing++;
      else raw[code]!++;
    }
  }
  const present: string[] = [];
  const presentCounts: number[] = [];
  for (let k = 0; k < raw.length; k++) {
    if (raw[k]! > 0) {
      present.push(column.categories[k]!);
      presentCounts.push(raw[k]!);
    }
  }
  const order = sortedCategoryOrder(present);
  const categories: string[] = new Array<string>(order.length);
  const counts = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    categories[k] = present[order[k]!]!;
    counts[k] = presentCounts[order[k]!]!;
  }
  return { categories, counts, missing, nSamples: n };
}

/** For each dictionary entry of `column`, its index in `fitted` (or -1 when unseen). */
export function lookupCategories(column: CategoricalColumn, index: ReadonlyMap<string, number>): Int32Array {
  const lookup = new Int32Array(column.categories.length);
  for (let k = 0; k < lookup.length; k++) lookup[k] = index.get(column.categories[k]!) ?? -1;
  return lookup;
}

export function indexOf(categories: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let k = 0; k < categories.length; k++) index.set(categories[k]!, k);
  return index;
}

/**
 * A column expected to be categorical. A numeric column (e.g. prediction data whose codes all look like
 * numbers) is converted: each value becomes the text of its number.
 */
export function asCategorical(column: Column): CategoricalColumn {
  if (column.type === 'categorical') return column;
  const ids = new Map<number, number>();
  const categories: string[] = [];
  const codes = new Int32Array(column.values.length);
  for (let i = 0; i < codes.length; i++) {
    const v = column.values[i]!;
    if (v !== v) {
      codes[i] = -1;
      continue;
    }
    let id = ids.get(v);
    if (id === undefined) {
      id = categories.push(String(v)) - 1;
      ids.set(v, id);
    }
    codes[i] = id;
  }
  return { type: 'categorical', name: column.name, codes, categories };
}

/** A column expected to be numeric; categorical input whose every category is a number is converted. */
export function asNumeric(column: Column): Float64Array {
  if (column.type === 'numeric') return column.values;
  const numbers = new Float64Array(column.categories.length);
  for (let k = 0; k < numbers.length; k++) {
    const text = column.categories[k]!.trim();
    const v = text === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(v)) {
      throw new InvalidInputError(
        'INVALID_CSV',
        `column "${column.name}" must be numeric (the model was trained on numbers) but holds "${column.categories[k]!.slice(0, 40)}"`,
        {
          details: { column: column.name },
        },
      );
    }
    numbers[k] = v;
  }
  const values = new Float64Array(column.codes.length);
  for (let i = 0; i < values.length; i++) {
    const code = column.codes[i]!;
    values[i] = code < 0 ? Number.NaN : numbers[code]!;
  }
  return values;
}
