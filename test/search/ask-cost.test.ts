/**
 * What makes ask() cheap at 10,000 trials (issue 11 (d)) must not change what it computes: the
 * stable argsort behind the bandwidths, and the grid masses kept across asks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../shared/ml/random/rng.js';
import { GridMassCache } from '../../shared/search/tpe/grid-mass-cache.js';
import { ParzenEstimator, type ParzenDimension } from '../../shared/search/tpe/parzen-estimator.js';
import { stableOrder } from '../../shared/search/tpe/stable-order.js';
import { logGaussMass } from '../../shared/search/tpe/truncnorm.js';

describe('stableOrder', () => {
  it('orders indices by value, equal values in index order, like a stable sort', () => {
    const rng = new Rng(7);
    for (const n of [0, 1, 2, 17, 40, 513]) {
      // Few distinct values, so most runs tie (as a grid dimension's kernels do).
      const values = Float64Array.from({ length: n }, () => rng.nextInt(6) / 2);
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
      assert.deepEqual(Array.from(stableOrder(values, n, new Float64Array(n), new Uint32Array(n))), expected, `n = ${n}`);
    }
  });
});

describe('GridMassCache', () => {
  it('gives the masses computed directly', () => {
    const cache = new GridMassCache(10);
    const row = cache.row(1.5);
    // Kernel at grid index 2 with σ = 1.5 steps: the bin of index 5 is [2.5, 3.5] steps away.
    assert.equal(cache.binLogMass(row, 1.5, 3), logGaussMass(2.5 / 1.5, 3.5 / 1.5));
    assert.equal(cache.truncationLogMass(row, 1.5, 2), logGaussMass(-2.5 / 1.5, 7.5 / 1.5));
    assert.equal(cache.binLogMass(row, 1.5, 3), cache.binLogMass(cache.row(1.5), 1.5, 3));
  });

  it('leaves the densities of a grid dimension as they are without it', () => {
    const rng = new Rng(3);
    const n = 300;
    const plain: ParzenDimension = { kind: 'numeric', low: 1, high: 100, step: 1, log: false };
    const q: ParzenDimension = { kind: 'numeric', low: 0.5, high: 2, step: 0.25, log: false };
    const observed = [Float64Array.from({ length: n }, () => 1 + rng.nextInt(100)), Float64Array.from({ length: n }, () => 0.5 + 0.25 * rng.nextInt(7))];
    const cached = [
      { ...plain, gridMasses: new GridMassCache(100) },
      { ...q, gridMasses: new GridMassCache(7) },
    ];
    const candidates = [Float64Array.from({ length: 24 }, () => 1 + rng.nextInt(100)), Float64Array.from({ length: 24 }, () => 0.5 + 0.25 * rng.nextInt(7))];
    const expected = new ParzenEstimator([plain, q], observed, n).logPdf(candidates, 24);
    // Twice: the second estimator reads the masses the first one stored.
    for (let round = 0; round < 2; round++) {
      const actual = new ParzenEstimator(cached, observed, n).logPdf(candidates, 24);
      for (let i = 0; i < 24; i++)
        assert.ok(Math.abs(actual[i]! - expected[i]!) <= 1e-9 * Math.max(1, Math.abs(expected[i]!)), `candidate ${i}: ${actual[i]} vs ${expected[i]}`);
    }
  });
});
