/**
 * What one categorical column becomes in the ONNX graph: a lookup table with one row of encoder
 * outputs per distinct input the fitted branch can tell apart — each category it knows, "missing",
 * and "anything else" — and the string → row map the graph's LabelEncoder applies.
 *
 * The rows are not re-derived from the encoder's state: they are what sweepq's own imputer and encoder
 * output for a probe column holding each of those inputs. So drop, infrequent grouping, missing as a
 * category, unknown_value and handle_unknown are reproduced by construction, bit for bit, and stay in
 * step with the encoders as they evolve.
 */
import { InvalidInputError, SweepqError } from '../../../errors/index.js';
import { MISSING_TOKENS } from '../../dataset/csv-table-parser.js';
import type { CategoricalColumn } from '../../dataset/table.js';
import { CategoricalImputer } from '../../preprocessing/categorical-imputer.js';
import type { CategoricalEncoder } from '../../preprocessing/categorical-encoder.js';
import { OneHotEncoder } from '../../preprocessing/one-hot-encoder.js';
import { OrdinalEncoder } from '../../preprocessing/ordinal-encoder.js';

/**
 * Strings that mean "missing" in a string input: the empty string, sweepq's CSV missing tokens, and
 * what onnxruntime makes of pandas' missing objects (`str(nan)` = `nan`, `None`, `<NA>`), all among them.
 */
export const MISSING_STRINGS: readonly string[] = ['', ...MISSING_TOKENS];

export interface CategoricalLookup {
  /** Input strings with a row of their own, in row order (known categories, then the imputer's fill). */
  keys: string[];
  /** Strings read as missing (MISSING_STRINGS minus any that is a known category): row `keys.length`. */
  missingKeys: string[];
  /** Row of every other string (unknown categories): `keys.length + 1`. */
  unknownRow: number;
  /** Encoder outputs per row, row-major rows × width; NaN in a row sweepq refuses. */
  table: Float64Array;
  /** Output columns of the encoder. */
  width: number;
  /**
   * Per row, 1 when sweepq refuses that input (handle_unknown: error); the graph marks such rows'
   * predictions NaN instead of failing, since ONNX has no way to raise.
   */
  refused: Uint8Array;
}

/** The lookup table of one categorical column from its serialized imputer (or null) and encoder. */
export function categoricalLookup(column: string, imputerJson: unknown, encoderJson: unknown): CategoricalLookup {
  const imputer = imputerJson === null ? null : CategoricalImputer.fromJSON(imputerJson);
  const encoder = encoderFromJSON(encoderJson);
  const width = encoder.featureNamesOut().length;
  const keys: string[] = [];
  for (const category of encoder.describe().categories) if (category !== null) keys.push(category);
  // A fill value the encoder never saw (constant imputer, no missing cell in the fit rows) is still
  // an input the branch maps deterministically: give it its own row.
  if (imputer !== null && typeof imputer.fill === 'string' && !keys.includes(imputer.fill)) keys.push(imputer.fill);
  const known = new Set(keys);
  const missingKeys = MISSING_STRINGS.filter((s) => !known.has(s));
  const rows = keys.length + 2;
  const table = new Float64Array(rows * width);
  const refused = new Uint8Array(rows);

  // One probe per row: a row sweepq refuses must not hide the others.
  const probe = (row: number, code: number, categories: readonly string[]): void => {
    const out: Float64Array[] = [];
    for (let k = 0; k < width; k++) out.push(new Float64Array(1));
    let input: CategoricalColumn = { type: 'categorical', name: column, codes: Int32Array.of(code), categories };
    try {
      if (imputer !== null) input = imputer.transform(input);
      encoder.transform(input, out);
    } catch (error) {
      // The encoder refuses an unseen (or missing-as-unseen) category: handle_unknown 'error'.
      if (!(error instanceof SweepqError && error.code === 'INVALID_CSV')) throw error;
      refused[row] = 1;
      table.fill(Number.NaN, row * width, (row + 1) * width);
      return;
    }
    for (let k = 0; k < width; k++) table[row * width + k] = out[k]![0]!;
  };
  for (let row = 0; row < keys.length; row++) probe(row, 0, [keys[row]!]);
  probe(keys.length, -1, []);
  probe(keys.length + 1, 0, [unseenString(known)]);
  return { keys, missingKeys, unknownRow: keys.length + 1, table, width, refused };
}

function encoderFromJSON(json: unknown): CategoricalEncoder & { describe(): { categories: (string | null)[] } } {
  const name = typeof json === 'object' && json !== null ? (json as { name?: unknown }).name : undefined;
  if (name === 'one_hot_encoder') return OneHotEncoder.fromJSON(json);
  if (name === 'ordinal_encoder') return OrdinalEncoder.fromJSON(json);
  throw new InvalidInputError('INVALID_ARTIFACT', `unknown encoder ${JSON.stringify(name) ?? 'undefined'}; expected one_hot_encoder or ordinal_encoder`);
}

/** A string that is none of `known` (the probe for "a category never seen in fit"). */
function unseenString(known: ReadonlySet<string>): string {
  let candidate = '\u0000unseen';
  while (known.has(candidate)) candidate += '\u0000';
  return candidate;
}
