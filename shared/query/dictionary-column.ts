/**
 * A string column stored as dictionary codes (Int32, -1 = missing). Models and tags repeat a handful
 * of values over 100k rows, so 4 bytes a row and comparisons decided once per distinct value.
 */
import { StringDictionary } from './string-dictionary.js';

export class DictionaryColumn {
  readonly kind = 'dictionary';
  readonly dictionary = new StringDictionary();
  private data: Int32Array;

  constructor(capacity: number) {
    this.data = new Int32Array(capacity).fill(-1);
  }

  /** Code per row into `dictionary` (-1 = missing). Replaced when the table grows. */
  get codes(): Int32Array {
    return this.data;
  }

  set(row: number, value: string | null | undefined): void {
    this.data[row] = value === null || value === undefined ? -1 : this.dictionary.encode(value);
  }

  get(row: number): string | undefined {
    return this.dictionary.decode(this.data[row] ?? -1);
  }

  grow(capacity: number): void {
    const bigger = new Int32Array(capacity);
    bigger.set(this.data);
    bigger.fill(-1, this.data.length);
    this.data = bigger;
  }
}
