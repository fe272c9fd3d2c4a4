/**
 * Parses MLflow-style `order_by` clauses: `["metrics.auc_roc DESC", "params.max_depth"]`, or the same
 * as one comma-separated string. Keys are spelled as in filters. A key without ASC/DESC takes the
 * caller's `defaultDirection` (the API passes each metric's natural direction: DESC for auc_roc, ASC
 * for a loss), else ASC. The final, implicit key is always the trial index ascending.
 */
import { sameField, type FieldRef } from './field-ref.js';
import { filterError, quoteForMessage } from './filter-error.js';
import { tokenize } from './filter-lexer.js';
import { resolveField } from './parse-field.js';

export type SortDirection = 'ASC' | 'DESC';

export interface OrderKey {
  readonly field: FieldRef;
  readonly direction: SortDirection;
}

export interface ParseOrderByOptions {
  /** Direction of a key written without ASC/DESC; returning undefined (or omitting this) means ASC. */
  defaultDirection?: (field: FieldRef) => SortDirection | undefined;
}

/** Most sort keys accepted (beyond a few, later keys never decide anything). */
export const MAX_ORDER_KEYS = 16;
/** Longest single order_by clause text. */
export const MAX_ORDER_BY_LENGTH = 1024;

/**
 * Parses order_by clauses into sort keys, first key first. A repeated field keeps its first
 * occurrence (a later one could never break a tie the first left).
 * @throws InvalidInputError INVALID_FILTER with `location.path` = `order_by` (string input) or
 *   `order_by[i]` (array input) and the 1-based column within that string.
 */
export function parseOrderBy(input: string | readonly string[], options: ParseOrderByOptions = {}): OrderKey[] {
  const clauses = typeof input === 'string' ? [input] : input;
  const keys: OrderKey[] = [];
  for (let c = 0; c < clauses.length; c++) {
    const text = clauses[c]!;
    const path = typeof input === 'string' ? 'order_by' : `order_by[${c}]`;
    if (text.length > MAX_ORDER_BY_LENGTH) throw filterError(MAX_ORDER_BY_LENGTH + 1, `an order_by clause has at most ${MAX_ORDER_BY_LENGTH} characters`, path);
    const tokens = tokenize(text, path);
    let i = 0;
    if (tokens[0]!.type === 'end') continue;
    for (;;) {
      const token = tokens[i++]!;
      if (token.type !== 'word') {
        const found = token.type === 'end' ? 'the end of the text' : quoteForMessage(token.source);
        throw filterError(token.column, `expected a key such as metrics.auc_roc, found ${found}`, path);
      }
      const field = resolveField(token, path);
      let direction: SortDirection | undefined;
      let next = tokens[i++]!;
      if (next.type === 'word' && next.segments.length === 1 && !next.segments[0]!.quoted) {
        const word = next.segments[0]!.text.toUpperCase();
        if (word !== 'ASC' && word !== 'DESC')
          throw filterError(next.column, `expected ASC or DESC after the key, found ${quoteForMessage(next.source)}`, path);
        direction = word;
        next = tokens[i++]!;
      }
      if (!keys.some((k) => sameField(k.field, field))) {
        if (keys.length === MAX_ORDER_KEYS) throw filterError(token.column, `at most ${MAX_ORDER_KEYS} order_by keys are allowed`, path);
        keys.push({ field, direction: direction ?? options.defaultDirection?.(field) ?? 'ASC' });
      }
      if (next.type === 'end') break;
      if (next.type !== ',') throw filterError(next.column, `expected ASC, DESC, ',' or the end of the clause, found ${quoteForMessage(next.source)}`, path);
    }
  }
  return keys;
}
