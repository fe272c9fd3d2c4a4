/**
 * Reads a JSON request body as MLflow's scoring server does (Python's `json.loads`), which also takes
 * the `NaN`, `Infinity` and `-Infinity` literals that Python's `json.dumps` writes for float columns:
 * `mlflow`'s own client sends a DataFrame with a missing value as `[1.5, NaN, …]`. `JSON.parse` refuses
 * them, so a body that fails to parse and holds one is parsed again with the literals rewritten
 * outside strings — `NaN` → `null` (missing), `±Infinity` → `±1e999` (which parses to ±Infinity, so the
 * table builder can refuse it naming the column and row). Valid JSON pays nothing for this.
 */
import { isUtf8 } from 'node:buffer';
import { InvalidInputError } from '../errors/index.js';

const NON_STANDARD_LITERAL = /NaN|Infinity/;

/**
 * The body as bytes, checked to be UTF-8 (MLflow refuses other encodings too).
 * @throws InvalidInputError INVALID_ARGUMENT for bytes that are not UTF-8.
 */
export function utf8Bytes(body: Uint8Array | string): Uint8Array {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (!isUtf8(body)) throw new InvalidInputError('INVALID_ARGUMENT', 'the request body is not valid UTF-8; send JSON (or CSV) encoded as UTF-8');
  return body;
}

/**
 * The parsed body.
 * @throws InvalidInputError INVALID_ARGUMENT for bytes that are not UTF-8 or not JSON.
 */
export function parseJsonBody(body: Uint8Array | string): unknown {
  const bytes = utf8Bytes(body);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (NON_STANDARD_LITERAL.test(text)) {
      try {
        return JSON.parse(rewriteNonFiniteLiterals(text)) as unknown;
      } catch {
        // Report the error of the text as sent, not of the rewritten one.
      }
    }
    throw new InvalidInputError('INVALID_ARGUMENT', `the request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const QUOTE = 34;
const BACKSLASH = 92;

/** `text` with NaN / Infinity / -Infinity outside strings replaced by null / 1e999 / -1e999. */
export function rewriteNonFiniteLiterals(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === BACKSLASH) i++;
      else if (ch === QUOTE) inString = false;
      continue;
    }
    if (ch === QUOTE) {
      inString = true;
      continue;
    }
    let replacement: string | null = null;
    let length = 0;
    if (text.startsWith('NaN', i)) [replacement, length] = ['null', 3];
    else if (text.startsWith('Infinity', i)) [replacement, length] = ['1e999', 8];
    if (replacement === null) continue;
    out += text.slice(copiedUpTo, i) + replacement;
    i += length - 1;
    copiedUpTo = i + 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}
