import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Float64Argsort } from '../../../../shared/ml/models/tree/float64-argsort.js';
import { Rng } from '../../../../shared/ml/random/rng.js';

describe('Float64Argsort', () => {
  const cases: Array<[string, number[]]> = [
    ['mixed signs, zero and ties', [3, -1, 0, 2.5, -1, 1e-300, -1e300, 1e300, 3]],
    ['infinities and extremes', [Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE]],
    ['one value', [42]],
    ['all equal (every digit pass skipped)', [7, 7, 7, 7]],
  ];
  for (const [name, input] of cases) {
    it(`sorts ascending with the permutation (${name})`, () => {
      const values = Float64Array.from(input);
      const index = Uint32Array.from(input, (_, i) => i);
      new Float64Argsort().sort(values, index, values.length);
      const expected = input.slice().sort((a, b) => a - b);
      assert.deepEqual(Array.from(values), expected);
      for (let i = 0; i < input.length; i++) assert.equal(Object.is(input[index[i]!], values[i]) || input[index[i]!] === values[i], true);
    });
  }

  it('puts -0 just before +0 (equal values, distinct keys)', () => {
    const values = Float64Array.of(0, -0, 1, -0);
    const index = Uint32Array.of(0, 1, 2, 3);
    new Float64Argsort().sort(values, index, 4);
    assert.deepEqual(Array.from(index), [1, 3, 0, 2]);
  });

  it('matches a comparison sort on random data and keeps ties in input order (stable)', () => {
    const rng = new Rng(3);
    const sorter = new Float64Argsort();
    for (const n of [2, 100, 5000]) {
      // + 0 turns −0 into +0: the radix order puts −0 first, a comparison sort treats them as ties.
      const input = Array.from({ length: n }, () => Math.round(rng.normal() * 50) / 10 + 0);
      const values = Float64Array.from(input);
      const index = Uint32Array.from(input, (_, i) => i);
      sorter.sort(values, index, n);
      const expected = input.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.deepEqual(
        Array.from(index),
        expected.map((e) => e[1]),
      );
      assert.deepEqual(
        Array.from(values),
        expected.map((e) => e[0]),
      );
    }
  });
});
