/**
 * Optimization history: the objective of each completed trial in completion order, and the best so
 * far. Up to `maxPoints` trials are sent as they are; beyond that the series is cut into buckets of
 * consecutive trials and each bucket sends its lowest and highest value (in their order), so spikes
 * survive downsampling and the best-so-far line — monotone — is exact at every bucket edge. The answer
 * always says how many trials it stands for.
 */
export interface HistorySeries {
  /** Completed trials with a value. */
  total: number;
  /** Points sent (≤ 2 per bucket when downsampled). */
  drawn: number;
  /** Consecutive trials per bucket (1 = every trial sent). */
  bucketSize: number;
  /** Completion rank (1-based) of each point. */
  x: number[];
  y: number[];
  /** Trial index of each point. */
  index: number[];
  /** Best so far after each point's rank. */
  best: number[];
}

/**
 * @param rows completed trials with a finite value; `values[i]` is the value of `rows[i]`.
 * @param finishedAt finish time per row of the table (orders the trials; ties by index).
 */
export function optimizationHistory(
  rows: Uint32Array,
  values: Float64Array,
  finishedAt: Float64Array,
  goal: 'maximize' | 'minimize',
  maxPoints = 4000,
): HistorySeries {
  const n = rows.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Completion order; trials without a time (legacy) go by index after those with one.
  order.sort((a, b) => {
    const ta = finishedAt[rows[a]!]!;
    const tb = finishedAt[rows[b]!]!;
    // Two untimed trials compare by index too (NaN !== NaN: testing `ta !== tb` alone left their order to the sort).
    const aUntimed = ta !== ta;
    const bUntimed = tb !== tb;
    if (aUntimed !== bUntimed) return aUntimed ? 1 : -1;
    if (!aUntimed && ta !== tb) return ta - tb;
    return rows[a]! - rows[b]!;
  });
  const bucketSize = n <= maxPoints ? 1 : Math.ceil(n / Math.floor(maxPoints / 2));
  const x: number[] = [];
  const y: number[] = [];
  const index: number[] = [];
  const best: number[] = [];
  const better = goal === 'maximize' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  let bestSoFar = Number.NaN;
  for (let start = 0; start < n; start += bucketSize) {
    const end = Math.min(n, start + bucketSize);
    let lo = start;
    let hi = start;
    for (let k = start; k < end; k++) {
      const v = values[order[k]!]!;
      if (v < values[order[lo]!]!) lo = k;
      if (v > values[order[hi]!]!) hi = k;
      if (bestSoFar !== bestSoFar || better(v, bestSoFar)) bestSoFar = v;
    }
    const picks = lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo];
    for (const k of picks) {
      x.push(k + 1);
      y.push(values[order[k]!]!);
      index.push(rows[order[k]!]!);
      // Best so far at this point: exact for single trials; at a bucket's edge otherwise.
      best.push(bucketSize === 1 ? bestSoFar : bestUpTo(order, values, k, better, start, best.length === 0 ? Number.NaN : best[best.length - 1]!));
    }
  }
  return { total: n, drawn: x.length, bucketSize, x, y, index, best };
}

function bestUpTo(
  order: Uint32Array,
  values: Float64Array,
  k: number,
  better: (a: number, b: number) => boolean,
  bucketStart: number,
  previous: number,
): number {
  let b = previous;
  for (let j = bucketStart; j <= k; j++) {
    const v = values[order[j]!]!;
    if (b !== b || better(v, b)) b = v;
  }
  return b;
}
