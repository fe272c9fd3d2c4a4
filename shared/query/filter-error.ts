/**
 * The one way the query module reports bad input: INVALID_FILTER, the message prefixed with the
 * 1-based column of the offending token, and the same column in `location` so a UI can underline it.
 */
import { InvalidInputError } from '../errors/index.js';

/**
 * @param column 1-based character position in the text the user wrote (code units, as JavaScript
 *   counts them; the same as characters for ASCII filters).
 * @param path which input the text came from: `filter`, `order_by[0]`, …
 */
export function filterError(column: number, message: string, path = 'filter'): InvalidInputError {
  return new InvalidInputError('INVALID_FILTER', `column ${column}: ${message}`, { location: { path, column } });
}

/** A token quoted for a message, shortened so a 4 KB token does not flood the error. */
export function quoteForMessage(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `'${short}'`;
}
