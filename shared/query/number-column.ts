/** A numeric column of the read model: one Float64 per row, NaN = missing. */

export class NumberColumn {
  readonly kind = 'number';
  private data: Float64Array;

  constructor(capacity: number) {
    this.data = new Float64Array(capacity).fill(Number.NaN);
  }

  /** Values by row (NaN = missing). Replaced when the table grows: re-read after a mutation. */
  get values(): Float64Array {
    return this.data;
  }

  set(row: number, value: number | null | undefined): void {
    this.data[row] = value ?? Number.NaN;
  }

  /** Doubles (or more) the capacity; new rows are missing. */
  grow(capacity: number): void {
    const bigger = new Float64Array(capacity);
    bigger.set(this.data);
    bigger.fill(Number.NaN, this.data.length);
    this.data = bigger;
  }
}
