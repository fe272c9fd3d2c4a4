/**
 * Median of values[0..count) by quickselect, reordering the values in place: O(n) instead of the
 * O(n log n) full sort (the median imputer was half of a 20k-row logistic-regression trial's time),
 * on large inputs after narrowing to a sample bracket.
 * Same result as numpy's median: the middle value, or the mean of the two middle values.
 */
export function medianInPlace(values: Float64Array, count: number): number {
  const half = count >> 1;
  // Large inputs: narrow to the values between two sample quantiles first (Floyd–Rivest's idea).
  if (count >= BRACKET_MIN_COUNT) {
    const bracketed = medianWithinBracket(values, count, half);
    if (bracketed === bracketed) return bracketed;
  }
  return middleOf(values, count, half, count % 2 === 1);
}

/** Inputs from this size are narrowed by {@link medianWithinBracket} before the selection. */
const BRACKET_MIN_COUNT = 2048;
const SAMPLE_SIZE = 256;
/** Sample ranks either side of the sample median: ~3 standard deviations of its rank (√256 / 2 = 8). */
const BRACKET_HALF_WIDTH = 24;
const sample = new Float64Array(SAMPLE_SIZE);

/**
 * The median when the middle rank(s) fall between two quantiles of an evenly spaced sample: one pass
 * moves the values inside the bracket to the front and counts those below it, and the selection runs
 * on the ~20% inside (one pass plus a small select instead of a select over everything: the median
 * imputer's refit on a 16k × 40 table spent ~8 ms here). NaN when the bracket missed (≈ 0.3% of
 * inputs); `values` is then merely reordered and the caller selects over all of it.
 */
function medianWithinBracket(values: Float64Array, count: number, half: number): number {
  const stride = count / SAMPLE_SIZE;
  for (let j = 0; j < SAMPLE_SIZE; j++) sample[j] = values[Math.floor(j * stride)]!;
  sample.sort();
  const lo = sample[SAMPLE_SIZE / 2 - BRACKET_HALF_WIDTH]!;
  const hi = sample[SAMPLE_SIZE / 2 + BRACKET_HALF_WIDTH]!;
  let below = 0;
  let inside = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (v < lo) below++;
    else if (v <= hi) {
      values[i] = values[inside]!;
      values[inside++] = v;
    }
  }
  // The middle ranks (half − 1 for an even count, and half) must lie inside.
  const firstNeeded = count % 2 === 1 ? half : half - 1;
  if (firstNeeded < below || half >= below + inside) return Number.NaN;
  return middleOf(values, inside, half - below, count % 2 === 1);
}

/**
 * Rank `k` of values[0..n) when `odd`, else the mean of ranks k − 1 and k (after selecting k, rank
 * k − 1 is the maximum of what lies before it): numpy's median once k is the middle rank.
 */
function middleOf(values: Float64Array, n: number, k: number, odd: boolean): number {
  const upper = selectKth(values, n, k);
  if (odd) return upper;
  let lower = values[0]!;
  for (let i = 1; i < k; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/** Puts the k-th smallest of values[0..count) at index k (Hoare partitioning, median-of-three pivot). */
export function selectKth(values: Float64Array, count: number, k: number): number {
  let left = 0;
  let right = count - 1;
  while (right > left) {
    const middle = (left + right) >> 1;
    // Median of three as pivot keeps sorted or reversed input linear.
    if (values[middle]! < values[left]!) swap(values, middle, left);
    if (values[right]! < values[left]!) swap(values, right, left);
    if (values[right]! < values[middle]!) swap(values, right, middle);
    const pivot = values[middle]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k]!;
}

function swap(values: Float64Array, a: number, b: number): void {
  const t = values[a]!;
  values[a] = values[b]!;
  values[b] = t;
}
