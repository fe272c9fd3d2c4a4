/**
 * Step-indexed values of one reported metric, bounded: past the capacity every other point is dropped
 * (the first and last kept), so a program reporting every batch of a long run keeps the curve's shape
 * in constant memory instead of growing the trial record without end.
 */
export class MetricHistory {
  private steps: Float64Array;
  private values: Float64Array;
  private size = 0;
  /** Every how many points one is kept after thinning (1, 2, 4, …). */
  private stride = 1;
  private seen = 0;
  private lastStep = -1;
  /** Step of the latest report (given, or the one after the previous). */
  get latestStep(): number {
    return this.lastStep;
  }
  /** The last reported value (null = reported as missing); the trial's metric. */
  last: number | null = null;

  constructor(readonly capacity: number) {
    this.steps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  add(value: number | null, step: number | undefined): void {
    const at = step ?? this.lastStep + 1;
    this.lastStep = at;
    this.last = value;
    this.seen++;
    // After thinning only every stride-th point is stored; the latest value is `last` either way.
    if ((this.seen - 1) % this.stride !== 0) return;
    if (this.size === this.capacity) this.thin();
    this.steps[this.size] = at;
    this.values[this.size] = value ?? Number.NaN;
    this.size++;
  }

  /** `[step, value]` pairs in report order (null where the value was missing), the last point included. */
  toJSON(): Array<[number, number | null]> {
    const out: Array<[number, number | null]> = [];
    for (let i = 0; i < this.size; i++) {
      const v = this.values[i]!;
      out.push([this.steps[i]!, Number.isNaN(v) ? null : v]);
    }
    if (this.size > 0 && this.steps[this.size - 1] !== this.lastStep) out.push([this.lastStep, this.last]);
    return out;
  }

  private thin(): void {
    let kept = 0;
    for (let i = 0; i < this.size; i += 2) {
      this.steps[kept] = this.steps[i]!;
      this.values[kept] = this.values[i]!;
      kept++;
    }
    this.size = kept;
    this.stride *= 2;
  }
}
