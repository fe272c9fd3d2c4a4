/**
 * An incremental CSV parser that builds typed columns from byte chunks: `push` each chunk as it is
 * read, `finish` at the end. It never holds the file: only the unparsed tail of the last chunk (at
 * most one record) is kept between pushes.
 *
 * Dialect (what pandas.read_csv reads by default, plus delimiter detection):
 * - a header row; `,`, `;` or tab delimiters, detected from the header (the most frequent of the three
 *   outside quotes; a tie goes to `,`) unless declared;
 * - `"…"` quoting with `""` as an escaped quote; quoted fields may hold delimiters and newlines;
 * - LF or CRLF line endings, a leading UTF-8 BOM, blank lines skipped;
 * - missing values: an empty cell or one of {@link MISSING_TOKENS};
 * - numbers in decimal notation (`-1.5e-3`, `.5`, `+2`); `inf`, hex and the like are text.
 * Spaces around unquoted cells are ignored. Errors carry the file, the 1-based line and CSV column.
 */
import { isUtf8 } from 'node:buffer';
import { InvalidInputError } from '../../errors/index.js';
import type { ByteDictionary } from './byte-dictionary.js';
import { BLOCK_BITS, BLOCK_MASK, ColumnBuilder, NUMERIC } from './column-builder.js';
import { resolveColumnRoles, truncate, type ColumnRole, type RoleOptions } from './column-roles.js';

/** Cell values read as missing (pandas' default `na_values`, the common ones). */
export const MISSING_TOKENS: readonly string[] = ['NaN', 'nan', '-NaN', '-nan', 'NA', 'N/A', 'n/a', 'null', 'NULL', 'None', '<NA>', '#N/A'];
const MISSING_SET: ReadonlySet<string> = new Set(MISSING_TOKENS);

/** Cells longer than this are refused: no real value is that long, a broken quote is. */
export const MAX_CELL_BYTES = 100_000;

export type Delimiter = ',' | ';' | '\t';

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const COMMA = 44;
const SEMICOLON = 59;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const LOWER_E = 101;
const UPPER_E = 69;

/** Sentinel for a cell that is not a number (NaN is legitimate: missing). */
const INVALID = Number.NEGATIVE_INFINITY;
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);
const latin = new TextDecoder('utf-8');

export interface CsvParserOptions extends Omit<RoleOptions, 'source'> {
  source: string;
  delimiter?: Delimiter | undefined;
}

/** What the parser hands to table assembly. */
export interface ParsedColumns {
  source: string;
  names: string[];
  roles: ColumnRole[];
  /** One builder per non-skipped column (null for skipped ones), in file order. */
  builders: (ColumnBuilder | null)[];
  nRows: number;
  delimiter: Delimiter;
}

export class CsvTableParser {
  // A Buffer (not a bare Uint8Array) for its native latin1Slice: long numbers are converted from text.
  private buf: Buffer = Buffer.allocUnsafe(1 << 16);
  private len = 0;
  private pos = 0;
  /** 1-based line of `pos`. */
  private line = 1;
  private started = false;
  private delim = -1;
  private names: string[] = [];
  private roles: ColumnRole[] = [];
  private builders: (ColumnBuilder | null)[] = [];
  private nRows = 0;
  private scratch = new Uint8Array(256);
  private readonly options: CsvParserOptions;

  constructor(options: CsvParserOptions) {
    this.options = options;
    if (options.delimiter !== undefined) this.delim = options.delimiter.charCodeAt(0);
  }

  /** Parses every complete record of `chunk` (plus the tail kept from the previous one). */
  push(chunk: Uint8Array): void {
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.len);
      this.len -= this.pos;
      this.pos = 0;
    }
    if (this.len + chunk.length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + chunk.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
    this.parse(false);
  }

  /** Parses what is left and returns the columns. */
  finish(): ParsedColumns {
    this.parse(true);
    const where = this.options.source;
    if (!this.started || this.names.length === 0) {
      this.fail(`${where} is empty: expected a header row and at least one data row`, 1);
    }
    if (this.nRows === 0) this.fail(`${where} has a header but no data rows`, this.line);
    return {
      source: where,
      names: this.names,
      roles: this.roles,
      builders: this.builders,
      nRows: this.nRows,
      delimiter: String.fromCharCode(this.delim) as Delimiter,
    };
  }

  private fail(message: string, line?: number, column?: number): never {
    throw new InvalidInputError('INVALID_CSV', message, {
      location: { file: this.options.source, ...(line === undefined ? {} : { line }), ...(column === undefined ? {} : { column }) },
    });
  }

  private parse(final: boolean): void {
    if (!this.started) {
      if (this.len < 3 && !final) return;
      if (this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.pos = 3;
      this.started = true;
    }
    if (this.names.length === 0) {
      if (!this.skipBlankLines(final)) return;
      if (this.pos >= this.len) return;
      if (!this.parseHeader(final)) return;
    }
    this.parseRecords(final);
  }

  /** Skips empty lines; false when more data is needed to know. */
  private skipBlankLines(final: boolean): boolean {
    const buf = this.buf;
    for (;;) {
      const ch = buf[this.pos];
      if (this.pos >= this.len) return true;
      if (ch === LF) {
        this.pos++;
        this.line++;
      } else if (ch === CR) {
        if (this.pos + 1 >= this.len) return final;
        if (buf[this.pos + 1] !== LF) return true;
        this.pos += 2;
        this.line++;
      } else {
        return true;
      }
    }
  }

  /** Reads the header record (detecting the delimiter); false when it is not complete yet. */
  private parseHeader(final: boolean): boolean {
    const buf = this.buf;
    // Find the header's end outside quotes.
    let inQuotes = false;
    let end = -1;
    const counts = [0, 0, 0];
    for (let p = this.pos; p < this.len; p++) {
      const ch = buf[p]!;
      if (ch === QUOTE) inQuotes = !inQuotes;
      else if (!inQuotes) {
        if (ch === LF) {
          end = p;
          break;
        }
        if (ch === COMMA) counts[0]!++;
        else if (ch === SEMICOLON) counts[1]!++;
        else if (ch === TAB) counts[2]!++;
      }
    }
    if (end < 0 && !final) return false;
    if (this.delim < 0) {
      const [comma, semicolon, tab] = counts as [number, number, number];
      this.delim = semicolon > comma && semicolon >= tab ? SEMICOLON : tab > comma && tab > semicolon ? TAB : COMMA;
    }
    const headerLine = this.line;
    const names: string[] = [];
    const cell = { start: 0, end: 0, escaped: false, terminator: 0 };
    for (;;) {
      const status = this.scanCell(cell, true);
      if (status === NEED_MORE) return false; // unreachable: the header is complete (or final)
      const column = names.length + 1;
      const name = this.cellText(cell).trim();
      if (name.length > 1000)
        this.fail(
          `${this.options.source} line ${headerLine}, column ${column}: header cell is longer than 1000 characters; is a quote missing its closing "?`,
          headerLine,
          column,
        );
      if (name.length === 0)
        this.fail(
          `${this.options.source} line ${headerLine}: column ${column} has an empty name; give every column a name in the header row`,
          headerLine,
          column,
        );
      names.push(name);
      if (cell.terminator !== this.delim) break;
    }
    const seen = new Map<string, number>();
    for (let c = 0; c < names.length; c++) {
      const previous = seen.get(names[c]!);
      if (previous !== undefined) {
        this.fail(
          `${this.options.source} line ${headerLine}: duplicate column name "${truncate(names[c]!)}" (columns ${previous + 1} and ${c + 1}); column names must be unique`,
          headerLine,
          c + 1,
        );
      }
      seen.set(names[c]!, c);
    }
    this.roles = resolveColumnRoles(names, this.options);
    this.builders = this.roles.map((role, c) => (role.kind === 'skip' ? null : new ColumnBuilder(names[c]!, role.declared)));
    this.names = names;
    return true;
  }

  private parseRecords(final: boolean): void {
    const nColumns = this.names.length;
    const builders = this.builders;
    const roles = this.roles;
    const cell = { start: 0, end: 0, escaped: false, terminator: 0 };
    const where = this.options.source;
    const delim = this.delim;
    for (;;) {
      const buf = this.buf;
      if (!this.skipBlankLines(final)) return;
      if (this.pos >= this.len) return;
      const recordPos = this.pos;
      const recordLine = this.line;
      const row = this.nRows;
      if ((row & BLOCK_MASK) === 0) for (let c = 0; c < nColumns; c++) builders[c]?.ensureRow(row);
      const block = row >>> BLOCK_BITS;
      const offset = row & BLOCK_MASK;
      let column = 0;
      for (;;) {
        const p = this.pos;
        // Fused scan + parse of the most common cell: a plain decimal (≤ 15 significant digits, no
        // exponent) in a numeric column, ended by the delimiter or a line end. Anything else falls
        // through to the general path from the same position.
        const numericBuilder = builders[column];
        if (numericBuilder !== null && numericBuilder !== undefined && numericBuilder.kind === NUMERIC) {
          let q = p;
          let ch = buf[q]!;
          let negative = false;
          if (ch === MINUS || ch === PLUS) {
            negative = ch === MINUS;
            ch = buf[++q]!;
          }
          let digits = 0;
          let significant = 0;
          let mantissa = 0;
          let exponent = 0;
          while (ch >= DIGIT_0 && ch <= DIGIT_9) {
            digits++;
            if (significant > 0 || ch !== DIGIT_0) {
              significant++;
              mantissa = mantissa * 10 + (ch - DIGIT_0);
            }
            ch = buf[++q]!;
          }
          if (ch === DOT) {
            ch = buf[++q]!;
            while (ch >= DIGIT_0 && ch <= DIGIT_9) {
              digits++;
              exponent--;
              if (significant > 0 || ch !== DIGIT_0) {
                significant++;
                mantissa = mantissa * 10 + (ch - DIGIT_0);
              }
              ch = buf[++q]!;
            }
          }
          if (digits > 0 && significant <= 15 && exponent >= -22 && q < this.len) {
            let next = -1;
            if (ch === delim || ch === LF) next = q + 1;
            else if (ch === CR && q + 1 < this.len && buf[q + 1] === LF) next = q + 2;
            if (next >= 0) {
              const magnitude = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa;
              numericBuilder.numBlocks[block]![offset] = negative ? -magnitude : magnitude;
              this.pos = next;
              column++;
              if (ch === delim) continue;
              this.line++;
              break;
            }
          }
        }
        // Inline scan of the common cell (unquoted, no leading space); scanCell handles the rest.
        let status = OK;
        const first = buf[p];
        if (p < this.len && first !== QUOTE && first !== SPACE && first !== TAB && first !== delim && first !== LF && first !== CR) {
          const len = this.len;
          let q = p + 1;
          while (q < len) {
            const ch = buf[q]!;
            if (ch === delim || ch === LF) break;
            q++;
          }
          const last = buf[q - 1];
          if ((q >= len && !final) || last === SPACE || last === TAB || last === CR) {
            status = this.scanCell(cell, final);
          } else {
            cell.start = p;
            cell.end = q;
            cell.escaped = false;
            if (q >= len) {
              cell.terminator = -1;
              this.pos = len;
            } else if (buf[q] === delim) {
              cell.terminator = delim;
              this.pos = q + 1;
            } else {
              cell.terminator = LF;
              this.pos = q + 1;
              this.line++;
            }
          }
        } else {
          status = this.scanCell(cell, final);
        }
        if (status === NEED_MORE) {
          this.pos = recordPos;
          this.line = recordLine;
          return;
        }
        if (status === UNTERMINATED)
          this.fail(`${where} line ${recordLine}, column ${column + 1}: unterminated quoted field; close the quote with "`, recordLine, column + 1);
        if (column >= nColumns) {
          this.fail(
            `${where} line ${recordLine} has more fields than the header (${nColumns}); check for unquoted delimiters or a stray separator`,
            recordLine,
            column + 1,
          );
        }
        if (cell.end - cell.start > MAX_CELL_BYTES) {
          this.fail(
            `${where} line ${recordLine}, column ${column + 1} ("${truncate(this.names[column]!)}"): cell is longer than ${MAX_CELL_BYTES} bytes; is a quote missing its closing "?`,
            recordLine,
            column + 1,
          );
        }
        const builder = builders[column];
        if (builder !== null && builder !== undefined) {
          if (status === GARBAGE) {
            this.fail(
              `${where} line ${recordLine}, column ${column + 1} ("${truncate(this.names[column]!)}"): text after a closing quote; quote the whole cell ("a ""b"" c")`,
              recordLine,
              column + 1,
            );
          }
          // Fast paths for a clean number and a clean category; everything else (missing values, a
          // first non-number, escaped quotes) goes through storeCell.
          if (!cell.escaped) {
            if (builder.kind === NUMERIC) {
              const value = parseNumberBytes(buf, cell.start, cell.end);
              if (value === value && value !== INVALID) {
                builder.numBlocks[block]![offset] = value;
                column++;
                if (cell.terminator !== delim) break;
                continue;
              }
            } else if (!isMissing(buf, cell.start, cell.end)) {
              builder.catBlocks[block]![offset] = this.categoryId(builder.dict, buf, cell.start, cell.end, recordLine, column);
              column++;
              if (cell.terminator !== delim) break;
              continue;
            }
          }
          this.storeCell(builder, roles[column]!, cell, block, offset, recordLine, column);
        }
        column++;
        if (cell.terminator !== delim) break;
      }
      if (column !== nColumns) {
        this.fail(
          `${where} line ${recordLine} has ${column} field${column === 1 ? '' : 's'}, the header has ${nColumns}; every row needs one value per column (leave a cell empty for a missing value)`,
          recordLine,
          column,
        );
      }
      this.nRows = row + 1;
    }
  }

  private storeCell(builder: ColumnBuilder, role: ColumnRole, cell: Cell, block: number, offset: number, line: number, column: number): void {
    const buf = this.buf;
    if (builder.kind === NUMERIC) {
      const value = cell.escaped ? INVALID : parseNumberBytes(buf, cell.start, cell.end);
      if (value === value && value !== INVALID) {
        builder.numBlocks[block]![offset] = value;
        return;
      }
      if (value !== value) {
        if (role.kind === 'target') this.missingTarget(line, column);
        builder.numBlocks[block]![offset] = value;
        return;
      }
      const text = this.cellText(cell);
      if (builder.declared === 'numeric') {
        const what = role.kind === 'target' ? 'the regression target' : 'declared numeric';
        this.fail(
          `${this.options.source} line ${line}, column ${column + 1} ("${truncate(this.names[column]!)}", ${what}): "${truncate(text)}" is not a number; use a decimal number such as -1.5e3, or leave the cell empty for a missing value`,
          line,
          column + 1,
        );
      }
      builder.toCategorical(this.nRows, { line, value: text });
    }
    // Categorical.
    let start = cell.start;
    let end = cell.end;
    let bytes: Uint8Array = buf;
    if (cell.escaped) {
      end = this.unescape(cell);
      start = 0;
      bytes = this.scratch;
    }
    if (isMissing(bytes, start, end)) {
      if (role.kind === 'target') this.missingTarget(line, column);
      builder.catBlocks[block]![offset] = -1;
      return;
    }
    builder.catBlocks[block]![offset] = this.categoryId(builder.dict, bytes, start, end, line, column);
  }

  /**
   * A category's id; a value seen for the first time must be valid UTF-8 (checked once per distinct
   * value, so the check costs nothing per row): a Latin-1 or binary file is refused, not garbled.
   */
  private categoryId(dict: ByteDictionary, bytes: Uint8Array, start: number, end: number, line: number, column: number): number {
    const before = dict.size;
    const id = dict.idOf(bytes, start, end);
    if (dict.size > before && !isUtf8(bytes.subarray(start, end))) {
      this.fail(
        `${this.options.source} line ${line}, column ${column + 1} ("${truncate(this.names[column]!)}"): the cell is not UTF-8 text; save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)`,
        line,
        column + 1,
      );
    }
    return id;
  }

  private missingTarget(line: number, column: number): never {
    return this.fail(
      `${this.options.source} line ${line}, column ${column + 1} ("${truncate(this.names[column]!)}"): missing target value; every row needs a target (drop the rows without one)`,
      line,
      column + 1,
    );
  }

  /** Copies a quoted cell with `""` into the scratch buffer as `"`; returns its length. */
  private unescape(cell: Cell): number {
    const need = cell.end - cell.start;
    if (this.scratch.length < need) this.scratch = new Uint8Array(need * 2);
    const buf = this.buf;
    let n = 0;
    for (let p = cell.start; p < cell.end; p++) {
      const ch = buf[p]!;
      this.scratch[n++] = ch;
      if (ch === QUOTE && buf[p + 1] === QUOTE) p++;
    }
    return n;
  }

  private cellText(cell: Cell): string {
    if (!cell.escaped) return latin.decode(this.buf.subarray(cell.start, cell.end));
    const n = this.unescape(cell);
    return latin.decode(this.scratch.subarray(0, n));
  }

  /**
   * Scans one cell at `pos`: sets start/end (trimmed, quotes excluded), `escaped` (a quoted cell with
   * `""`) and the terminator (the delimiter, LF for LF/CRLF, -1 at end of data), and moves past it.
   */
  private scanCell(cell: Cell, final: boolean): number {
    const buf = this.buf;
    const len = this.len;
    const delim = this.delim;
    let p = this.pos;
    let lines = 0;
    while (p < len && (buf[p] === SPACE || (buf[p] === TAB && delim !== TAB))) p++;
    cell.escaped = false;
    let status = OK;
    if (p < len && buf[p] === QUOTE) {
      p++;
      cell.start = p;
      for (;;) {
        if (p >= len) return final ? UNTERMINATED : NEED_MORE;
        const ch = buf[p]!;
        if (ch === QUOTE) {
          if (p + 1 >= len && !final) return NEED_MORE;
          if (buf[p + 1] === QUOTE) {
            cell.escaped = true;
            p += 2;
            continue;
          }
          break;
        }
        if (ch === LF) lines++;
        p++;
      }
      cell.end = p;
      p++;
      while (p < len && (buf[p] === SPACE || (buf[p] === TAB && delim !== TAB))) p++;
      if (p < len && buf[p] !== delim && buf[p] !== LF && buf[p] !== CR) {
        status = GARBAGE;
        while (p < len && buf[p] !== delim && buf[p] !== LF) p++;
      }
    } else {
      cell.start = p;
      while (p < len) {
        const ch = buf[p]!;
        if (ch === delim || ch === LF) break;
        p++;
      }
      if (p >= len && !final) return NEED_MORE;
      let e = p;
      if (e > cell.start && buf[e - 1] === CR) e--;
      while (e > cell.start && (buf[e - 1] === SPACE || (buf[e - 1] === TAB && delim !== TAB))) e--;
      cell.end = e;
    }
    if (p >= len) {
      if (!final) return NEED_MORE;
      cell.terminator = -1;
      this.pos = len;
    } else if (buf[p] === delim) {
      cell.terminator = delim;
      this.pos = p + 1;
    } else if (buf[p] === CR) {
      // CR after a closing quote: CRLF, or a lone CR we treat as the line end as well.
      if (p + 1 >= len && !final) return NEED_MORE;
      cell.terminator = LF;
      this.pos = buf[p + 1] === LF ? p + 2 : p + 1;
      lines++;
    } else {
      cell.terminator = LF;
      this.pos = p + 1;
      lines++;
    }
    this.line += lines;
    return status;
  }
}

interface Cell {
  start: number;
  end: number;
  escaped: boolean;
  terminator: number;
}

const OK = 0;
const NEED_MORE = 1;
const UNTERMINATED = 2;
const GARBAGE = 3;

/** bytes[start, end) as text, for a cell already checked to be ASCII digits, signs, dots and exponents. */
function asciiText(bytes: Uint8Array, start: number, end: number): string {
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1', start, end);
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
}

/** Whether bytes[start, end) is empty or a missing-value token. */
export function isMissing(bytes: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n === 0) return true;
  if (n > 4 || n < 2) return false;
  const first = bytes[start]!;
  // N, n, -, <, #: the first letters of every token.
  if (first !== 78 && first !== 110 && first !== 45 && first !== 60 && first !== 35) return false;
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]!);
  return MISSING_SET.has(text);
}

/**
 * A numeric cell in bytes[start, end): NaN for a missing token, INVALID for anything that is not a
 * plain decimal number. Up to 15 significant digits and a decimal exponent within ±22 the value is one
 * exact IEEE operation (Clinger's fast path, correctly rounded); otherwise `Number()` converts the text.
 */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number {
  if (start === end) return Number.NaN;
  let p = start;
  let ch = bytes[p]!;
  let negative = false;
  if (ch === PLUS || ch === MINUS) {
    negative = ch === MINUS;
    ch = bytes[++p]!;
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
    ch = bytes[++p]!;
  }
  if (p < end && ch === DOT) {
    ch = bytes[++p]!;
    while (p < end && ch >= DIGIT_0 && ch <= DIGIT_9) {
      digits++;
      exponent--;
      if (significant > 0 || ch !== DIGIT_0) {
        significant++;
        mantissa = mantissa * 10 + (ch - DIGIT_0);
      }
      ch = bytes[++p]!;
    }
  }
  if (digits === 0) return isMissing(bytes, start, end) ? Number.NaN : INVALID;
  if (p < end && (ch === LOWER_E || ch === UPPER_E)) {
    ch = bytes[++p]!;
    let expNegative = false;
    if (ch === PLUS || ch === MINUS) {
      expNegative = ch === MINUS;
      ch = bytes[++p]!;
    }
    let expDigits = 0;
    let expValue = 0;
    while (p < end && ch >= DIGIT_0 && ch <= DIGIT_9) {
      expDigits++;
      if (expValue < 100_000) expValue = expValue * 10 + (ch - DIGIT_0);
      ch = bytes[++p]!;
    }
    if (expDigits === 0) return INVALID;
    exponent += expNegative ? -expValue : expValue;
  }
  if (p !== end) return INVALID;
  if (significant <= 15 && exponent >= -22 && exponent <= 22) {
    const magnitude = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!;
    return negative ? -magnitude : magnitude;
  }
  // More than 15 significant digits (e.g. pandas' full-precision floats): let V8 round correctly.
  const value = Number(asciiText(bytes, start, end));
  // `1e999` overflows to ±Infinity: scikit-learn rejects infinite inputs.
  return Number.isFinite(value) ? value : INVALID;
}
