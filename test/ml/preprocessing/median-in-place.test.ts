import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../../shared/ml/random/rng.js';
import { medianInPlace } from '../../../shared/ml/preprocessing/median-in-place.js';
import { sortedMedian } from '../../../shared/ml/preprocessing/transformer.js';

describe('medianInPlace', () => {
  it('equals the median of the sorted values for odd, even, tied and ordered inputs', () => {
    const rng = new Rng(3);
    const cases: number[][] = [[5], [2, 1], [3, 1, 2], [1, 1, 1, 1], [4, 3, 2, 1], [1, 2, 3, 4, 5, 6], [-0, 0, -1, 1]];
    for (let n = 1; n < 300; n += 7) {
      const values: number[] = [];
      for (let i = 0; i < n; i++) values.push(rng.nextInt(4) === 0 ? rng.nextInt(5) : rng.normal());
      cases.push(values);
    }
    for (const values of cases) {
      const expected = sortedMedian(Float64Array.from(values).sort(), values.length);
      assert.equal(medianInPlace(Float64Array.from(values), values.length), expected, `median of ${values.length} values`);
    }
  });

  it('equals the sorted median on large inputs, whether or not the sample bracket holds the middle', () => {
    const rng = new Rng(5);
    const cases: Array<[string, (i: number, n: number) => number]> = [
      ['normal', () => rng.normal()],
      ['ascending', (i) => i],
      ['descending', (i, n) => n - i],
      ['three values', () => rng.nextInt(3)],
      ['constant', () => 7],
      // Every sampled position (multiples of n / 256) holds a huge value: the bracket misses.
      ['sample-adversarial', (i, n) => (i % Math.floor(n / 256) === 0 ? 1e9 : i)],
    ];
    for (const [name, value] of cases) {
      for (const n of [2048, 2049, 5000, 16_001]) {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) values[i] = value(i, n);
        const expected = sortedMedian(values.slice().sort(), n);
        assert.equal(medianInPlace(values, n), expected, `${name}, ${n} values`);
      }
    }
  });

  it('only looks at the first count values', () => {
    assert.equal(medianInPlace(Float64Array.from([3, 1, 2, 100, 100]), 3), 2);
  });
});
