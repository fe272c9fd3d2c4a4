/**
 * The body of an MLflow scoring request (`POST /invocations`, JSON) as a typed table for a pipeline:
 * the data goes straight from the parsed JSON into one typed array per input column (no row objects,
 * no intermediate DataFrame). Accepted shapes, as MLflow's scoring server takes them
 * (mlflow/pyfunc/scoring_server: exactly one of these keys, plus optional `params`):
 *
 * - `dataframe_split`: `{columns: [...], data: [[...], ...], index?}` (pandas `orient="split"`);
 * - `dataframe_records`: `[{column: value, ...}, ...]` (pandas `orient="records"`); a key absent from a
 *   record is a missing value, a key absent from every record a missing column;
 * - `inputs` / `instances` (TF-serving): a list of records, a list of rows in the pipeline's column
 *   order, or (`inputs` only) columns `{column: [values], ...}`.
 *
 * Columns are matched by name (extra ones ignored) and typed as in training: numeric columns take JSON
 * numbers and null (missing); categorical columns take strings, numbers (as their text, `8` → "8"),
 * booleans (`True`/`False`, as pandas prints them) and null (missing). Strings are taken literally, as
 * sweepq reads typed (Parquet) files. Errors name the column and the row (0-based, as in the JSON).
 */
import { InvalidInputError, SweepqError } from '../errors/index.js';
import type { InputColumn } from '../ml/pipeline.js';
import type { Column, Table } from '../ml/dataset/table.js';

/** The request's keys that hold data; exactly one must be present. */
export const INVOCATION_FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
export type InvocationFormat = (typeof INVOCATION_FORMATS)[number];

export interface InvocationTable {
  table: Table;
  /** The request's `params` object (empty when absent). */
  params: Record<string, unknown>;
  format: InvocationFormat;
}

const NUMERIC = 0;
const CATEGORICAL = 1;

/** One input column being filled. */
interface ColumnFill {
  readonly name: string;
  readonly kind: typeof NUMERIC | typeof CATEGORICAL;
  readonly values: Float64Array;
  readonly codes: Int32Array;
  readonly ids: Map<string, number>;
  readonly categories: string[];
}

/** Thrown for a request whose row count is over the limit (413). */
export function tooManyRows(rows: number, maxRows: number): SweepqError {
  return new InvalidInputError(
    'PAYLOAD_TOO_LARGE',
    `the request holds ${rows} rows; at most ${maxRows} are scored per request: split the data into batches of ${maxRows} rows or fewer`,
    {
      details: { rows, maxRows },
    },
  );
}

function invalid(message: string, path?: string, details?: unknown): InvalidInputError {
  return new InvalidInputError('INVALID_ARGUMENT', message, {
    ...(path === undefined ? {} : { location: { path } }),
    ...(details === undefined ? {} : { details }),
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Short JSON of a value for messages. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function createFills(columns: readonly InputColumn[], nRows: number): ColumnFill[] {
  const fills: ColumnFill[] = new Array<ColumnFill>(columns.length);
  for (let c = 0; c < columns.length; c++) {
    const numeric = columns[c]!.type === 'numeric';
    fills[c] = {
      name: columns[c]!.name,
      kind: numeric ? NUMERIC : CATEGORICAL,
      values: numeric ? new Float64Array(nRows) : EMPTY_F64,
      codes: numeric ? EMPTY_I32 : new Int32Array(nRows),
      ids: new Map<string, number>(),
      categories: [],
    };
  }
  return fills;
}

const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

/**
 * Writes one cell. The common cases (a finite number in a numeric column, a string in a categorical
 * one) take the first branch; everything else is checked in {@link slowCell}.
 */
function setCell(fill: ColumnFill, row: number, value: unknown, where: string): void {
  if (fill.kind === NUMERIC) {
    if (typeof value === 'number' && value - value === 0) fill.values[row] = value;
    else fill.values[row] = slowNumeric(fill, value, where);
    return;
  }
  fill.codes[row] = typeof value === 'string' ? codeOf(fill, value) : slowCategorical(fill, value, where);
}

function codeOf(fill: ColumnFill, text: string): number {
  let id = fill.ids.get(text);
  if (id === undefined) {
    id = fill.categories.length;
    fill.categories.push(text);
    fill.ids.set(text, id);
  }
  return id;
}

function slowNumeric(fill: ColumnFill, value: unknown, where: string): number {
  if (value === null || value === undefined) return Number.NaN;
  let problem: string;
  if (typeof value === 'number') problem = `${value > 0 ? 'Infinity' : '-Infinity'} is not a valid value (infinite inputs are refused, as scikit-learn does)`;
  else if (typeof value === 'string') problem = `${shown(value)} is a string, but the column is numeric: send JSON numbers (null for a missing value)`;
  else problem = `${shown(value)} is not a number: numeric columns take JSON numbers (null for a missing value)`;
  throw invalid(`${where}: column "${fill.name}": ${problem}`, where, { column: fill.name });
}

function slowCategorical(fill: ColumnFill, value: unknown, where: string): number {
  if (value === null || value === undefined) return -1;
  if (typeof value === 'number') {
    if (value - value !== 0)
      throw invalid(
        `${where}: column "${fill.name}": ${value !== value ? 'NaN' : 'an infinite number'} is not a category (send null for a missing value)`,
        where,
        { column: fill.name },
      );
    return codeOf(fill, String(value));
  }
  if (typeof value === 'boolean') return codeOf(fill, value ? 'True' : 'False');
  throw invalid(`${where}: column "${fill.name}": ${shown(value)} is not a category: categorical columns take strings, numbers, booleans or null`, where, {
    column: fill.name,
  });
}

function finish(fills: readonly ColumnFill[], nRows: number): Table {
  const columns: Column[] = new Array<Column>(fills.length);
  for (let c = 0; c < fills.length; c++) {
    const fill = fills[c]!;
    columns[c] =
      fill.kind === NUMERIC
        ? { type: 'numeric', name: fill.name, values: fill.values }
        : { type: 'categorical', name: fill.name, codes: fill.codes, categories: fill.categories };
  }
  return { nRows, columns };
}

function missingColumns(where: string, missing: readonly string[]): InvalidInputError {
  return invalid(`${where} lacks ${missing.length} column(s) the model was trained on: ${missing.join(', ')}`, where, { missing });
}

function checkRowCount(rows: number, maxRows: number): void {
  if (rows > maxRows) throw tooManyRows(rows, maxRows);
}

/** `dataframe_split`: named columns, rows as lists. */
function fromSplit(split: unknown, columns: readonly InputColumn[], maxRows: number): Table {
  if (!isPlainObject(split) || !Array.isArray(split.columns) || !Array.isArray(split.data)) {
    throw invalid(
      'dataframe_split must be an object {"columns": [names], "data": [[row values], ...]} (pandas DataFrame.to_dict(orient="split"))',
      'dataframe_split',
    );
  }
  const names = split.columns as unknown[];
  const data = split.data as unknown[];
  checkRowCount(data.length, maxRows);
  const position = new Map<string, number>();
  for (let p = 0; p < names.length; p++) {
    const name = names[p];
    if (typeof name !== 'string') throw invalid(`dataframe_split.columns[${p}] is ${shown(name)}, not a column name`, `dataframe_split.columns[${p}]`);
    if (position.has(name)) throw invalid(`dataframe_split.columns names "${name}" twice`, `dataframe_split.columns[${p}]`);
    position.set(name, p);
  }
  const positions = new Int32Array(columns.length);
  const missing: string[] = [];
  for (let c = 0; c < columns.length; c++) {
    const p = position.get(columns[c]!.name);
    if (p === undefined) missing.push(columns[c]!.name);
    else positions[c] = p;
  }
  if (missing.length > 0) throw missingColumns('dataframe_split.columns', missing);
  const n = data.length;
  const width = names.length;
  const fills = createFills(columns, n);
  for (let i = 0; i < n; i++) {
    const row = data[i];
    if (!Array.isArray(row) || row.length !== width) {
      throw invalid(
        `dataframe_split.data[${i}] must be a list of ${width} values (one per name in columns), got ${Array.isArray(row) ? `${row.length} values` : shown(row)}`,
        `dataframe_split.data[${i}]`,
      );
    }
    for (let c = 0; c < fills.length; c++) {
      const fill = fills[c]!;
      const value: unknown = row[positions[c]!];
      // Inlined fast path of setCell: one finite number per numeric cell.
      if (fill.kind === NUMERIC && typeof value === 'number' && value - value === 0) fill.values[i] = value;
      else setCell(fill, i, value, `dataframe_split.data[${i}]`);
    }
  }
  return finish(fills, n);
}

/** A value read from a record; prototype properties (a column named `constructor`) are not values. */
function recordValue(record: Record<string, unknown>, name: string): unknown {
  const value = record[name];
  if (value !== null && (typeof value === 'object' || typeof value === 'function') && !Object.hasOwn(record, name)) return undefined;
  return value;
}

/** A list of records: `dataframe_records`, or `instances` / `inputs` holding records. */
function fromRecords(records: unknown[], key: string, columns: readonly InputColumn[], maxRows: number): Table {
  checkRowCount(records.length, maxRows);
  const n = records.length;
  const fills = createFills(columns, n);
  const absent = new Int32Array(columns.length);
  for (let i = 0; i < n; i++) {
    const record = records[i];
    if (!isPlainObject(record)) throw invalid(`${key}[${i}] must be an object {column: value, ...}, got ${shown(record)}`, `${key}[${i}]`);
    for (let c = 0; c < fills.length; c++) {
      const fill = fills[c]!;
      const value = recordValue(record, fill.name);
      if (value === undefined) absent[c]!++;
      if (fill.kind === NUMERIC && typeof value === 'number' && value - value === 0) fill.values[i] = value;
      else setCell(fill, i, value, `${key}[${i}]`);
    }
  }
  if (n > 0) {
    const missing: string[] = [];
    for (let c = 0; c < columns.length; c++) if (absent[c] === n) missing.push(columns[c]!.name);
    if (missing.length > 0) throw missingColumns(`the records of ${key}`, missing);
  }
  return finish(fills, n);
}

/** A list of rows without names (`instances` / `inputs`): values in the pipeline's column order. */
function fromRows(rows: unknown[], key: string, columns: readonly InputColumn[], maxRows: number): Table {
  checkRowCount(rows.length, maxRows);
  const n = rows.length;
  const fills = createFills(columns, n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw invalid(
        `${key}[${i}] must be a list of ${columns.length} values in the model's column order (${columns.map((c) => c.name).join(', ')}), got ${Array.isArray(row) ? `${row.length} values` : shown(row)}; send records or dataframe_split to name the columns`,
        `${key}[${i}]`,
      );
    }
    for (let c = 0; c < fills.length; c++) setCell(fills[c]!, i, row[c], `${key}[${i}]`);
  }
  return finish(fills, n);
}

/** `inputs` as columns: `{column: [values], ...}`. */
function fromColumns(object: Record<string, unknown>, key: string, columns: readonly InputColumn[], maxRows: number): Table {
  const missing = columns.filter((c) => !Object.hasOwn(object, c.name)).map((c) => c.name);
  if (missing.length > 0) throw missingColumns(key, missing);
  let n = -1;
  for (const column of columns) {
    const values = object[column.name];
    const where = `${key}.${column.name}`;
    if (!Array.isArray(values)) throw invalid(`${where} must be a list of values (one per row), got ${shown(values)}`, where);
    if (n === -1) {
      n = values.length;
      checkRowCount(n, maxRows);
    } else if (values.length !== n)
      throw invalid(`${where} has ${values.length} values, ${key}.${columns[0]!.name} has ${n}: every column needs one value per row`, where);
  }
  n = Math.max(n, 0);
  const fills = createFills(columns, n);
  for (let c = 0; c < fills.length; c++) {
    const fill = fills[c]!;
    const values = object[fill.name] as unknown[];
    for (let i = 0; i < n; i++) setCell(fill, i, values[i], `${key}.${fill.name}[${i}]`);
  }
  return finish(fills, n);
}

/**
 * The table and params of a parsed JSON scoring request.
 * @throws InvalidInputError INVALID_ARGUMENT naming the key, column and row of the first problem;
 *   PAYLOAD_TOO_LARGE past `maxRows` (checked before any column is filled).
 */
export function tableFromInvocation(doc: unknown, columns: readonly InputColumn[], maxRows: number): InvocationTable {
  if (!isPlainObject(doc)) {
    throw invalid(`the request must be a JSON object with exactly one of ${INVOCATION_FORMATS.join(', ')}, got ${Array.isArray(doc) ? 'a list' : shown(doc)}`);
  }
  const present = INVOCATION_FORMATS.filter((key) => Object.hasOwn(doc, key));
  if (present.length !== 1) {
    throw invalid(
      `the request must hold exactly one of ${INVOCATION_FORMATS.join(', ')}; it holds ${present.length === 0 ? `none (keys: ${Object.keys(doc).slice(0, 10).join(', ') || 'none'})` : present.join(' and ')}`,
    );
  }
  const format = present[0]!;
  const params = doc.params ?? {};
  if (!isPlainObject(params)) throw invalid(`params must be an object, got ${shown(params)}`, 'params');
  const body = doc[format];
  let table: Table;
  if (format === 'dataframe_split') table = fromSplit(body, columns, maxRows);
  else if (format === 'inputs' && isPlainObject(body)) table = fromColumns(body, format, columns, maxRows);
  else if (!Array.isArray(body)) {
    throw invalid(
      `${format} must be a list of ${format === 'dataframe_records' ? 'records' : 'records or rows'}${format === 'inputs' ? ' or an object of columns' : ''}, got ${shown(body)}`,
      format,
    );
  } else if (format !== 'dataframe_records' && body.length > 0 && Array.isArray(body[0])) table = fromRows(body, format, columns, maxRows);
  else table = fromRecords(body, format, columns, maxRows);
  return { table, params, format };
}
