/**
 * A param column: JSON scalars that may differ in type from row to row (`max_depth` is 5 in one trial
 * and null in another, `max_features` is 'sqrt' or 0.5). A cell is a number (Float64, NaN = none), a
 * string (dictionary code, -1 = none), or missing (neither). Booleans are stored as the strings
 * 'true' / 'false', which is also what the filter literals `true` / `false` mean.
 *
 * Both arrays are allocated on first use: most params are all-numeric or all-string, and that keeps a
 * 100k-row table at 8 (or 4) bytes per param cell instead of 12.
 */
import { StringDictionary } from './string-dictionary.js';

/** A value a param cell accepts. */
export type ParamValue = string | number | boolean | null;

export class ParamColumn {
  readonly kind = 'param';
  readonly dictionary = new StringDictionary();
  private numberData: Float64Array | null = null;
  private codeData: Int32Array | null = null;
  private capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Numeric cells by row (NaN = not a number cell), or null while no row holds a number. */
  get numbers(): Float64Array | null {
    return this.numberData;
  }

  /** String cells by row as codes into `dictionary` (-1 = not a string cell), or null while none does. */
  get codes(): Int32Array | null {
    return this.codeData;
  }

  set(row: number, value: ParamValue | undefined): void {
    if (typeof value === 'number' && !Number.isNaN(value)) {
      this.numberData ??= new Float64Array(this.capacity).fill(Number.NaN);
      this.numberData[row] = value;
      if (this.codeData !== null) this.codeData[row] = -1;
      return;
    }
    if (typeof value === 'string' || typeof value === 'boolean') {
      this.codeData ??= new Int32Array(this.capacity).fill(-1);
      this.codeData[row] = this.dictionary.encode(typeof value === 'boolean' ? String(value) : value);
      if (this.numberData !== null) this.numberData[row] = Number.NaN;
      return;
    }
    if (this.numberData !== null) this.numberData[row] = Number.NaN;
    if (this.codeData !== null) this.codeData[row] = -1;
  }

  /** The cell as JSON (booleans come back as 'true' / 'false'); undefined when missing. */
  get(row: number): string | number | undefined {
    const number = this.numberData?.[row];
    if (number !== undefined && !Number.isNaN(number)) return number;
    const code = this.codeData?.[row];
    return code === undefined ? undefined : this.dictionary.decode(code);
  }

  grow(capacity: number): void {
    if (this.numberData !== null) {
      const bigger = new Float64Array(capacity);
      bigger.set(this.numberData);
      bigger.fill(Number.NaN, this.numberData.length);
      this.numberData = bigger;
    }
    if (this.codeData !== null) {
      const bigger = new Int32Array(capacity);
      bigger.set(this.codeData);
      bigger.fill(-1, this.codeData.length);
      this.codeData = bigger;
    }
    this.capacity = capacity;
  }
}
