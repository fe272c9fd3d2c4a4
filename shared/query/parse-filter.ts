/**
 * Parses an MLflow-style `filter_string` (plus OR, parentheses and IS [NOT] NULL) into a
 * FilterExpression.
 *
 * Grammar (keywords case-insensitive):
 * ```
 * filter     := or?                                  -- blank text = no filter
 * or         := and ( OR and )*
 * and        := primary ( AND primary )*              -- AND binds tighter than OR
 * primary    := '(' or ')' | comparison
 * comparison := field ( '=' | '!=' | '<' | '<=' | '>' | '>=' ) value
 *             | field ( LIKE | ILIKE ) string
 *             | field [ NOT ] IN '(' value ( ',' value )* ')'
 *             | field IS [ NOT ] NULL
 * field      := metrics.<key> | params.<key> | tags.<key> | attributes.<attribute> | <attribute>
 * value      := number | string | TRUE | FALSE
 * ```
 * Decisions where MLflow is silent or quirky:
 * - Strings are 'single' or "double" quoted; the quote is escaped by doubling it (SQL) or with a
 *   backslash (`\'`, what sqlparse accepts); `\\` is a backslash. MLflow hands such escapes through
 *   verbatim (it only trims the outer quotes); we unescape, so `'it''s'` matches the text it's.
 * - There is no `null` literal (MLflow has none either): a missing value matches no comparison, so
 *   `= null` would silently match nothing. Write `IS NULL` / `IS NOT NULL` instead.
 * - `true` / `false` are literals for the strings 'true' / 'false', which is how boolean params are
 *   stored; `params.bootstrap = true` and `params.bootstrap = 'true'` are the same filter.
 * - Numbers compare numerically whenever both sides are numbers; a quoted literal or a stored string
 *   that spells a number (`'5'`, `'1e-3'`) counts as one. Metrics and the numeric attributes
 *   (duration, start_time, end_time, index) accept only numeric literals and no LIKE.
 * - `attributes.status` compares case-insensitively, and a misspelt status is an error rather than a
 *   filter that matches nothing.
 *
 * Limits (all INVALID_FILTER, with the column where the limit was crossed): {@link FILTER_LIMITS}.
 */
import { formatField, isNumericField, type FieldRef } from './field-ref.js';
import type { FilterExpression, FilterLiteral, ValueOperator } from './filter-ast.js';
import { filterError, quoteForMessage } from './filter-error.js';
import { tokenize, type Token } from './filter-lexer.js';
import { numericValueOfText } from './numeric-text.js';
import { resolveField } from './parse-field.js';
import { TRIAL_TABLE_STATUSES } from './trial-statuses.js';

/** Bounds on filter text, so a request cannot make the parser or the evaluator do unbounded work. */
export const FILTER_LIMITS = {
  /** Characters of filter text. */
  maxLength: 4096,
  /** Nested parentheses. */
  maxDepth: 32,
  /** Comparisons in one filter. */
  maxTerms: 256,
  /** Values in one IN list. */
  maxListValues: 1000,
} as const;

const KEYWORDS: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'IS', 'NULL', 'TRUE', 'FALSE']);
const STATUS_NAMES: ReadonlySet<string> = new Set(TRIAL_TABLE_STATUSES);
const OPERATOR_LIST = '= != < <= > >= LIKE ILIKE IN NOT IN IS NULL';

/** The keyword a token spells (upper case), or undefined when it is not a bare keyword. */
function keywordOf(token: Token): string | undefined {
  if (token.type !== 'word' || token.segments.length !== 1 || token.segments[0]!.quoted) return undefined;
  const upper = token.segments[0]!.text.toUpperCase();
  return KEYWORDS.has(upper) ? upper : undefined;
}

function describe(token: Token): string {
  return token.type === 'end' ? 'the end of the filter' : quoteForMessage(token.source);
}

/**
 * Parses filter text.
 * @returns the expression, or null when `text` is blank (no filter: every row matches).
 * @throws InvalidInputError INVALID_FILTER; the message starts with `column N:` and `location.column` is N.
 */
export function parseFilter(text: string): FilterExpression | null {
  if (text.length > FILTER_LIMITS.maxLength) {
    throw filterError(FILTER_LIMITS.maxLength + 1, `the filter is ${text.length} characters long; at most ${FILTER_LIMITS.maxLength} are allowed`);
  }
  const parser = new FilterParser(tokenize(text));
  return parser.parse();
}

class FilterParser {
  private position = 0;
  private terms = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): FilterExpression | null {
    if (this.peek().type === 'end') return null;
    const expression = this.parseOr(0);
    const next = this.peek();
    if (next.type !== 'end') {
      if (next.type === ')') throw filterError(next.column, "unmatched ')'; remove it or add the '(' it closes");
      throw filterError(next.column, `expected AND, OR or the end of the filter, found ${describe(next)}`);
    }
    return expression;
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private take(): Token {
    const token = this.tokens[this.position]!;
    if (token.type !== 'end') this.position++;
    return token;
  }

  private parseOr(depth: number): FilterExpression {
    const first = this.parseAnd(depth);
    if (keywordOf(this.peek()) !== 'OR') return first;
    const operands = [first];
    while (keywordOf(this.peek()) === 'OR') {
      this.take();
      operands.push(this.parseAnd(depth));
    }
    return { type: 'or', operands };
  }

  private parseAnd(depth: number): FilterExpression {
    const first = this.parsePrimary(depth);
    if (keywordOf(this.peek()) !== 'AND') return first;
    const operands = [first];
    while (keywordOf(this.peek()) === 'AND') {
      this.take();
      operands.push(this.parsePrimary(depth));
    }
    return { type: 'and', operands };
  }

  private parsePrimary(depth: number): FilterExpression {
    const token = this.peek();
    if (token.type === '(') {
      if (depth >= FILTER_LIMITS.maxDepth) throw filterError(token.column, `parentheses nest deeper than ${FILTER_LIMITS.maxDepth} levels`);
      this.take();
      if (this.peek().type === ')') throw filterError(this.peek().column, "empty parentheses; put a comparison between '(' and ')'");
      const inner = this.parseOr(depth + 1);
      const close = this.peek();
      if (close.type !== ')') {
        throw filterError(close.column, `expected ')' to close the '(' at column ${token.column}, found ${describe(close)}`);
      }
      this.take();
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): FilterExpression {
    const token = this.take();
    const keyword = keywordOf(token);
    if (token.type !== 'word' || keyword !== undefined) {
      if (keyword === 'NOT')
        throw filterError(token.column, 'NOT is only supported as NOT IN (…) and IS NOT NULL; rewrite the negation with != or the opposite comparison');
      throw filterError(token.column, `expected a comparison such as metrics.auc_roc > 0.9, found ${describe(token)}`);
    }
    this.terms++;
    if (this.terms > FILTER_LIMITS.maxTerms) throw filterError(token.column, `the filter has more than ${FILTER_LIMITS.maxTerms} comparisons`);
    const field = resolveField(token);
    const opToken = this.take();
    if (opToken.type === 'operator') {
      const value = this.parseValue(field);
      return this.checked(field, opToken.value, value, opToken.column, token.column);
    }
    switch (keywordOf(opToken)) {
      case 'LIKE':
      case 'ILIKE': {
        const op = keywordOf(opToken) as 'LIKE' | 'ILIKE';
        if (isNumericField(field)) {
          throw filterError(opToken.column, `${op} matches text, but ${formatField(field)} holds numbers; compare it with = != < <= > >=`);
        }
        const value = this.parseValue(field);
        if (value.kind !== 'string') throw filterError(value.column, `${op} needs a quoted pattern, e.g. '${value.text}%'`);
        return { type: 'compare', field, op, value, column: token.column };
      }
      case 'IN':
        return this.parseList(field, false, token.column);
      case 'NOT': {
        const next = this.take();
        if (keywordOf(next) !== 'IN') throw filterError(next.column, `expected IN after NOT, found ${describe(next)}`);
        return this.parseList(field, true, token.column);
      }
      case 'IS': {
        let next = this.take();
        let negated = false;
        if (keywordOf(next) === 'NOT') {
          negated = true;
          next = this.take();
        }
        if (keywordOf(next) !== 'NULL') throw filterError(next.column, `expected NULL after IS${negated ? ' NOT' : ''}, found ${describe(next)}`);
        return { type: 'null', field, negated, column: token.column };
      }
      default:
        throw filterError(opToken.column, `expected a comparison operator (${OPERATOR_LIST}) after ${formatField(field)}, found ${describe(opToken)}`);
    }
  }

  private parseList(field: FieldRef, negated: boolean, column: number): FilterExpression {
    const open = this.take();
    if (open.type !== '(') throw filterError(open.column, `expected '(' to start the ${negated ? 'NOT IN' : 'IN'} list, found ${describe(open)}`);
    if (this.peek().type === ')') throw filterError(this.peek().column, "an IN list needs at least one value, e.g. IN ('a', 'b')");
    const values: FilterLiteral[] = [];
    for (;;) {
      const value = this.parseValue(field);
      if (values.length === FILTER_LIMITS.maxListValues) throw filterError(value.column, `an IN list holds at most ${FILTER_LIMITS.maxListValues} values`);
      values.push(this.checkValue(field, negated ? 'NOT IN' : 'IN', value));
      const next = this.take();
      if (next.type === ')') break;
      if (next.type !== ',') throw filterError(next.column, `expected ',' or ')' in the IN list, found ${describe(next)}`);
    }
    return { type: 'in', field, negated, values, column };
  }

  private parseValue(field: FieldRef): FilterLiteral {
    const token = this.take();
    switch (token.type) {
      case 'number':
        return { kind: 'number', text: token.source, number: token.value, column: token.column };
      case 'string':
        return { kind: 'string', text: token.value, number: numericValueOfText(token.value), column: token.column };
      case 'word': {
        const keyword = keywordOf(token);
        if (keyword === 'TRUE' || keyword === 'FALSE') return { kind: 'boolean', text: keyword.toLowerCase(), number: Number.NaN, column: token.column };
        if (keyword === 'NULL') {
          throw filterError(
            token.column,
            `null is not a value: a missing ${formatField(field)} matches no comparison; test for it with IS NULL or IS NOT NULL`,
          );
        }
        throw filterError(token.column, `${quoteForMessage(token.source)} is not a value; quote text values: '${token.source.replaceAll("'", "''")}'`);
      }
      default:
        throw filterError(token.column, `expected a value (a number or a 'quoted string') after the operator, found ${describe(token)}`);
    }
  }

  private checked(field: FieldRef, op: ValueOperator, value: FilterLiteral, opColumn: number, column: number): FilterExpression {
    if (field.kind === 'attribute' && field.key === 'status' && op !== '=' && op !== '!=') {
      throw filterError(opColumn, `statuses have no order; use =, !=, IN, NOT IN or LIKE with attributes.status`);
    }
    return { type: 'compare', field, op, value: this.checkValue(field, op, value), column };
  }

  /** Rejects literals that can never match the field's type (text against a metric, an unknown status). */
  private checkValue(field: FieldRef, op: string, value: FilterLiteral): FilterLiteral {
    if (isNumericField(field) && Number.isNaN(value.number)) {
      throw filterError(value.column, `${formatField(field)} holds numbers, but ${quoteForMessage(value.text)} is not a number`);
    }
    if (field.kind === 'attribute' && field.key === 'status' && (op === '=' || op === '!=' || op === 'IN' || op === 'NOT IN')) {
      if (!STATUS_NAMES.has(value.text.toLowerCase())) {
        throw filterError(value.column, `unknown status ${quoteForMessage(value.text)}; statuses are ${TRIAL_TABLE_STATUSES.join(', ')}`);
      }
    }
    return value;
  }
}
