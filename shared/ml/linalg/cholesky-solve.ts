/**
 * Cholesky factorisation and solve for small dense symmetric positive-definite systems (the Newton
 * systems of logistic regression, a few hundred unknowns at most). Row-major Float64Array, in place,
 * no allocation: the caller owns every buffer.
 */

/**
 * Factorises the symmetric matrix `a` (n×n, row-major; only the lower triangle is read) into L·Lᵀ,
 * writing L into the lower triangle of `a` (the upper triangle is left untouched).
 *
 * @returns false when the matrix is not numerically positive definite (a pivot ≤ 0 or not finite);
 *   `a` is then partly overwritten and must be rebuilt before retrying.
 */
export function choleskyDecompose(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let diag = a[rowJ + j]!;
    for (let k = 0; k < j; k++) {
      const v = a[rowJ + k]!;
      diag -= v * v;
    }
    if (!(diag > 0) || !Number.isFinite(diag)) return false;
    const ljj = Math.sqrt(diag);
    a[rowJ + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j]!;
      for (let k = 0; k < j; k++) s -= a[rowI + k]! * a[rowJ + k]!;
      a[rowI + j] = s * inv;
    }
  }
  return true;
}

/**
 * Solves L·Lᵀ·x = b given the factor from {@link choleskyDecompose} (lower triangle of `l`).
 * `b` is overwritten with the solution, which is also returned.
 */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): Float64Array {
  // Forward substitution: L·z = b.
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[rowI + k]! * b[k]!;
    b[i] = s / l[rowI + i]!;
  }
  // Back substitution: Lᵀ·x = z.
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  return b;
}

/**
 * Solves A·x = b for symmetric positive-definite A (lower triangle read). `a` is destroyed; the
 * solution is written into `b` and returned, or null when A is not positive definite.
 */
export function choleskySolve(a: Float64Array, n: number, b: Float64Array): Float64Array | null {
  if (!choleskyDecompose(a, n)) return null;
  return choleskySolveInPlace(a, n, b);
}
