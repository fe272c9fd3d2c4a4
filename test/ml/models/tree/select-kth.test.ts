import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invertedCdfIndex, selectKth } from '../../../../shared/ml/models/tree/select-kth.js';
import { Rng } from '../../../../shared/ml/random/rng.js';

describe('selectKth', () => {
  it('returns the k-th smallest for every k, with duplicates and sorted runs', () => {
    const rng = new Rng(5);
    const cases = [
      Float64Array.from({ length: 101 }, () => Math.floor(rng.uniform(0, 10))),
      Float64Array.from({ length: 64 }, (_, i) => i),
      Float64Array.from({ length: 64 }, (_, i) => -i),
      new Float64Array(9).fill(3),
    ];
    for (const values of cases) {
      const sorted = values.slice().sort();
      for (let k = 0; k < values.length; k++) assert.equal(selectKth(values.slice(), values.length, k), sorted[k]);
    }
  });
});

describe('invertedCdfIndex', () => {
  it("gives scikit-learn's _weighted_percentile position for unit weights (numpy 'inverted_cdf')", () => {
    // np.percentile(np.arange(n), q, method='inverted_cdf') for these (q, n).
    const cases: Array<[number, number, number]> = [
      [50, 4, 1],
      [50, 5, 2],
      [90, 10, 8],
      [90, 256, 230],
      [80, 7, 5],
      [0, 5, 0],
      [100, 5, 4],
    ];
    for (const [q, n, index] of cases) assert.equal(invertedCdfIndex(q, n), index, `q ${q}, n ${n}`);
  });
});
