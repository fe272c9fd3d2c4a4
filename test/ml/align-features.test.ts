import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepqError } from '../../shared/errors/index.js';
import { alignFeatures } from '../../shared/ml/align-features.js';

const a = Float64Array.from([1, 2]);
const b = Float64Array.from([3, 4]);
const c = Float64Array.from([5, 6]);

describe('alignFeatures', () => {
  it('returns the same columns when names and order already match', () => {
    const aligned = alignFeatures({ nRows: 2, columns: [a, b], featureNames: ['a', 'b'] }, ['a', 'b']);
    assert.equal(aligned.columns[0], a);
    assert.equal(aligned.columns[1], b);
  });

  it('reorders columns by name and drops extra ones, without copying', () => {
    const aligned = alignFeatures({ nRows: 2, columns: [c, b, a], featureNames: ['c', 'b', 'a'] }, ['a', 'b']);
    assert.equal(aligned.columns.length, 2);
    assert.equal(aligned.columns[0], a);
    assert.equal(aligned.columns[1], b);
  });

  it('throws INVALID_CSV listing every missing column', () => {
    assert.throws(
      () => alignFeatures({ nRows: 2, columns: [a], featureNames: ['a'] }, ['a', 'income', 'age']),
      (error: unknown) => error instanceof SweepqError && error.code === 'INVALID_CSV' && /income, age/.test(error.message),
    );
  });
});
