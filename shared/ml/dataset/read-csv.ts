/**
 * CSV → columnar Dataset. One pass over the string with `charCodeAt`: no `split('\n')`, no row
 * objects; numeric cells go straight into per-column Float64Arrays that grow by doubling.
 *
 * Accepted format (what pandas.read_csv + scikit-learn accept for a numeric feature table):
 * - a header row; one named target column anywhere, every other column is a numeric feature;
 * - `,` separators, `"…"` quoting with `""` as an escaped quote, LF or CRLF line endings, a leading
 *   UTF-8 BOM, blank lines (skipped, as pandas' `skip_blank_lines`);
 * - missing feature values: an empty cell or one of {@link MISSING_TOKENS} (NaN in the dataset);
 * - numbers in decimal notation with optional sign and exponent (`-1.5e-3`, `.5`, `+2`); hex,
 *   `inf`/`Infinity` and anything else are rejected because scikit-learn rejects infinities and a
 *   silently mis-parsed cell is worse than a clear error.
 */
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../../errors/index.js';
import type { Dataset } from './dataset.js';

export interface ParseCsvOptions {
  /** Name of the label column. */
  /**
   * Name of the label column; `null` reads features only (prediction input): `y` is then all zeros and
   * `classes` empty.
   */
  target: string | null;
  /**
   * Read only these feature columns (others, e.g. an id or a label column of a prediction file, are
   * skipped unparsed). Default: every column except the target.
   */
  onlyColumns?: ReadonlySet<string>;
  /** File name used in error locations and messages. */
  source?: string;
}

/** Cells longer than this are rejected: no real numeric/label cell is that long, a broken quote is. */
export const MAX_CELL_CHARS = 1000;

/** Cell values read as a missing feature value (a subset of pandas' default `na_values`). */
export const MISSING_TOKENS: readonly string[] = ['NaN', 'nan', '-NaN', '-nan', 'NA', 'N/A', 'n/a', 'null', 'NULL'];

const MISSING_SET: ReadonlySet<string> = new Set(MISSING_TOKENS);

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const LOWER_E = 101;
const UPPER_E = 69;

/** Mutable scanner state, kept in one object so the hot loop reads plain fields. */
interface Cursor {
  text: string;
  pos: number;
  /** 1-based line of `pos`. */
  line: number;
  /** Start/end of the current cell's raw content (quotes excluded for quoted cells). */
  start: number;
  end: number;
  quoted: boolean;
  /** A quoted cell containing `""`: its value needs unescaping. */
  escaped: boolean;
  /** Character that ended the cell: COMMA, LF (also for CRLF) or -1 at end of input. */
  terminator: number;
}

/**
 * Parses CSV text into a Dataset.
 * @throws InvalidInputError `INVALID_CSV` with `location: { file, line, column }` for any malformed input.
 */
export function parseCsv(text: string, options: ParseCsvOptions): Dataset {
  const source = options.source;
  const where = source ?? 'CSV';
  const fail = (message: string, line?: number, column?: number): never => {
    throw new InvalidInputError('INVALID_CSV', message, {
      location: {
        ...(source === undefined ? {} : { file: source }),
        ...(line === undefined ? {} : { line }),
        ...(column === undefined ? {} : { column }),
      },
    });
  };

  const cur: Cursor = { text, pos: 0, line: 1, start: 0, end: 0, quoted: false, escaped: false, terminator: -1 };
  if (text.charCodeAt(0) === 0xfeff) cur.pos = 1;
  skipBlankLines(cur);
  if (cur.pos >= text.length) fail(`${where} is empty: expected a header row and at least one data row`, 1);

  // Header.
  const headerLine = cur.line;
  const names: string[] = [];
  for (;;) {
    const column = names.length + 1;
    if (!scanCell(cur)) fail(`${where} line ${cur.line}: unterminated quoted field in the header; close the quote with "`, cur.line, column);
    if (cur.end - cur.start > MAX_CELL_CHARS) {
      fail(`${where} line ${headerLine}, column ${column}: header cell is longer than ${MAX_CELL_CHARS} characters; is a quote missing its closing "?`, headerLine, column);
    }
    const name = cellString(cur).trim();
    if (name.length === 0) {
      fail(`${where} line ${headerLine}: column ${column} has an empty name; give every column a name in the header row`, headerLine, column);
    }
    names.push(name);
    if (cur.terminator !== COMMA) break;
  }
  const seen = new Map<string, number>();
  for (let c = 0; c < names.length; c++) {
    const previous = seen.get(names[c]!);
    if (previous !== undefined) {
      fail(`${where} line ${headerLine}: duplicate column name "${truncate(names[c]!)}" (columns ${previous + 1} and ${c + 1}); column names must be unique`, headerLine, c + 1);
    }
    seen.set(names[c]!, c);
  }
  const target = options.target;
  const targetIndex = target === null ? -1 : seen.get(target.trim());
  if (targetIndex === undefined) {
    fail(`${where}: target column "${truncate(target ?? '')}" not found; available columns: ${names.map((n) => truncate(n)).join(', ')}`, headerLine);
  }
  const nColumns = names.length;
  // Column role: -2 skipped, -1 target, else the feature index.
  const role = new Int32Array(nColumns);
  const featureNames: string[] = [];
  for (let c = 0; c < nColumns; c++) {
    if (c === targetIndex) role[c] = -1;
    else if (options.onlyColumns !== undefined && !options.onlyColumns.has(names[c]!)) role[c] = -2;
    else role[c] = featureNames.push(names[c]!) - 1;
  }
  const nFeatures = featureNames.length;
  if (nFeatures < 1) fail(`${where}: no feature columns to read (columns: ${names.map((n) => truncate(n)).join(', ')}); add at least one feature column`, headerLine);

  // Capacity guess from the first data row's length; grows by doubling when wrong.
  skipBlankLines(cur);
  const firstRowEnd = text.indexOf('\n', cur.pos);
  const firstRowLength = Math.max(1, (firstRowEnd < 0 ? text.length : firstRowEnd + 1) - cur.pos);
  let capacity = Math.max(16, Math.ceil((text.length - cur.pos) / firstRowLength) + 16);
  let columns: Float64Array[] = [];
  for (let f = 0; f < nFeatures; f++) columns.push(new Float64Array(capacity));
  let labelIds = new Int32Array(capacity);
  const labelIndex = new Map<string, number>();
  const labels: string[] = [];

  let nRows = 0;
  while (cur.pos < text.length) {
    const line = cur.line;
    if (nRows === capacity) {
      capacity *= 2;
      columns = growColumns(columns, capacity);
      const grown = new Int32Array(capacity);
      grown.set(labelIds);
      labelIds = grown;
    }
    let column = 0;
    for (;;) {
      if (!scanCell(cur)) fail(`${where} line ${line}, column ${column + 1}: unterminated quoted field; close the quote with "`, line, column + 1);
      if (column >= nColumns) {
        fail(`${where} line ${line} has more fields than the header (${nColumns}); check for unquoted commas or a stray separator`, line, column + 1);
      }
      if (cur.end - cur.start > MAX_CELL_CHARS) {
        fail(`${where} line ${line}, column ${column + 1} ("${truncate(names[column]!)}"): cell is longer than ${MAX_CELL_CHARS} characters; is a quote missing its closing "?`, line, column + 1);
      }
      const columnRole = role[column]!;
      if (columnRole === -2) {
        // skipped column: not parsed
      } else if (columnRole === -1) {
        const label = cellString(cur).trim();
        if (label.length === 0 || MISSING_SET.has(label)) {
          fail(`${where} line ${line}, column ${column + 1} ("${truncate(names[column]!)}"): missing target value; every row needs a label`, line, column + 1);
        }
        let id = labelIndex.get(label);
        if (id === undefined) {
          id = labels.length;
          labels.push(label);
          labelIndex.set(label, id);
        }
        labelIds[nRows] = id;
      } else {
        // An escaped quote inside the cell (or text after its closing quote) can never be a number.
        const value = cur.escaped ? INVALID : parseNumberCell(text, cur.start, cur.end);
        if (value === INVALID) {
          fail(`${where} line ${line}, column ${column + 1} ("${truncate(names[column]!)}"): "${truncate(cellString(cur))}" is not a number; use a decimal number such as -1.5e3, or leave the cell empty for a missing value`, line, column + 1);
        }
        columns[columnRole]![nRows] = value;
      }
      column++;
      if (cur.terminator !== COMMA) break;
    }
    if (column !== nColumns) {
      fail(`${where} line ${line} has ${column} field${column === 1 ? '' : 's'}, the header has ${nColumns}; every row needs one value per column (leave a cell empty for a missing value)`, line, column);
    }
    nRows++;
    skipBlankLines(cur);
  }
  if (nRows === 0) fail(`${where} has a header but no data rows`, headerLine);
  if (target === null) {
    const finalFeatures = trimColumns(columns, nFeatures, nRows);
    return { nRows, columns: finalFeatures, featureNames, y: new Int32Array(nRows), classes: [] };
  }

  const { classes, remap } = sortClasses(labels);
  if (classes.length < 2) {
    fail(`${where}: target column "${target}" has a single class (${truncate(classes[0] ?? '')}); classification needs at least 2 classes`);
  }
  const y = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) y[i] = remap[labelIds[i]!]!;
  return { nRows, columns: trimColumns(columns, nFeatures, nRows), featureNames, y, classes };
}

/** Copies (not subarrays) the filled part of each column, so a 2× over-allocation is released. */
function trimColumns(columns: Float64Array[], nFeatures: number, nRows: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let f = 0; f < nFeatures; f++) {
    const full = columns[f]!;
    out.push(full.length === nRows ? full : full.slice(0, nRows));
  }
  return out;
}

/**
 * Reads and parses a CSV file (UTF-8).
 * @throws InvalidInputError `INVALID_CSV` when the file cannot be read or is malformed.
 */
export async function readCsvFile(path: string, options: { target: string }): Promise<Dataset> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new InvalidInputError('INVALID_CSV', `cannot read CSV file ${path} (${reason}); check the path and permissions`, {
      cause: error,
      location: { file: path },
    });
  }
  return parseCsv(text, { target: options.target, source: path });
}

/**
 * Writes a Dataset as CSV: features then the target column, numbers in shortest round-trip form
 * (`String(x)`), empty cells for NaN. `parseCsv(datasetToCsv(d), { target })` reproduces `d` exactly.
 */
export function datasetToCsv(dataset: Dataset, targetName = 'target'): string {
  const nFeatures = dataset.columns.length;
  let header = '';
  for (let f = 0; f < nFeatures; f++) header += quoteIfNeeded(dataset.featureNames[f]!) + ',';
  header += quoteIfNeeded(targetName);
  const labels: string[] = [];
  for (let k = 0; k < dataset.classes.length; k++) labels.push(quoteIfNeeded(dataset.classes[k]!));
  const lines: string[] = [header];
  for (let i = 0; i < dataset.nRows; i++) {
    let row = '';
    for (let f = 0; f < nFeatures; f++) {
      const v = dataset.columns[f]![i]!;
      // Object.is keeps -0 distinct; String(-0) would print "0".
      row += (Number.isNaN(v) ? '' : Object.is(v, -0) ? '-0' : String(v)) + ',';
    }
    row += labels[dataset.y[i]!]!;
    lines.push(row);
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Scanner internals.

/** Sentinel for a cell that is not a number (NaN is a legitimate value: missing). */
const INVALID = Number.NEGATIVE_INFINITY;

/** Skips empty lines (LF, CRLF) at the cursor. */
function skipBlankLines(cur: Cursor): void {
  const text = cur.text;
  for (;;) {
    const ch = text.charCodeAt(cur.pos);
    if (ch === LF) {
      cur.pos++;
      cur.line++;
    } else if (ch === CR && text.charCodeAt(cur.pos + 1) === LF) {
      cur.pos += 2;
      cur.line++;
    } else {
      return;
    }
  }
}

/**
 * Scans one cell starting at `cur.pos`, sets start/end/quoted/escaped/terminator and moves past the
 * terminator. Returns false for an unterminated quote.
 */
function scanCell(cur: Cursor): boolean {
  const text = cur.text;
  const length = text.length;
  let pos = cur.pos;
  // Leading spaces before an opening quote are allowed (`a, "b"`).
  let probe = pos;
  while (probe < length) {
    const ch = text.charCodeAt(probe);
    if (ch !== SPACE && ch !== TAB) break;
    probe++;
  }
  cur.escaped = false;
  if (text.charCodeAt(probe) === QUOTE) {
    cur.quoted = true;
    pos = probe + 1;
    cur.start = pos;
    for (;;) {
      if (pos >= length) return false;
      const ch = text.charCodeAt(pos);
      if (ch === QUOTE) {
        if (text.charCodeAt(pos + 1) === QUOTE) {
          cur.escaped = true;
          pos += 2;
          continue;
        }
        break;
      }
      if (ch === LF) cur.line++;
      pos++;
    }
    cur.end = pos;
    pos++; // closing quote
    // Only spaces may follow the closing quote.
    while (pos < length) {
      const ch = text.charCodeAt(pos);
      if (ch !== SPACE && ch !== TAB) break;
      pos++;
    }
  } else {
    cur.quoted = false;
    cur.start = pos;
    while (pos < length) {
      const ch = text.charCodeAt(pos);
      if (ch === COMMA || ch === LF || (ch === CR && text.charCodeAt(pos + 1) === LF)) break;
      pos++;
    }
    cur.end = pos;
  }
  if (pos >= length) {
    cur.terminator = -1;
    cur.pos = length;
    return true;
  }
  const ch = text.charCodeAt(pos);
  if (ch === COMMA) {
    cur.terminator = COMMA;
    cur.pos = pos + 1;
  } else if (ch === LF) {
    cur.terminator = LF;
    cur.pos = pos + 1;
    cur.line++;
  } else if (ch === CR && text.charCodeAt(pos + 1) === LF) {
    cur.terminator = LF;
    cur.pos = pos + 2;
    cur.line++;
  } else {
    // Text after a closing quote (`"a"b`): extend the cell to the next separator so the error shows it.
    while (pos < length) {
      const c = text.charCodeAt(pos);
      if (c === COMMA || c === LF || c === CR) break;
      pos++;
    }
    cur.end = pos;
    cur.escaped = true; // marks the cell as not a clean value
    cur.pos = pos;
    return scanTerminator(cur);
  }
  return true;
}

function scanTerminator(cur: Cursor): boolean {
  const text = cur.text;
  const pos = cur.pos;
  if (pos >= text.length) {
    cur.terminator = -1;
  } else if (text.charCodeAt(pos) === COMMA) {
    cur.terminator = COMMA;
    cur.pos = pos + 1;
  } else {
    cur.terminator = LF;
    cur.pos = text.charCodeAt(pos) === CR && text.charCodeAt(pos + 1) === LF ? pos + 2 : pos + 1;
    cur.line++;
  }
  return true;
}

/** The current cell's text, unescaped. */
function cellString(cur: Cursor): string {
  const raw = cur.text.slice(cur.start, cur.end);
  return cur.quoted && cur.escaped ? raw.replaceAll('""', '"') : raw;
}

/** Exact powers of ten as doubles (10^22 is the largest exactly representable one). */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Parses a numeric cell in [start, end): NaN for empty/missing tokens, INVALID for anything that is
 * not a plain decimal number. The grammar check runs on char codes and accumulates the digits; up to
 * 15 significant digits and a decimal exponent within ±22 the value is one exact IEEE operation
 * (Clinger's fast path, correctly rounded), otherwise `Number()` converts the text.
 */
function parseNumberCell(text: string, start: number, end: number): number {
  while (start < end) {
    const ch = text.charCodeAt(start);
    if (ch !== SPACE && ch !== TAB) break;
    start++;
  }
  while (end > start) {
    const ch = text.charCodeAt(end - 1);
    if (ch !== SPACE && ch !== TAB) break;
    end--;
  }
  if (start === end) return Number.NaN;
  let p = start;
  let ch = text.charCodeAt(p);
  let negative = false;
  if (ch === PLUS || ch === MINUS) {
    negative = ch === MINUS;
    ch = text.charCodeAt(++p);
  }
  let digits = 0;
  let significant = 0;
  let mantissa = 0;
  let exponent = 0;
  while (p < end && ch >= DIGIT_0 && ch <= DIGIT_9) {
    digits++;
    if (significant > 0 || ch !== DIGIT_0) {
      significant++;
      mantissa = mantissa * 10 + (ch - DIGIT_0);
    }
    ch = text.charCodeAt(++p);
  }
  if (p < end && ch === DOT) {
    ch = text.charCodeAt(++p);
    while (p < end && ch >= DIGIT_0 && ch <= DIGIT_9) {
      digits++;
      exponent--;
      if (significant > 0 || ch !== DIGIT_0) {
        significant++;
        mantissa = mantissa * 10 + (ch - DIGIT_0);
      }
      ch = text.charCodeAt(++p);
    }
  }
  if (digits === 0) return MISSING_SET.has(text.slice(start, end)) ? Number.NaN : INVALID;
  if (p < end && (ch === LOWER_E || ch === UPPER_E)) {
    ch = text.charCodeAt(++p);
    let expNegative = false;
    if (ch === PLUS || ch === MINUS) {
      expNegative = ch === MINUS;
      ch = text.charCodeAt(++p);
    }
    let expDigits = 0;
    let expValue = 0;
    while (p < end && ch >= DIGIT_0 && ch <= DIGIT_9) {
      expDigits++;
      if (expValue < 100_000) expValue = expValue * 10 + (ch - DIGIT_0);
      ch = text.charCodeAt(++p);
    }
    if (expDigits === 0) return INVALID;
    exponent += expNegative ? -expValue : expValue;
  }
  if (p !== end) return INVALID;
  if (significant <= 15 && exponent >= -22 && exponent <= 22) {
    const magnitude = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!;
    return negative ? -magnitude : magnitude;
  }
  const value = Number(text.slice(start, end));
  // `1e999` overflows to ±Infinity: scikit-learn rejects infinite inputs, so do we.
  return Number.isFinite(value) ? value : INVALID;
}

function growColumns(columns: Float64Array[], capacity: number): Float64Array[] {
  const grown: Float64Array[] = [];
  for (let f = 0; f < columns.length; f++) {
    const next = new Float64Array(capacity);
    next.set(columns[f]!);
    grown.push(next);
  }
  return grown;
}

/**
 * Sorts class labels: numerically (labels become their canonical number string, so `1.0` and `1`
 * are one class, as pandas would read them) when every label is a decimal number, else by code
 * unit order. Returns the classes and a map from first-seen label id to class index.
 */
function sortClasses(labels: readonly string[]): { classes: string[]; remap: Int32Array } {
  const n = labels.length;
  const remap = new Int32Array(n);
  const numeric = new Float64Array(n);
  let allNumeric = true;
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    const value = parseNumberCell(label, 0, label.length);
    if (value === INVALID || Number.isNaN(value)) {
      allNumeric = false;
      break;
    }
    numeric[i] = value;
  }
  const classes: string[] = [];
  if (allNumeric) {
    const distinct = Array.from(new Set(numeric)).sort((a, b) => a - b);
    const position = new Map<number, number>();
    for (let k = 0; k < distinct.length; k++) {
      position.set(distinct[k]!, k);
      classes.push(String(distinct[k]!));
    }
    for (let i = 0; i < n; i++) remap[i] = position.get(numeric[i]!)!;
  } else {
    const order = labels.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const position = new Map<string, number>();
    for (let k = 0; k < order.length; k++) {
      position.set(order[k]!, k);
      classes.push(order[k]!);
    }
    for (let i = 0; i < n; i++) remap[i] = position.get(labels[i]!)!;
  }
  return { classes, remap };
}

function truncate(value: string, max = 40): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}

function quoteIfNeeded(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}
