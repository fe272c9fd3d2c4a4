/**
 * A model whose pipeline has no imputer for a column (a linear model: trees route missing values)
 * predicts NaN for a row with a missing value there. scikit-learn refuses such input ("Input X
 * contains NaN"); so do `sweepq predict`, `sweepq serve` and the API's predict routes, naming the rows,
 * instead of answering NaN probabilities (null in JSON) and an arbitrary label.
 */
import { InvalidInputError } from '../errors/index.js';

/** Rows named in the message; the count covers the rest. */
const ROWS_NAMED = 5;

/**
 * @param values the predictions, `perRow` numbers a row (class probabilities, or 1 value)
 * @param source what the rows came from, for the message (`the request`, a file's path)
 * @throws InvalidInputError INVALID_ARGUMENT naming the first rows (from 1) and how to fix it.
 */
export function assertEveryRowPredicted(values: Float64Array, perRow: number, source: string): void {
  const rows: number[] = [];
  let count = 0;
  for (let i = 0; i < values.length; i += perRow) {
    if (values[i] === values[i]) continue;
    count++;
    if (rows.length < ROWS_NAMED) rows.push(i / perRow);
  }
  if (count === 0) return;
  const named = `${rows.map((r) => r + 1).join(', ')}${count > rows.length ? ', …' : ''}`;
  throw new InvalidInputError(
    'INVALID_ARGUMENT',
    `${source}: the model cannot predict ${count} row(s), data row(s) ${named} (counting from 1): they have missing values its pipeline has no imputer for; fill them, or use a model trained with pipeline: {imputer: {strategy: median}}`,
    { details: { rows, count } },
  );
}
