import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeatureBinner } from '../../../../shared/ml/models/tree/binner.js';
import { ColumnOrderCache } from '../../../../shared/ml/models/tree/column-order-cache.js';
import { Rng } from '../../../../shared/ml/random/rng.js';
import { matrix } from './tree-test-data.js';

function randomMatrix(nRows: number, seed: number): ReturnType<typeof matrix> {
  const rng = new Rng(seed);
  const columns: number[][] = [];
  for (let f = 0; f < 5; f++) {
    columns.push(
      Array.from({ length: nRows }, (_, i) => {
        if (f === 1 && i % 7 === 0) return Number.NaN;
        if (f === 2) return rng.nextInt(4); // few distinct values: midpoint edges
        return rng.normal();
      }),
    );
  }
  return matrix(columns);
}

describe('FeatureBinner.fitBinRows', () => {
  const X = randomMatrix(3000, 1);
  const rows = Uint32Array.from({ length: 2000 }, (_, i) => (i * 7) % 3000);

  for (const layout of ['columns', 'rows', 'both'] as const) {
    for (const cached of [false, true]) {
      it(`gives fit()'s edges and transform()'s bins for the fitted rows (layout ${layout}, cache ${cached})`, () => {
        const reference = new FeatureBinner(32).fit(X, rows);
        const binnedAll = reference.transform(X);
        const cache = cached ? new ColumnOrderCache() : undefined;
        if (cache) new FeatureBinner(32).fitBinRows(X, rows.subarray(0, 500), layout, cache); // a stale order to repair
        const binner = new FeatureBinner(32);
        const bins = binner.fitBinRows(X, rows, layout, cache);
        assert.deepEqual(binner.toJSON(), reference.toJSON());
        for (let f = 0; f < 5; f++) {
          assert.equal(bins.nBins[f], binnedAll.nBins[f]);
          for (let i = 0; i < rows.length; i++) {
            const expected = binnedAll.columns[f]![rows[i]!];
            if (bins.columns) assert.equal(bins.columns[f]![i], expected);
            if (bins.rowMajor) assert.equal(bins.rowMajor[i * bins.rowStride + f], expected);
          }
        }
      });
    }
  }

  it('takes edges from a 200k-row sample on larger fits and still bins every row like transform()', () => {
    const big = randomMatrix(210_000, 2);
    const all = Uint32Array.from({ length: big.nRows }, (_, i) => i);
    const binner = new FeatureBinner();
    const bins = binner.fitBinRows(big, all, 'columns');
    const viaTransform = binner.transform(big);
    for (let f = 0; f < 5; f++) assert.deepEqual(bins.columns![f], viaTransform.columns[f]);
    assert.ok(binner.nBins(0) > 200, 'quantile bins of a continuous feature');
  });
});
