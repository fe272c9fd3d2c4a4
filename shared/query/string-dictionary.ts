/**
 * An append-only dictionary of strings for dictionary-coded columns: each distinct string gets a dense
 * code 0..size-1. It also remembers, per code, the number the string spells (NaN when it is not
 * numeric) so that numeric comparisons against string cells never re-parse text per row.
 */
import { numericValueOfText } from './numeric-text.js';

export class StringDictionary {
  private readonly strings: string[] = [];
  private readonly codes = new Map<string, number>();
  private numbers = new Float64Array(8);

  /** Number of distinct strings. */
  get size(): number {
    return this.strings.length;
  }

  /** The strings by code. Do not mutate. */
  get values(): readonly string[] {
    return this.strings;
  }

  /**
   * The number each code's string spells (NaN when not numeric). Indexed by code; the array may be
   * longer than `size` and is replaced when the dictionary grows, so re-read it after adding strings.
   */
  get numericValues(): Float64Array {
    return this.numbers;
  }

  /** The code of `value`, adding it when new. */
  encode(value: string): number {
    const known = this.codes.get(value);
    if (known !== undefined) return known;
    const code = this.strings.length;
    this.strings.push(value);
    this.codes.set(value, code);
    if (code === this.numbers.length) {
      const bigger = new Float64Array(this.numbers.length * 2);
      bigger.set(this.numbers);
      this.numbers = bigger;
    }
    this.numbers[code] = numericValueOfText(value);
    return code;
  }

  /** The code of `value`, or -1 when the dictionary does not hold it. */
  find(value: string): number {
    return this.codes.get(value) ?? -1;
  }

  /** The string of `code` (undefined for -1 or out-of-range codes). */
  decode(code: number): string | undefined {
    return this.strings[code];
  }
}
