/**
 * Mean and population standard deviation of a sample, with numpy's arithmetic: `np.mean` and
 * `np.std` (ddof=0) sum 1-D float64 arrays pairwise (8-way unrolled blocks of up to 128), so these
 * reproduce numpy's results bit for bit, e.g. for `cv_std`.
 */

/** numpy's pairwise summation (`pairwise_sum` in numpy/core/src/umath/loops_utils.h), starting from 0. */
export function pairwiseSum(values: ArrayLike<number>, start = 0, length = values.length - start): number {
  if (length < 8) {
    let sum = 0;
    for (let i = start; i < start + length; i++) sum += values[i]!;
    return sum;
  }
  if (length <= 128) {
    let r0 = values[start]!;
    let r1 = values[start + 1]!;
    let r2 = values[start + 2]!;
    let r3 = values[start + 3]!;
    let r4 = values[start + 4]!;
    let r5 = values[start + 5]!;
    let r6 = values[start + 6]!;
    let r7 = values[start + 7]!;
    const blockEnd = start + length - (length % 8);
    let i = start + 8;
    for (; i < blockEnd; i += 8) {
      r0 += values[i]!;
      r1 += values[i + 1]!;
      r2 += values[i + 2]!;
      r3 += values[i + 3]!;
      r4 += values[i + 4]!;
      r5 += values[i + 5]!;
      r6 += values[i + 6]!;
      r7 += values[i + 7]!;
    }
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < start + length; i++) sum += values[i]!;
    return sum;
  }
  let half = Math.floor(length / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, length - half);
}

/** Arithmetic mean as `np.mean` (NaN for an empty sample). */
export function mean(values: ArrayLike<number>): number {
  return pairwiseSum(values) / values.length;
}

/** Population standard deviation as `np.std` (ddof=0): sqrt(mean(|x − mean|²)). */
export function std(values: ArrayLike<number>): number {
  return meanStd(values).std;
}

/** Both at once (one pass for the mean, one for the squared deviations). */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  const m = pairwiseSum(values) / n;
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = values[i]! - m;
    squares[i] = d * d;
  }
  return { mean: m, std: Math.sqrt(pairwiseSum(squares) / n) };
}
