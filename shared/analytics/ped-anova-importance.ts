/**
 * Hyperparameter importance by PED-ANOVA (Watanabe, Bansal & Hutter, IJCAI 2023; Optuna's
 * `PedAnovaImportanceEvaluator`): a param matters as much as the distribution of its values among the
 * top-γ′ trials departs from their distribution among all (γ = 1) trials, measured by the Pearson
 * divergence of the two densities. The densities are Parzen estimates (Gaussian kernel, Scott's
 * bandwidth) on a 50-point grid over the param's axis (log-scaled axes in log space); categorical
 * params use smoothed frequencies. Cost is O(trials × params + params × grid²): milliseconds at
 * 100,000 trials, where fANOVA takes minutes. Closed form, no randomness: the same trials always give
 * the same importances.
 */
import { axisPositions, type ParamAxis } from './param-axis.js';

/** Grid points per numeric axis (Optuna's n_steps). */
const GRID = 50;
/** Quantile of best trials compared with the whole set (Optuna's target_quantile). */
export const TOP_QUANTILE = 0.1;
/** Pseudo-count added to every category of the top set's and all trials' frequencies. */
const CATEGORY_PRIOR = 1;

export interface ParamImportance {
  name: string;
  /** Share of the total divergence (importances add up to 1 when any is positive). */
  importance: number;
  /** The Pearson divergence itself. */
  divergence: number;
}

/**
 * @param axes the params over the same trials as `values` (one entry per trial, finite).
 * @returns the params ordered by importance, highest first (ties by name).
 */
export function pedAnovaImportance(axes: readonly ParamAxis[], values: Float64Array, goal: 'maximize' | 'minimize'): ParamImportance[] {
  const n = values.length;
  const out: ParamImportance[] = [];
  if (n < 2) return axes.map((axis) => ({ name: axis.name, importance: 0, divergence: 0 }));
  const top = topMask(values, goal, Math.max(2, Math.ceil(n * TOP_QUANTILE)));
  const positions = new Float64Array(n);
  for (const axis of axes) {
    const divergence =
      axis.kind === 'categorical' ? categoricalDivergence(axis.codes, axis.categories.length, top) : numericDivergence(axisPositions(axis, positions), top);
    out.push({ name: axis.name, importance: 0, divergence });
  }
  let sum = 0;
  for (const p of out) sum += p.divergence;
  for (const p of out) p.importance = sum > 0 ? p.divergence / sum : 0;
  out.sort((a, b) => b.divergence - a.divergence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** 1 for the `k` best values (ties by position), else 0. */
function topMask(values: Float64Array, goal: 'maximize' | 'minimize', k: number): Uint8Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const sign = goal === 'maximize' ? -1 : 1;
  order.sort((a, b) => sign * (values[a]! - values[b]!) || a - b);
  const mask = new Uint8Array(values.length);
  for (let i = 0; i < Math.min(k, order.length); i++) mask[order[i]!] = 1;
  return mask;
}

function categoricalDivergence(codes: Int32Array, categories: number, top: Uint8Array): number {
  const all = new Float64Array(categories).fill(CATEGORY_PRIOR);
  const best = new Float64Array(categories).fill(CATEGORY_PRIOR);
  for (let i = 0; i < codes.length; i++) {
    all[codes[i]!]!++;
    if (top[i] === 1) best[codes[i]!]!++;
  }
  return pearsonDivergence(normalize(best), normalize(all));
}

function numericDivergence(positions: Float64Array, top: Uint8Array): number {
  const all = new Float64Array(GRID);
  const best = new Float64Array(GRID);
  const allStats = { n: 0, sum: 0, sum2: 0 };
  const bestStats = { n: 0, sum: 0, sum2: 0 };
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    // A missing value sits at the axis' low end (its own grid point would need a category).
    const x = p !== p ? 0 : p;
    const cell = Math.min(GRID - 1, Math.floor(x * GRID));
    all[cell]!++;
    allStats.n++;
    allStats.sum += x;
    allStats.sum2 += x * x;
    if (top[i] === 1) {
      best[cell]!++;
      bestStats.n++;
      bestStats.sum += x;
      bestStats.sum2 += x * x;
    }
  }
  const pAll = normalize(smooth(all, scottBandwidth(allStats)));
  const pBest = normalize(smooth(best, scottBandwidth(bestStats)));
  return pearsonDivergence(pBest, pAll);
}

/** Scott's rule in axis units ([0, 1]), at least one grid step. */
function scottBandwidth(s: { n: number; sum: number; sum2: number }): number {
  const mean = s.sum / s.n;
  const sd = Math.sqrt(Math.max(0, s.sum2 / s.n - mean * mean));
  return Math.max(1 / GRID, 1.059 * (sd > 0 ? sd : 1 / GRID) * Math.pow(s.n, -0.2));
}

/** Parzen estimate on the grid: each cell's count spread with a Gaussian kernel of `bandwidth`. */
function smooth(counts: Float64Array, bandwidth: number): Float64Array {
  const out = new Float64Array(GRID);
  const inv = 1 / (2 * bandwidth * bandwidth);
  for (let c = 0; c < GRID; c++) {
    const w = counts[c]!;
    if (w === 0) continue;
    const xc = (c + 0.5) / GRID;
    for (let g = 0; g < GRID; g++) {
      const d = (g + 0.5) / GRID - xc;
      out[g]! += w * Math.exp(-d * d * inv);
    }
  }
  return out;
}

function normalize(v: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]!;
  if (sum > 0) for (let i = 0; i < v.length; i++) v[i]! /= sum;
  return v;
}

/** Σ q · (p/q − 1)², over points where q > 0. */
function pearsonDivergence(p: Float64Array, q: Float64Array): number {
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const qi = q[i]!;
    if (qi <= 0) continue;
    const r = p[i]! / qi - 1;
    d += qi * r * r;
  }
  return d;
}
