import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choleskySolve } from '../../../shared/ml/linalg/cholesky-solve.js';

describe('choleskySolve', () => {
  it('solves a symmetric positive-definite system', () => {
    // A = [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]], x = [1, -2, 0.5]  →  b = A·x
    const a = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
    const x = [1, -2, 0.5];
    const b = new Float64Array(3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) b[i]! += a[i * 3 + j]! * x[j]!;
    const solution = choleskySolve(a, 3, b);
    assert.ok(solution);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(solution[i]! - x[i]!) < 1e-12);
  });

  it('returns null when the matrix is not positive definite', () => {
    const a = Float64Array.from([1, 2, 2, 1]);
    assert.equal(choleskySolve(a, 2, Float64Array.from([1, 1])), null);
  });
});
