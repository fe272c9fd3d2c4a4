/**
 * A param as a chart axis: numeric (its values, log-scaled when they span orders of magnitude evenly) or
 * categorical (a code per row into a category list). Params are JSON scalars that may mix types
 * (`max_depth` is 5, 10 or null; `max_features` is 'sqrt' or 0.5): a param with any string or missing
 * cell and few distinct values is categorical; a numeric one with a few missing cells stays numeric
 * with NaN where missing (charts leave those rows out of that axis and say how many).
 */
import type { TrialTable } from '../query/index.js';

/** Above this many distinct values a mixed param is drawn as numbers (missing = NaN), not categories. */
const MAX_CATEGORIES = 32;
/** A positive numeric axis spanning more than this ratio is drawn on a log scale. */
const LOG_SPAN = 100;

export interface NumericAxis {
  kind: 'numeric';
  name: string;
  /** Per selected row (NaN = missing or not a number). */
  values: Float64Array;
  min: number;
  max: number;
  log: boolean;
  missing: number;
}

export interface CategoricalAxis {
  kind: 'categorical';
  name: string;
  /** Per selected row: index into `categories`. Missing cells are the category "null". */
  codes: Int32Array;
  categories: string[];
}

export type ParamAxis = NumericAxis | CategoricalAxis;

/** The param `name` over `rows` of `table` as an axis; undefined when the table has no such param. */
export function paramAxis(table: TrialTable, name: string, rows: Uint32Array): ParamAxis | undefined {
  const column = table.param(name);
  if (column === undefined) return undefined;
  const numbers = column.numbers;
  const codes = column.codes;
  const n = rows.length;
  const values = new Float64Array(n);
  let nonNumeric = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const distinct = new Set<number>();
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    const value = numbers === null ? Number.NaN : numbers[row]!;
    values[i] = value;
    if (value !== value) {
      nonNumeric++;
      continue;
    }
    if (value < min) min = value;
    if (value > max) max = value;
    if (distinct.size <= MAX_CATEGORIES) distinct.add(value);
  }
  const stringCells = codes !== null && column.dictionary.size > 0;
  if (nonNumeric === 0 || (distinct.size > MAX_CATEGORIES && !allStrings(nonNumeric, n))) {
    if (min > max) {
      min = 0;
      max = 0;
    }
    return { kind: 'numeric', name, values, min, max, log: drawnOnLogScale(values, min, max), missing: nonNumeric };
  }
  // Categorical: numbers as their text, strings as themselves, missing as "null", in first-seen order
  // sorted numerically where they are numbers.
  const categoryOf = new Map<string, number>();
  const labels: string[] = [];
  const raw = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    const value = values[i]!;
    let label: string;
    if (value === value) label = String(value);
    else {
      const code = stringCells ? codes[row]! : -1;
      label = code >= 0 ? column.dictionary.values[code]! : 'null';
    }
    raw[i] = label;
    if (!categoryOf.has(label)) {
      categoryOf.set(label, labels.length);
      labels.push(label);
    }
  }
  labels.sort(compareLabels);
  for (let k = 0; k < labels.length; k++) categoryOf.set(labels[k]!, k);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = categoryOf.get(raw[i]!)!;
  return { kind: 'categorical', name, codes: out, categories: labels };
}

/**
 * Whether a positive axis spanning orders of magnitude reads better in log space: when its values sit
 * evenly in log space (a log-uniform draw, a grid like 0.01, 0.1, 1, 10) rather than in linear space
 * (a uniform draw over [0.001, 1] also spans 1000×, and a log axis would crowd its values at the top).
 * The median's relative position tells the two apart: ~1/2 on the scale the values were spread on.
 */
function drawnOnLogScale(values: Float64Array, min: number, max: number): boolean {
  if (!(min > 0 && max / min > LOG_SPAN)) return false;
  const present = values.filter((v) => v === v).sort();
  const median = present[present.length >> 1]!;
  const linear = (median - min) / (max - min);
  const log = Math.log(median / min) / Math.log(max / min);
  return Math.abs(log - 0.5) <= Math.abs(linear - 0.5);
}

function allStrings(nonNumeric: number, n: number): boolean {
  return nonNumeric === n;
}

/** Numbers first in numeric order, then text in code-point order, "null" last. */
function compareLabels(a: string, b: string): number {
  if (a === 'null' || b === 'null') return a === b ? 0 : a === 'null' ? 1 : -1;
  const x = Number(a);
  const y = Number(b);
  const xn = a.trim() !== '' && Number.isFinite(x);
  const yn = b.trim() !== '' && Number.isFinite(y);
  if (xn && yn) return x - y;
  if (xn !== yn) return xn ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Position of each row on the axis in [0, 1] (log scale applied; categories evenly spaced), NaN where
 * a numeric value is missing. Writes into `out` when given.
 */
export function axisPositions(
  axis: ParamAxis,
  out: Float64Array = new Float64Array(axis.kind === 'numeric' ? axis.values.length : axis.codes.length),
): Float64Array {
  if (axis.kind === 'categorical') {
    const span = Math.max(1, axis.categories.length - 1);
    for (let i = 0; i < axis.codes.length; i++) out[i] = axis.categories.length === 1 ? 0.5 : axis.codes[i]! / span;
    return out;
  }
  const { values, log } = axis;
  const lo = log ? Math.log(axis.min) : axis.min;
  const hi = log ? Math.log(axis.max) : axis.max;
  const span = hi - lo;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) out[i] = Number.NaN;
    else out[i] = span === 0 ? 0.5 : ((log ? Math.log(v) : v) - lo) / span;
  }
  return out;
}
