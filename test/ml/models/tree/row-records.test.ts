import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExclusiveBundles } from '../../../../shared/ml/models/tree/exclusive-bundles.js';
import { STAT_TARGET } from '../../../../shared/ml/models/tree/histogram-split-search.js';
import { RECORD_CODES_BYTE, RowRecords } from '../../../../shared/ml/models/tree/row-records.js';

/** Bundles of 9 positions: only `nBundles` and `codes` are read by the records. */
function bundlesOf(nRows: number, nBundles: number): ExclusiveBundles {
  const codes = Uint8Array.from({ length: nRows * nBundles }, (_, k) => (k * 37) % 251);
  return { nBundles, bundleOf: new Int32Array(0), codeOf: new Int32Array(0), onBin: new Uint8Array(0), slotOffset: new Int32Array(0), nSlots: 0, codes };
}

describe('RowRecords', () => {
  for (const nBundles of [0, 3, 8, 11]) {
    it(`holds each drawn position's weight, class slot and bundle codes (${nBundles} bundles)`, () => {
      const n = 9;
      const bundles = nBundles === 0 ? null : bundlesOf(n, nBundles);
      const records = new RowRecords(n, bundles);
      assert.equal(records.width, 2 + Math.ceil(nBundles / 8));
      const rows = Uint32Array.of(0, 2, 3, 7);
      const weights = Float64Array.from({ length: n }, (_, r) => 0.5 + r);
      const classes = Int32Array.from({ length: n }, (_, r) => r % 3);
      records.fillClassification(rows, rows.length, weights, classes);
      for (const r of rows) {
        const o = r * records.width;
        assert.equal(records.float64[o], weights[r]);
        assert.equal(records.int32[2 * o + 2], STAT_TARGET + classes[r]!);
        for (let g = 0; g < nBundles; g++) assert.equal(records.bytes[8 * o + RECORD_CODES_BYTE + g], bundles!.codes[r * nBundles + g]);
      }
    });
  }

  it('holds w·y for regression, y itself without weights', () => {
    const records = new RowRecords(4, null);
    const rows = Uint32Array.of(1, 3);
    const targets = Float64Array.of(10, 0.1, 20, 0.3);
    records.fillRegression(rows, 2, Float64Array.of(0, 3, 0, 7), targets);
    assert.deepEqual([records.float64[2], records.float64[3], records.float64[6], records.float64[7]], [3, 3 * 0.1, 7, 7 * 0.3]);
    records.fillRegression(rows, 2, null, targets);
    assert.deepEqual([records.float64[2], records.float64[3], records.float64[6], records.float64[7]], [1, 0.1, 1, 0.3]);
  });

  for (const [nRows, width] of [
    [3, 4],
    [600, 8],
  ] as const) {
    it(`holds every non-bundled feature's bin, copied from the columns (${nRows} rows, records of ${width} doubles)`, () => {
      // 40 numeric columns: 56 bytes a record, one cache line; 3 rows and 600 (over two copy blocks).
      const nFeatures = width === 4 ? 3 : 40;
      const columns = Array.from({ length: nFeatures }, (_, f) => Uint8Array.from({ length: nRows }, (_, r) => (r * 31 + f * 7) % 255));
      const records = new RowRecords(nRows, null, columns);
      assert.equal(records.hasBins, true);
      assert.equal(records.width, width);
      for (let f = 0; f < nFeatures; f++) {
        assert.equal(records.binByte[f], RECORD_CODES_BYTE + f);
        for (let r = 0; r < nRows; r++) assert.equal(records.bytes[r * width * 8 + records.binByte[f]!], columns[f]![r], `row ${r}, feature ${f}`);
      }
    });
  }
});
