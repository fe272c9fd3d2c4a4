/**
 * What the tree builder's row-at-a-time paths read of a row — weight, class slot or weighted target,
 * exclusive-bundle codes — as one record per fitted position.
 *
 * Why: a deep node's rows are scattered over the positions, so reading a row's weight, class and
 * bundle codes from three position-indexed arrays costs up to three cache misses per row (the profile
 * of the 100k one-hot forest, issue 9: the node gathers and bundle histograms were mostly those
 * misses); one record brings them in one line. Same values as the arrays, so the trees do not change.
 * (Records kept in row-array order and moved by each partition made those reads sequential, but the
 * extra copying in every partition cost more than the misses it saved: measured ~8% slower.)
 *
 * Record layout, `width` doubles: the weight (double 0); the class slot STAT_TARGET + class as an
 * int32 (int32 index 2) or, for regression, w·y (double 1), computed once per tree as each path
 * computed it before; then the position's bundle codes, one byte each from byte
 * {@link RECORD_CODES_BYTE}. Weights change per tree, codes once per fit.
 */
import type { ExclusiveBundles } from './exclusive-bundles.js';
import { STAT_TARGET } from './histogram-split-search.js';

/** Byte of a record where its bundle codes start (after the weight and the class slot or w·y). */
export const RECORD_CODES_BYTE = 16;

/** Per-position records of one fit; see the file comment. */
export class RowRecords {
  /** Doubles per record. */
  readonly width: number;
  readonly float64: Float64Array;
  readonly int32: Int32Array;
  readonly bytes: Uint8Array;

  /** @param nRows fitted positions; `bundles` their exclusive bundles, or null. */
  constructor(nRows: number, bundles: ExclusiveBundles | null) {
    const nBundles = bundles === null ? 0 : bundles.nBundles;
    this.width = 2 + Math.ceil(nBundles / 8);
    const buffer = new ArrayBuffer(nRows * this.width * 8);
    this.float64 = new Float64Array(buffer);
    this.int32 = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    if (bundles === null) return;
    const bytesPerRecord = this.width * 8;
    for (let r = 0; r < nRows; r++) {
      for (let g = 0; g < nBundles; g++) this.bytes[r * bytesPerRecord + RECORD_CODES_BYTE + g] = bundles.codes[r * nBundles + g]!;
    }
  }

  /** Weights and class slots of the positions rows[0..count) (weights null: unit weights). */
  fillClassification(rows: Uint32Array, count: number, weights: Float64Array | null, classes: Int32Array): void {
    const width = this.width;
    for (let i = 0; i < count; i++) {
      const r = rows[i]!;
      const o = r * width;
      this.float64[o] = weights === null ? 1 : weights[r]!;
      this.int32[2 * o + 2] = STAT_TARGET + classes[r]!;
    }
  }

  /** Weights and weighted targets of the positions rows[0..count) (weights null: w·y is y itself). */
  fillRegression(rows: Uint32Array, count: number, weights: Float64Array | null, targets: Float64Array): void {
    const width = this.width;
    for (let i = 0; i < count; i++) {
      const r = rows[i]!;
      const o = r * width;
      const w = weights === null ? 1 : weights[r]!;
      this.float64[o] = w;
      this.float64[o + 1] = weights === null ? targets[r]! : w * targets[r]!;
    }
  }
}
