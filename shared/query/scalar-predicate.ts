/**
 * What a comparison means for one present value. A value is seen as a pair (number, text): `number`
 * is NaN unless the value is a number or text that spells one. The rules:
 * - both sides numbers → numeric comparison (`params.max_depth = '5'` matches 5, `= 5` matches '5');
 * - both text → code-unit string comparison (case-sensitive; ILIKE is the case-insensitive test);
 * - a number against text → numbers order before text, so `=` is false, `!=` true, `<` true.
 *   It is the same total order order_by uses, so filters and sorting never disagree.
 * Missing values never reach a predicate: callers decide them (no comparison matches them).
 */
import type { FilterLiteral, ListComparison, ValueComparison } from './filter-ast.js';
import { LikeMatcher } from './like-matcher.js';

export type ScalarPredicate = (cellNumber: number, cellText: string) => boolean;

/** -1 / 0 / 1 in the filter's total order of present values. */
export function compareScalars(aNumber: number, aText: string, bNumber: number, bText: string): number {
  const aIsNumber = aNumber === aNumber;
  const bIsNumber = bNumber === bNumber;
  if (aIsNumber && bIsNumber) return aNumber < bNumber ? -1 : aNumber > bNumber ? 1 : 0;
  if (aIsNumber) return -1;
  if (bIsNumber) return 1;
  return aText < bText ? -1 : aText > bText ? 1 : 0;
}

/**
 * The predicate of a value or list comparison. With `textOnly` (name, run_id, status) literals are
 * compared as text even when they spell numbers.
 */
export function scalarPredicate(node: ValueComparison | ListComparison, textOnly: boolean): ScalarPredicate {
  const numberOf = (literal: FilterLiteral): number => (textOnly ? Number.NaN : literal.number);
  if (node.type === 'in') {
    const numbers = node.values.map(numberOf);
    const texts = node.values.map((v) => v.text);
    const negated = node.negated;
    return (cellNumber, cellText) => {
      for (let i = 0; i < numbers.length; i++) {
        if (compareScalars(cellNumber, cellText, numbers[i]!, texts[i]!) === 0) return !negated;
      }
      return negated;
    };
  }
  const literalNumber = numberOf(node.value);
  const literalText = node.value.text;
  switch (node.op) {
    case '=':
      return (n, t) => compareScalars(n, t, literalNumber, literalText) === 0;
    case '!=':
      return (n, t) => compareScalars(n, t, literalNumber, literalText) !== 0;
    case '<':
      return (n, t) => compareScalars(n, t, literalNumber, literalText) < 0;
    case '<=':
      return (n, t) => compareScalars(n, t, literalNumber, literalText) <= 0;
    case '>':
      return (n, t) => compareScalars(n, t, literalNumber, literalText) > 0;
    case '>=':
      return (n, t) => compareScalars(n, t, literalNumber, literalText) >= 0;
    case 'LIKE':
    case 'ILIKE': {
      const matcher = new LikeMatcher(literalText, node.op === 'ILIKE');
      return (_n, t) => matcher.matches(t);
    }
  }
}
