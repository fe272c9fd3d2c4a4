/**
 * When a piece of text counts as a number. Filters compare numerically whenever both sides are
 * numbers, and a string such as '5' or '1e-3' is a number for that purpose (MLflow stores every param
 * as text, so users write `params.max_depth = '5'`). The grammar is deliberately narrow: decimal
 * literals only — no hex, no 'Infinity', no surrounding blanks — so that 'inf' or ' 5' stay text.
 */
const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number `text` spells, or NaN when it is not a plain decimal literal. */
export function numericValueOfText(text: string): number {
  return text.length <= 64 && NUMERIC_TEXT.test(text) ? Number(text) : Number.NaN;
}
