/**
 * The densities PED-ANOVA compares, as Optuna 5.0 builds them (`importance/_ped_anova/
 * scott_parzen_estimator.py`): a param's values counted on a grid (numeric params) or per category,
 * then a Parzen mixture over the occupied cells plus one prior kernel, evaluated on every cell.
 * Numeric cells get discretised truncated-normal kernels with Scott's bandwidth in grid units; categories
 * get Optuna's categorical kernels, each of which keeps only part of its mass on its own category and
 * spreads the rest evenly (a Gaussian over category codes would invent an order and smooth far less).
 */
import { logGaussMass } from '../search/tpe/truncnorm.js';

/** Below this bandwidth (grid units) kernels would fit inside one cell: 1.64σ = half a cell (Optuna's). */
const MIN_SIGMA = 0.5 / 1.64;

/**
 * Probability of each of the `counts.length` grid cells under the Scott-bandwidth Parzen estimate of
 * the observations counted in `counts` (cell k's count = observations nearest to it), with one prior
 * kernel of weight `priorWeight` centred on the grid, as wide as the grid. Sums to 1. `counts` must
 * hold at least one observation.
 */
export function numericGridDensity(counts: Float64Array, priorWeight: number): Float64Array {
  const size = counts.length;
  const high = size - 1;
  let total = 0;
  let weightedSum = 0;
  for (let k = 0; k < size; k++) {
    const c = counts[k]!;
    if (c === 0) continue;
    total += c;
    weightedSum += c * k;
  }
  const mean = weightedSum / total;
  let squares = 0;
  for (let k = 0; k < size; k++) if (counts[k]! > 0) squares += counts[k]! * (k - mean) * (k - mean);
  const sd = Math.sqrt(squares / Math.max(1, total - 1));
  const sigma = Math.max(MIN_SIGMA, 1.059 * Math.min(interquartileRange(counts, total) / 1.34, sd) * Math.pow(total, -0.2));

  const out = new Float64Array(size);
  const kernelWeight = 1 / (total + priorWeight);
  // The observation kernels share one sigma: a kernel's truncation mass depends on its cell only.
  for (let j = 0; j < size; j++) {
    const c = counts[j]!;
    if (c === 0) continue;
    addDiscreteTruncatedNormal(out, j, sigma, high, c * kernelWeight);
  }
  if (priorWeight > 0) addDiscreteTruncatedNormal(out, high / 2, high + 1, high, priorWeight * kernelWeight);
  return out;
}

/**
 * Optuna's interquartile range over the weighted cells: numpy's `searchsorted` of ⌊W/4⌋ (left) and
 * ⌊3W/4⌋ (right) in the cumulative counts, the upper index clipped to the last occupied cell.
 */
function interquartileRange(counts: Float64Array, total: number): number {
  const q1Target = Math.floor(total / 4);
  const q3Target = Math.floor((total * 3) / 4);
  let q1 = -1;
  let q3 = -1;
  let last = -1;
  let cumulative = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k]!;
    if (c === 0) continue;
    cumulative += c;
    last = k;
    if (q1 < 0 && cumulative >= q1Target) q1 = k;
    if (q3 < 0 && cumulative > q3Target) q3 = k;
  }
  return (q3 < 0 ? last : q3) - q1;
}

/** Adds `weight` × the mass of N(mu, sigma) on each cell [k − ½, k + ½], truncated to [−½, high + ½]. */
function addDiscreteTruncatedNormal(out: Float64Array, mu: number, sigma: number, high: number, weight: number): void {
  const logTruncation = logGaussMass((-0.5 - mu) / sigma, (high + 0.5 - mu) / sigma);
  for (let k = 0; k <= high; k++) {
    out[k]! += weight * Math.exp(logGaussMass((k - 0.5 - mu) / sigma, (k + 0.5 - mu) / sigma) - logTruncation);
  }
}

/**
 * Probability of each category under Optuna's categorical Parzen estimate of `counts`: one kernel per
 * observed category holding 1 + p/K on its category and p/K on every other (normalised; K = observed
 * categories + 1, p = `priorWeight`), weighted by its count, plus a uniform prior kernel of weight p.
 */
export function categoricalDensity(counts: Float64Array, priorWeight: number): Float64Array {
  const size = counts.length;
  let total = 0;
  let observed = 0;
  for (let k = 0; k < size; k++) {
    if (counts[k]! === 0) continue;
    total += counts[k]!;
    observed++;
  }
  const spread = priorWeight / (observed + 1);
  const kernelNorm = 1 + size * spread;
  const mixtureNorm = total + priorWeight;
  const out = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    out[k] = (counts[k]! + total * spread) / kernelNorm / mixtureNorm + priorWeight / size / mixtureNorm;
  }
  return out;
}
