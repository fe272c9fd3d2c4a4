import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeatureBinner, MAX_VALUE_BINS } from '../../../../shared/ml/models/tree/binner.js';
import { matrix } from './tree-test-data.js';

describe('FeatureBinner', () => {
  it('puts edges at midpoints between distinct values when there are few of them', () => {
    const binner = new FeatureBinner().fit(matrix([[3, 1, 2, 2, 1, 10]]));
    assert.deepEqual(Array.from(binner.edgesOf(0)), [1.5, 2.5, 6.5]);
    assert.equal(binner.nBins(0), 4);
  });

  it('maps x to the bin b with edges[b-1] < x <= edges[b], NaN to the missing bin', () => {
    const binner = new FeatureBinner().fit(matrix([[1, 2, 3]]));
    const binned = binner.transform(matrix([[0, 1, 1.5, 1.6, 2.5, 3, 99, Number.NaN]]));
    assert.deepEqual(Array.from(binned.columns[0]!), [0, 0, 0, 1, 1, 2, 2, 3]);
    assert.equal(binned.nBins[0], 3);
  });

  it('uses at most max_bins quantile bins when values are many', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i * 0.5);
    const binner = new FeatureBinner(16).fit(matrix([values]));
    assert.equal(binner.nBins(0), 16);
    const counts = new Array<number>(16).fill(0);
    const binned = binner.transform(matrix([values]));
    for (const b of binned.columns[0]!) counts[b]!++;
    for (const c of counts) assert.ok(c >= 60 && c <= 65, `bin sizes are balanced, got ${c}`);
  });

  it('keeps the default bin count within the Uint8 range with room for the missing bin', () => {
    const values = Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 1000);
    const binner = new FeatureBinner().fit(matrix([values]));
    assert.ok(binner.nBins(0) <= MAX_VALUE_BINS);
  });

  it('learns edges from the fitted rows only but bins every row', () => {
    const X = matrix([[1, 2, 100, 200]]);
    const binner = new FeatureBinner().fit(X, Uint32Array.of(0, 1));
    assert.deepEqual(Array.from(binner.edgesOf(0)), [1.5]);
    assert.deepEqual(Array.from(binner.transform(X).columns[0]!), [0, 1, 1, 1]);
  });

  it('ignores NaN when fitting and handles an all-missing feature', () => {
    const binner = new FeatureBinner().fit(
      matrix([
        [Number.NaN, 1, 3],
        [Number.NaN, Number.NaN, Number.NaN],
      ]),
    );
    assert.deepEqual(Array.from(binner.edgesOf(0)), [2]);
    assert.equal(binner.nBins(1), 1);
    assert.deepEqual(Array.from(binner.transform(matrix([[1], [Number.NaN]])).columns[1]!), [1]);
  });

  it('places split thresholds inside the gap between the bins it separates', () => {
    const binner = new FeatureBinner().fit(matrix([[1, 2, 3, 4]]));
    // edges 1.5, 2.5, 3.5: bins ≤ 0 left, ≥ 3 right → any value in [1.5, 3.5] works; the middle is 2.5.
    assert.equal(binner.splitThreshold(0, 0, 3), 2.5);
    assert.equal(binner.splitThreshold(0, 1, 2), 2.5);
    assert.equal(binner.splitThreshold(0, 2, -1), Number.MAX_VALUE);
  });

  it('round-trips through JSON and rejects unsorted edges', () => {
    const binner = new FeatureBinner(8).fit(matrix([[5, 1, 4, 2, 3]]));
    const copy = FeatureBinner.fromJSON(JSON.parse(JSON.stringify(binner.toJSON())) as ReturnType<FeatureBinner['toJSON']>);
    assert.deepEqual(copy.edgesOf(0), binner.edgesOf(0));
    assert.throws(() => FeatureBinner.fromJSON({ maxBins: 8, edges: [[2, 1]] }), { code: 'INVALID_ARTIFACT' });
  });

  it('rejects max_bins outside [2, 255]', () => {
    assert.throws(() => new FeatureBinner(256), { code: 'INVALID_MODEL' });
    assert.throws(() => new FeatureBinner(1), { code: 'INVALID_MODEL' });
  });
});
