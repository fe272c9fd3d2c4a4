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
 * {@link RECORD_CODES_BYTE}; then, when given the binned columns, the bin of every feature outside
 * the bundles (a bundled column's bin follows from its bundle's code). Weights change per tree, codes
 * and bins once per fit. The bins are copied straight from the columns (in blocks of rows that stay
 * in cache), so a fit keeps no row-major copy of its bins beside the records (issue 13: n × p bytes
 * less per fit).
 *
 * Why the bins too: a small node reads its scattered rows' weights and classes, their bins of the
 * drawn features and the split feature's bins in the partition. From the row-major bins (one-hot
 * table of issue 9: 108 bytes a row) and the records (24 bytes) that was two to three cache lines
 * per row; with the bins in the record (32 bytes a row there: 8 bundle codes, 6 numeric bins) it is
 * one, and a node's rows take a quarter of the cache.
 */
import type { ExclusiveBundles } from './exclusive-bundles.js';
import { STAT_TARGET } from './histogram-split-search.js';

/** Byte of a record where its bundle codes start (after the weight and the class slot or w·y). */
export const RECORD_CODES_BYTE = 16;

/** Rows per block of the copy from the columns: a block's records (16 kB at 64 bytes a record) stay in cache. */
const COPY_BLOCK_ROWS = 256;

/** Per-position records of one fit; see the file comment. */
export class RowRecords {
  /** Doubles per record. */
  readonly width: number;
  readonly float64: Float64Array;
  readonly int32: Int32Array;
  readonly bytes: Uint8Array;
  /**
   * Byte of each feature's bin inside a record (record r's bin at `bytes[r·width·8 + binByte[f]]`), −1
   * for a bundled feature (its bundle's code says its bin) or when the records hold no bins.
   */
  readonly binByte: Int32Array;
  /** Whether the records hold the bins of every non-bundled feature. */
  readonly hasBins: boolean;

  /**
   * @param nRows fitted positions; `bundles` their exclusive bundles, or null; `columns` their binned
   *   columns (one Uint8Array of nRows per feature) to copy into the records, or null for records
   *   without bins.
   */
  constructor(nRows: number, bundles: ExclusiveBundles | null, columns: readonly Uint8Array[] | null = null) {
    const nBundles = bundles === null ? 0 : bundles.nBundles;
    const nFeatures = columns === null ? 0 : columns.length;
    this.binByte = new Int32Array(nFeatures).fill(-1);
    this.hasBins = columns !== null;
    let nextByte = RECORD_CODES_BYTE + nBundles;
    for (let f = 0; f < nFeatures; f++) if (bundles === null || bundles.bundleOf[f]! < 0) this.binByte[f] = nextByte++;
    this.width = columns === null ? 2 + Math.ceil(nBundles / 8) : recordDoubles(nextByte);
    const buffer = new ArrayBuffer(nRows * this.width * 8);
    this.float64 = new Float64Array(buffer);
    this.int32 = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    const bytesPerRecord = this.width * 8;
    if (bundles !== null) {
      for (let r = 0; r < nRows; r++) {
        for (let g = 0; g < nBundles; g++) this.bytes[r * bytesPerRecord + RECORD_CODES_BYTE + g] = bundles.codes[r * nBundles + g]!;
      }
    }
    if (columns === null) return;
    for (let blockStart = 0; blockStart < nRows; blockStart += COPY_BLOCK_ROWS) {
      const blockEnd = Math.min(nRows, blockStart + COPY_BLOCK_ROWS);
      for (let f = 0; f < nFeatures; f++) {
        const b = this.binByte[f]!;
        if (b < 0) continue;
        const column = columns[f]!;
        for (let r = blockStart; r < blockEnd; r++) this.bytes[r * bytesPerRecord + b] = column[r]!;
      }
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

/**
 * Doubles of a record of `bytes` bytes with bins: 32 bytes (two records a cache line) when it fits,
 * else whole 64-byte lines, so no record straddles more lines than it must.
 */
function recordDoubles(bytes: number): number {
  if (bytes <= 32) return 4;
  return Math.ceil(bytes / 64) * 8;
}
