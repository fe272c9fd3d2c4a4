/**
 * A deterministic subset of trials for charts that draw one mark per trial (parallel coordinates,
 * slice plots): all of them up to `limit`; beyond, the best tenth of the limit by the objective plus an
 * even stride over the rest in index order. Brushing filters the table on the server with the same
 * filter language, so a selection is exact over every trial, drawn or not.
 */
export function sampleTrials(rows: Uint32Array, values: Float64Array, goal: 'maximize' | 'minimize', limit: number): Uint32Array {
  const n = rows.length;
  if (n <= limit) return rows;
  const bestCount = Math.max(1, Math.floor(limit / 10));
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sign = goal === 'maximize' ? -1 : 1;
  order.sort((a, b) => sign * (values[a]! - values[b]!) || a - b);
  const taken = new Uint8Array(n);
  for (let k = 0; k < bestCount; k++) taken[order[k]!] = 1;
  const rest = limit - bestCount;
  const stride = (n - bestCount) / rest;
  let picked = 0;
  let next = 0;
  for (let i = 0; i < n && picked < rest; i++) {
    if (taken[i] === 1) continue;
    if (next <= 0) {
      taken[i] = 1;
      picked++;
      next += stride;
    }
    next--;
  }
  const out = new Uint32Array(bestCount + picked);
  let k = 0;
  for (let i = 0; i < n; i++) if (taken[i] === 1) out[k++] = rows[i]!;
  return out;
}
