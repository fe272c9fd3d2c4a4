/**
 * Minimum-norm least squares, as scipy.linalg.lstsq (LAPACK gelsd) solves it for scikit-learn's
 * LinearRegression: singular values below `cond × s_max` count as zero, so a rank-deficient design
 * (one-hot columns summing to the intercept) gets the smallest-norm solution instead of a blow-up.
 *
 * Householder QR of the n×p matrix (columns as Float64Arrays; n may be large), then a one-sided Jacobi
 * SVD of the small p×p factor R, which is accurate to full precision on small singular values.
 */

/**
 * Solves min ‖A x − b‖ with minimum ‖x‖. `columns` (p arrays of length n) and `b` are not modified.
 * `rows` restricts the problem to a subset of rows.
 */
export function minNormLeastSquares(
  columns: readonly Float64Array[],
  b: Float64Array,
  cond: number,
  rows?: Uint32Array,
): { x: Float64Array; rank: number; singular: Float64Array } {
  const p = columns.length;
  const n = rows === undefined ? b.length : rows.length;
  // Copies (restricted to rows) that QR overwrites.
  const a: Float64Array[] = new Array<Float64Array>(p);
  for (let j = 0; j < p; j++) {
    const source = columns[j]!;
    const copy = new Float64Array(n);
    if (rows === undefined) copy.set(source.subarray(0, n));
    else for (let i = 0; i < n; i++) copy[i] = source[rows[i]!]!;
    a[j] = copy;
  }
  const c = new Float64Array(n);
  if (rows === undefined) c.set(b.subarray(0, n));
  else for (let i = 0; i < n; i++) c[i] = b[rows[i]!]!;

  const m = Math.min(n, p);
  // R: m×p upper trapezoidal, column-major (R[j] has m entries).
  const r: Float64Array[] = [];
  for (let j = 0; j < p; j++) r.push(new Float64Array(m));
  for (let k = 0; k < m; k++) {
    const col = a[k]!;
    let norm = 0;
    for (let i = k; i < n; i++) norm += col[i]! * col[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) {
      for (let j = k; j < p; j++) r[j]![k] = a[j]![k]!;
      continue;
    }
    const alpha = col[k]! > 0 ? -norm : norm;
    // v = x − alpha e1, stored in col[k..n).
    col[k] = col[k]! - alpha;
    let vv = 0;
    for (let i = k; i < n; i++) vv += col[i]! * col[i]!;
    r[k]![k] = alpha;
    for (let j = k + 1; j < p; j++) {
      const target = a[j]!;
      let dot = 0;
      for (let i = k; i < n; i++) dot += col[i]! * target[i]!;
      const f = (2 * dot) / vv;
      for (let i = k; i < n; i++) target[i] = target[i]! - f * col[i]!;
      r[j]![k] = target[k]!;
    }
    let dot = 0;
    for (let i = k; i < n; i++) dot += col[i]! * c[i]!;
    const f = (2 * dot) / vv;
    for (let i = k; i < n; i++) c[i] = c[i]! - f * col[i]!;
  }
  // Fill the rows of R above the diagonal that were set before their column was processed.
  // (r[j][k] for k < j is written when column k is reduced, above.)

  // One-sided Jacobi on the columns of W = R (m×p): W V = U S.
  const w = r;
  const v: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const e = new Float64Array(p);
    e[j] = 1;
    v.push(e);
  }
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        const wi = w[i]!;
        const wj = w[j]!;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let k = 0; k < m; k++) {
          alpha += wi[k]! * wi[k]!;
          beta += wj[k]! * wj[k]!;
          gamma += wi[k]! * wj[k]!;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        for (let k = 0; k < m; k++) {
          const x = wi[k]!;
          const y = wj[k]!;
          wi[k] = cs * x - sn * y;
          wj[k] = sn * x + cs * y;
        }
        const vi = v[i]!;
        const vj = v[j]!;
        for (let k = 0; k < p; k++) {
          const x = vi[k]!;
          const y = vj[k]!;
          vi[k] = cs * x - sn * y;
          vj[k] = sn * x + cs * y;
        }
      }
    }
    if (!rotated) break;
  }
  const singular = new Float64Array(p);
  let sMax = 0;
  for (let j = 0; j < p; j++) {
    let s = 0;
    const wj = w[j]!;
    for (let k = 0; k < m; k++) s += wj[k]! * wj[k]!;
    singular[j] = Math.sqrt(s);
    if (singular[j]! > sMax) sMax = singular[j]!;
  }
  const cutoff = cond * sMax;
  const x = new Float64Array(p);
  let rank = 0;
  for (let j = 0; j < p; j++) {
    const s = singular[j]!;
    if (!(s > cutoff) || s === 0) continue;
    rank++;
    // U_j = W_j / s; coefficient (U_jᵀ c) / s along V_j.
    const wj = w[j]!;
    let dot = 0;
    for (let k = 0; k < m; k++) dot += wj[k]! * c[k]!;
    const f = dot / (s * s);
    const vj = v[j]!;
    for (let k = 0; k < p; k++) x[k] = x[k]! + f * vj[k]!;
  }
  return { x, rank, singular: Float64Array.from(singular).sort().reverse() };
}
