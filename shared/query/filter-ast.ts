/**
 * The parsed form of a filter. Plain data (JSON-serialisable): a parse can be cached by filter text
 * and compiled against any number of tables. AND and OR are n-ary so long chains stay shallow.
 */
import type { FieldRef } from './field-ref.js';

/** A literal as written. `number` is its numeric value when it is one (a number, or text that spells one), else NaN. */
export interface FilterLiteral {
  readonly kind: 'number' | 'string' | 'boolean';
  /** The value as text: a string's contents, a number as written (`5.0`), `true` / `false`. */
  readonly text: string;
  readonly number: number;
  /** 1-based column of the literal in the filter text. */
  readonly column: number;
}

export type ValueOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE';

/** `field op value`. */
export interface ValueComparison {
  readonly type: 'compare';
  readonly field: FieldRef;
  readonly op: ValueOperator;
  readonly value: FilterLiteral;
  readonly column: number;
}

/** `field IN (…)` / `field NOT IN (…)`. */
export interface ListComparison {
  readonly type: 'in';
  readonly field: FieldRef;
  readonly negated: boolean;
  readonly values: readonly FilterLiteral[];
  readonly column: number;
}

/** `field IS NULL` / `field IS NOT NULL` (an extension to MLflow's grammar: the only test that matches missing values). */
export interface NullCheck {
  readonly type: 'null';
  readonly field: FieldRef;
  readonly negated: boolean;
  readonly column: number;
}

export type FilterComparison = ValueComparison | ListComparison | NullCheck;

export interface AndExpression {
  readonly type: 'and';
  readonly operands: readonly FilterExpression[];
}

export interface OrExpression {
  readonly type: 'or';
  readonly operands: readonly FilterExpression[];
}

export type FilterExpression = FilterComparison | AndExpression | OrExpression;
