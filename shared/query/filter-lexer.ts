/**
 * Splits filter and order_by text into tokens, each with its 1-based column. Hand-written rather than
 * regex-split so that every malformed input gets an error at the exact character that is wrong.
 *
 * Quoting rules (see docs in parse-filter.ts):
 * - 'single' and "double" quoted strings are values; a quote inside is written doubled ('it''s') or
 *   backslash-escaped ('it\'s'); `\\` is one backslash. Any other backslash is kept as written, so
 *   LIKE patterns can escape their wildcards: '50\%'.
 * - Words are dotted identifiers (`metrics.auc_roc`, `tags.mlflow.runName`). A segment may be
 *   backquoted anywhere (`` metrics.`my metric` ``) and, after a dot, also single- or double-quoted
 *   (`params."a b"`); a backquote inside backquotes is written doubled.
 */
import { filterError, quoteForMessage } from './filter-error.js';

/** One piece of a dotted word. */
export interface WordSegment {
  readonly text: string;
  readonly quoted: boolean;
  readonly column: number;
}

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Token =
  | { readonly type: 'word'; readonly segments: readonly WordSegment[]; readonly column: number; readonly source: string }
  | { readonly type: 'number'; readonly value: number; readonly column: number; readonly source: string }
  | { readonly type: 'string'; readonly value: string; readonly column: number; readonly source: string }
  | { readonly type: 'operator'; readonly value: ComparisonOperator; readonly column: number; readonly source: string }
  | { readonly type: '(' | ')' | ',' | 'end'; readonly column: number; readonly source: string };

const OPERATORS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=']);
const OPERATOR_HINTS: Readonly<Record<string, string>> = {
  '==': "use '=' to test equality",
  '<>': "use '!=' for 'not equal'",
  '=>': "use '>='",
  '=<': "use '<='",
};
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
/** Characters that may not directly follow a number (`5abc`, `1.2.3`). */
const WORD_CHAR = /[A-Za-z0-9_.`'"]/;

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

function isWordStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isWordChar(c: string): boolean {
  return isWordStart(c) || (c >= '0' && c <= '9');
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Tokenizes `text`; the last token is always `end` (its column is one past the text).
 * @param path names the input in errors (`filter`, `order_by[0]`).
 * @throws InvalidInputError INVALID_FILTER at the first character that cannot start or continue a token.
 */
export function tokenize(text: string, path = 'filter'): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    const column = i + 1;
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, column, source: c });
      i++;
    } else if (c === '<' || c === '>' || c === '=' || c === '!') {
      let j = i;
      while (j < n && '<>=!'.includes(text[j]!)) j++;
      const run = text.slice(i, j);
      if (!OPERATORS.has(run)) {
        const hint = OPERATOR_HINTS[run] ?? 'comparisons are = != < <= > >= LIKE ILIKE IN NOT IN';
        throw filterError(column, `unexpected ${quoteForMessage(run)}; ${hint}`, path);
      }
      tokens.push({ type: 'operator', value: run as ComparisonOperator, column, source: run });
      i = j;
    } else if (c === "'" || c === '"') {
      const { value, end } = readQuoted(text, i, path, 'string');
      tokens.push({ type: 'string', value, column, source: text.slice(i, end) });
      i = end;
    } else if (isDigit(c) || ((c === '.' || c === '-' || c === '+') && (isDigit(text[i + 1]) || (text[i + 1] === '.' && isDigit(text[i + 2]))))) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      // The guard above guarantees a digit within two characters, so the pattern always matches here.
      const source = match?.[0] ?? c;
      const end = i + source.length;
      if (end < n && WORD_CHAR.test(text[end]!)) {
        let j = end;
        while (j < n && WORD_CHAR.test(text[j]!)) j++;
        throw filterError(column, `${quoteForMessage(text.slice(i, j))} is not a number; quote text values ('like this')`, path);
      }
      tokens.push({ type: 'number', value: Number(source), column, source });
      i = end;
    } else if (isWordStart(c) || c === '`') {
      const end = readWord(text, i, path, tokens);
      i = end;
    } else {
      // Right after a word, an odd character is most likely part of a key the user did not quote.
      const inKey = i > 0 && (isWordChar(text[i - 1]!) || text[i - 1] === '.');
      const hint = c === '-' || inKey ? '; quote keys that contain other characters with backquotes, e.g. metrics.`f1-score`' : '';
      throw filterError(column, `unexpected ${quoteForMessage(c)}${hint}`, path);
    }
  }
  tokens.push({ type: 'end', column: n + 1, source: '' });
  return tokens;
}

/** Reads one dotted word starting at `start`, pushes it, returns the index after it. */
function readWord(text: string, start: number, path: string, tokens: Token[]): number {
  const segments: WordSegment[] = [];
  const n = text.length;
  let i = start;
  for (;;) {
    const c = text[i];
    const column = i + 1;
    if (c === '`' || (segments.length > 0 && (c === '"' || c === "'"))) {
      const { value, end } = readQuoted(text, i, path, 'key');
      if (value === '') throw filterError(column, 'a quoted key cannot be empty', path);
      segments.push({ text: value, quoted: true, column });
      i = end;
    } else if (c !== undefined && (isWordStart(c) || (segments.length > 0 && isWordChar(c)))) {
      let j = i + 1;
      while (j < n && isWordChar(text[j]!)) j++;
      segments.push({ text: text.slice(i, j), quoted: false, column });
      i = j;
    } else {
      const found = c === undefined ? 'the end of the text' : quoteForMessage(c);
      throw filterError(column, `expected a key after '.', found ${found}; quote unusual keys with backquotes, e.g. metrics.\`my metric\``, path);
    }
    if (text[i] !== '.') break;
    i++;
  }
  tokens.push({ type: 'word', segments, column: start + 1, source: text.slice(start, i) });
  return i;
}

/**
 * Reads a quoted run starting at the quote character `text[start]`. Strings and quoted keys share the
 * rules: the quote doubled stands for itself, and backslash escapes the quote and itself (only — any
 * other backslash stays, so LIKE patterns keep their `\%` escapes).
 */
function readQuoted(text: string, start: number, path: string, what: 'string' | 'key'): { value: string; end: number } {
  const quote = text[start]!;
  const n = text.length;
  let value = '';
  let i = start + 1;
  while (i < n) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === quote || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
    } else if (c === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
      } else {
        return { value, end: i + 1 };
      }
    } else {
      value += c;
      i++;
    }
  }
  throw filterError(start + 1, `unterminated ${what === 'string' ? 'string' : 'quoted key'}: the ${quote} here is never closed`, path);
}
