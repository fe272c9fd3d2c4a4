/**
 * Optuna's `_ParzenEstimator` (optuna 5.0.0, `samplers/_tpe/parzen_estimator.py`): a mixture of one
 * product kernel per observation plus a prior kernel. Numeric dimensions use truncated normals (in
 * log space for log distributions, integrated over a step-wide bin for int/q), with Optuna's
 * bandwidth rule (the larger gap to a sorted neighbour, endpoints ignored, magic clip); categorical
 * dimensions use Optuna's kernel (prior mass spread over the choices, +1 on the observed one).
 *
 * Columnar: observations and samples are one Float64Array per dimension (a categorical value is its
 * choice index), and evaluation runs plain indexed loops over per-kernel typed arrays.
 */
import type { Rng } from '../../ml/random/rng.js';
import type { GridMassCache, GridMassRow } from './grid-mass-cache.js';
import { stableOrder } from './stable-order.js';
import type { TableBuffers } from './table-buffers.js';
import { LOG_SQRT_2PI, logGaussMass, logGaussMassFast, truncnormPpf } from './truncnorm.js';

/** A dimension as the estimator sees it (external bounds, as in the search space). */
export type ParzenDimension =
  | {
      kind: 'numeric';
      low: number;
      high: number;
      /** Grid step for int (1) and q distributions; 0 for continuous ones. */
      step: number;
      log: boolean;
      /** Masses kept across asks for a small linear grid (grid-mass-cache.ts); absent otherwise. */
      gridMasses?: GridMassCache;
    }
  | { kind: 'categorical'; choices: number };

export interface ParzenParameters {
  /** Weight of the prior kernel relative to an observation's (Optuna: 1). */
  priorWeight: number;
  /** Clip bandwidths below at range / min(100, kernels + 1) (Optuna: true). */
  considerMagicClip: boolean;
  /** Let the domain ends bound the first and last kernels' bandwidths (Optuna: false). */
  considerEndpoints: boolean;
}

export const DEFAULT_PARZEN_PARAMETERS: Readonly<ParzenParameters> = { priorWeight: 1, considerMagicClip: true, considerEndpoints: false };

const EPS = 1e-12;

/**
 * Optuna's `default_weights(n)`: 1 for each of the newest 25 observations, a linear ramp from 1/n
 * up to 1 for the older ones (observations ordered oldest first).
 */
export function defaultWeights(n: number, out: Float64Array = new Float64Array(n)): Float64Array {
  if (n < 25) {
    out.fill(1, 0, n);
    return out;
  }
  const ramp = n - 25;
  // numpy.linspace(1/n, 1, ramp): start + i * (stop - start) / (ramp - 1), last point exactly stop.
  const start = 1 / n;
  if (ramp === 1) out[0] = start;
  else if (ramp > 1) {
    const delta = (1 - start) / (ramp - 1);
    for (let i = 0; i < ramp; i++) out[i] = start + i * delta;
    out[ramp - 1] = 1;
  }
  out.fill(1, ramp, n);
  return out;
}

/** Per-dimension kernel parameters of a numeric dimension, in the internal (log if log) space. */
interface NumericKernels {
  readonly dim: Extract<ParzenDimension, { kind: 'numeric' }>;
  /** Internal bounds: [low − step/2, high + step/2], logged for log dimensions. */
  readonly lo: number;
  readonly hi: number;
  readonly mu: Float64Array;
  readonly sigma: Float64Array;
  readonly inverseSigma: Float64Array;
  /** Continuous: −log σ − log √(2π) − log mass([lo, hi]); discrete: −log mass([lo, hi]). */
  readonly constant: Float64Array;
  /**
   * Discrete dimensions: kernels sharing (μ, σ) (repeated grid values) integrate the same bin, so
   * each distinct pair is integrated once: `pairOf[k]` indexes the distinct `pairMu`/`pairSigma`.
   */
  readonly pairOf: Int32Array | null;
  readonly pairMu: Float64Array | null;
  readonly pairSigma: Float64Array | null;
  readonly pairConstant: Float64Array | null;
  /**
   * With a grid mass cache: per pair, its grid index (−1 when μ is off the grid, as the prior's
   * centre can be), σ in grid steps, and its row of cached masses.
   */
  readonly pairGrid: Int32Array | null;
  readonly pairSigmaSteps: Float64Array | null;
  readonly pairRows: GridMassRow[] | null;
}

interface CategoricalKernels {
  readonly choices: number;
  /** Observed choice per kernel, −1 for the prior kernel. */
  readonly observed: Int32Array;
  readonly logMatch: number;
  readonly logOther: number;
  /** Probability of the observed choice and of each other choice in an observation kernel. */
  readonly pMatch: number;
  readonly pOther: number;
}

export class ParzenEstimator {
  readonly dims: readonly ParzenDimension[];
  /** Observation kernels, then the prior kernel (a lone prior when there are no observations). */
  readonly kernelCount: number;
  /** Normalised kernel weights. */
  readonly weights: Float64Array;
  private readonly logWeights: Float64Array;
  private readonly cumulativeWeights: Float64Array;
  private readonly numeric: (NumericKernels | null)[];
  private readonly categorical: (CategoricalKernels | null)[];
  private scratch: Float64Array;

  /**
   * @param observations one column per dimension, `n` rows each: numeric values as in the space
   *   (not logged), categorical values as choice indices.
   * @param weights unnormalised weight of each observation; Optuna's default weights when omitted.
   * @param scratch where the kernel arrays live: reused by the next estimator given the same
   *   buffers, which makes this one invalid (the sampler's bad-group estimators, ~100 KB per ask
   *   at 10,000 trials, issue 11 (d)); fresh arrays when omitted.
   */
  constructor(
    dims: readonly ParzenDimension[],
    observations: readonly Float64Array[],
    n: number,
    parameters: ParzenParameters = DEFAULT_PARZEN_PARAMETERS,
    weights?: Float64Array,
    scratch?: TableBuffers,
  ) {
    if (!(parameters.priorWeight >= 0)) throw new RangeError(`prior weight must be ≥ 0, got ${parameters.priorWeight}`);
    this.dims = dims;
    const kernelCount = n === 0 ? 1 : n + 1;
    this.kernelCount = kernelCount;
    const arrays = new KernelArrays(kernelCount, dims.length, scratch);
    const w = arrays.float64('weights', 0);
    if (n === 0) w[0] = 1;
    else {
      if (weights === undefined) defaultWeights(n, w);
      else for (let i = 0; i < n; i++) w[i] = weights[i]!;
      w[n] = parameters.priorWeight;
    }
    let total = 0;
    for (let k = 0; k < kernelCount; k++) total += w[k]!;
    const logWeights = arrays.float64('logWeights', 0);
    const cumulative = arrays.float64('cumulative', 0);
    let running = 0;
    for (let k = 0; k < kernelCount; k++) {
      w[k] = w[k]! / total;
      logWeights[k] = Math.log(w[k]!);
      running += w[k]!;
      cumulative[k] = running;
    }
    cumulative[kernelCount - 1] = 1;
    this.weights = w;
    this.logWeights = logWeights;
    this.cumulativeWeights = cumulative;
    this.numeric = [];
    this.categorical = [];
    for (let d = 0; d < dims.length; d++) {
      const dim = dims[d]!;
      if (dim.kind === 'categorical') {
        this.numeric.push(null);
        this.categorical.push(buildCategorical(dim.choices, observations[d]!, n, parameters.priorWeight, arrays.int32('observed', d)));
      } else {
        this.categorical.push(null);
        this.numeric.push(buildNumeric(dim, observations[d]!, n, parameters, arrays, d));
      }
    }
    this.scratch = arrays.float64('scratch', 0);
  }

  /** Kernel means of dimension d in the internal space (logged for log dimensions); prior last. */
  kernelMeans(d: number): Float64Array | null {
    return this.numeric[d]?.mu ?? null;
  }

  /** Kernel bandwidths of dimension d in the internal space; prior last. */
  kernelSigmas(d: number): Float64Array | null {
    return this.numeric[d]?.sigma ?? null;
  }

  /** Probability of each choice under kernel k of categorical dimension d. */
  categoricalRow(d: number, k: number): Float64Array {
    const cat = this.categorical[d];
    if (!cat) throw new RangeError(`dimension ${d} is not categorical`);
    const row = new Float64Array(cat.choices);
    const observed = cat.observed[k]!;
    if (observed < 0) row.fill(1 / cat.choices);
    else {
      row.fill(cat.pOther);
      row[observed] = cat.pMatch;
    }
    return row;
  }

  /**
   * Draws `m` points: a kernel by weight, then each dimension from that kernel (numeric values
   * rounded to their grid and returned in the space's units, categorical as choice indices).
   */
  sample(rng: Rng, m: number, out: Float64Array[] = this.dims.map(() => new Float64Array(m))): Float64Array[] {
    const cumulative = this.cumulativeWeights;
    const last = this.kernelCount - 1;
    for (let i = 0; i < m; i++) {
      const u = rng.next();
      let k = 0;
      while (k < last && cumulative[k]! <= u) k++;
      for (let d = 0; d < this.dims.length; d++) {
        const column = out[d]!;
        const cat = this.categorical[d];
        if (cat) {
          const v = rng.next();
          const observed = cat.observed[k]!;
          // Optuna: index = number of cumulative probabilities below v.
          let acc = 0;
          let choice = 0;
          for (let c = 0; c < cat.choices - 1; c++) {
            acc += observed < 0 ? 1 / cat.choices : c === observed ? cat.pMatch : cat.pOther;
            if (acc < v) choice = c + 1;
            else break;
          }
          column[i] = choice;
          continue;
        }
        const num = this.numeric[d]!;
        const mu = num.mu[k]!;
        const sigma = num.sigma[k]!;
        let x = mu + sigma * truncnormPpf(rng.next(), (num.lo - mu) / sigma, (num.hi - mu) / sigma);
        const dim = num.dim;
        if (dim.log) x = Math.exp(x);
        if (dim.step > 0) {
          x = dim.low + Math.round((x - dim.low) / dim.step) * dim.step;
          x = x < dim.low ? dim.low : x > dim.high ? dim.high : x;
        }
        column[i] = x;
      }
    }
    return out;
  }

  /** Log-density (log-mass for discrete dimensions) of the mixture at each of `m` points. */
  logPdf(points: readonly Float64Array[], m: number, out: Float64Array = new Float64Array(m)): Float64Array {
    const K = this.kernelCount;
    const acc = this.scratch;
    // Discrete dimensions: the bin mass only depends on (point value, distinct (μ, σ) pair), and the
    // candidates of one ask share few values, so each value is integrated once per distinct pair.
    const discreteRows = this.discreteRows(points, m);
    for (let i = 0; i < m; i++) {
      acc.set(this.logWeights);
      for (let d = 0; d < this.dims.length; d++) {
        const cat = this.categorical[d];
        if (cat) {
          const c = points[d]![i]!;
          const observed = cat.observed;
          const logMatch = cat.logMatch;
          const logOther = cat.logOther;
          const logPrior = -Math.log(cat.choices);
          for (let k = 0; k < K; k++) {
            const o = observed[k]!;
            acc[k] = acc[k]! + (o < 0 ? logPrior : o === c ? logMatch : logOther);
          }
          continue;
        }
        const num = this.numeric[d]!;
        if (num.pairOf !== null) {
          const row = discreteRows[d]!.get(points[d]![i]!)!;
          const pairOf = num.pairOf;
          for (let k = 0; k < K; k++) acc[k] = acc[k]! + row[pairOf[k]!]!;
          continue;
        }
        const xRaw = points[d]![i]!;
        const x = num.dim.log ? Math.log(xRaw) : xRaw;
        if (!(x >= num.lo && x <= num.hi)) {
          acc.fill(Number.NEGATIVE_INFINITY);
          continue;
        }
        const mu = num.mu;
        const inverseSigma = num.inverseSigma;
        const constant = num.constant;
        for (let k = 0; k < K; k++) {
          const z = (x - mu[k]!) * inverseSigma[k]!;
          acc[k] = acc[k]! - 0.5 * z * z + constant[k]!;
        }
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) if (acc[k]! > max) max = acc[k]!;
      if (max === Number.NEGATIVE_INFINITY) {
        out[i] = Number.NEGATIVE_INFINITY;
        continue;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const shifted = acc[k]! - max;
        // Terms below e^−40 change the sum (≥ 1) by less than 1e−17 each: skipping their exp()
        // keeps far kernels cheap at a relative cost below 1e−14 even with thousands of kernels.
        if (shifted > -40) sum += Math.exp(shifted);
      }
      out[i] = Math.log(sum) + max;
    }
    return out;
  }

  private discreteRows(points: readonly Float64Array[], m: number): (Map<number, Float64Array> | null)[] {
    const rows: (Map<number, Float64Array> | null)[] = [];
    for (let d = 0; d < this.dims.length; d++) {
      const num = this.numeric[d];
      if (!num || num.pairOf === null) {
        rows.push(null);
        continue;
      }
      const map = new Map<number, Float64Array>();
      const half = num.dim.step / 2;
      const column = points[d]!;
      const pairMu = num.pairMu!;
      const pairSigma = num.pairSigma!;
      const pairConstant = num.pairConstant!;
      const pairs = pairMu.length;
      const cache = num.dim.gridMasses;
      for (let i = 0; i < m; i++) {
        const x = column[i]!;
        if (map.has(x)) continue;
        const row = new Float64Array(pairs);
        const left = num.dim.log ? Math.log(x - half) : x - half;
        const right = num.dim.log ? Math.log(x + half) : x + half;
        const at = cache === undefined ? -1 : cache.gridIndex(x, num.dim.low, num.dim.step);
        for (let u = 0; u < pairs; u++) {
          const j = at < 0 ? -1 : num.pairGrid![u]!;
          if (j >= 0) {
            row[u] = cache!.binLogMass(num.pairRows![u]!, num.pairSigmaSteps![u]!, at - j) + pairConstant[u]!;
            continue;
          }
          const s = pairSigma[u]!;
          row[u] = logGaussMassFast((left - pairMu[u]!) / s, (right - pairMu[u]!) / s) + pairConstant[u]!;
        }
        map.set(x, row);
      }
      rows.push(map);
    }
    return rows;
  }
}

/**
 * An estimator's per-kernel arrays: fresh, or views of one scratch array per role laid out by
 * dimension (so the names are constants and each role is one buffer).
 */
class KernelArrays {
  constructor(
    private readonly kernels: number,
    private readonly dims: number,
    private readonly scratch: TableBuffers | undefined,
  ) {}

  float64(role: string, d: number): Float64Array {
    const K = this.kernels;
    if (this.scratch === undefined) return new Float64Array(K);
    return this.scratch.float64(role, K * Math.max(1, this.dims)).subarray(d * K, (d + 1) * K);
  }

  int32(role: string, d: number): Int32Array {
    const K = this.kernels;
    if (this.scratch === undefined) return new Int32Array(K);
    return this.scratch.int32(role, K * Math.max(1, this.dims)).subarray(d * K, (d + 1) * K);
  }

  /** A scratch array of its own length (not one per kernel). */
  int32Sized(role: string, length: number): Int32Array {
    return this.scratch === undefined ? new Int32Array(length) : this.scratch.int32(role, length);
  }

  uint32(role: string, d: number): Uint32Array {
    const K = this.kernels;
    if (this.scratch === undefined) return new Uint32Array(K);
    return this.scratch.uint32(role, K * Math.max(1, this.dims)).subarray(d * K, (d + 1) * K);
  }
}

function buildCategorical(choices: number, observed: Float64Array, n: number, priorWeight: number, out: Int32Array): CategoricalKernels {
  const kernelCount = n === 0 ? 1 : n + 1;
  const indices = out.fill(-1);
  for (let k = 0; k < n; k++) indices[k] = observed[k]!;
  // Optuna fills every row with prior_weight / kernels, adds 1 at the observed choice, normalises rows.
  const fill = priorWeight / kernelCount;
  const rowSum = 1 + choices * fill;
  const pMatch = (1 + fill) / rowSum;
  const pOther = fill / rowSum;
  return { choices, observed: indices, pMatch, pOther, logMatch: Math.log(pMatch), logOther: Math.log(pOther) };
}

function buildNumeric(
  dim: Extract<ParzenDimension, { kind: 'numeric' }>,
  observed: Float64Array,
  n: number,
  parameters: ParzenParameters,
  arrays: KernelArrays,
  d: number,
): NumericKernels {
  let lo = dim.low;
  let hi = dim.high;
  if (dim.step > 0) {
    lo -= dim.step / 2;
    hi += dim.step / 2;
  }
  if (dim.log) {
    lo = Math.log(lo);
    hi = Math.log(hi);
  }
  const kernelCount = n === 0 ? 1 : n + 1;
  const mu = arrays.float64('mu', d);
  const sigma = arrays.float64('sigma', d);
  for (let k = 0; k < n; k++) mu[k] = dim.log ? Math.log(observed[k]!) : observed[k]!;
  if (n > 0) bandwidths(mu, n, lo, hi, parameters, sigma, arrays.float64('sortKeys', d), arrays.uint32('order', d));
  mu[kernelCount - 1] = 0.5 * (lo + hi);
  sigma[kernelCount - 1] = hi - lo;
  const inverseSigma = arrays.float64('inverseSigma', d);
  for (let k = 0; k < kernelCount; k++) inverseSigma[k] = 1 / sigma[k]!;
  const constant = arrays.float64('constant', d);
  if (dim.step === 0) {
    for (let k = 0; k < kernelCount; k++) {
      const s = sigma[k]!;
      constant[k] = -Math.log(s) - LOG_SQRT_2PI - logGaussMass((lo - mu[k]!) / s, (hi - mu[k]!) / s);
    }
    return {
      dim,
      lo,
      hi,
      mu,
      sigma,
      inverseSigma,
      constant,
      pairOf: null,
      pairMu: null,
      pairSigma: null,
      pairConstant: null,
      pairGrid: null,
      pairSigmaSteps: null,
      pairRows: null,
    };
  }
  // Distinct (μ, σ) pairs: few on a grid (at most ~3 bandwidths per repeated value).
  const pairOf = arrays.int32('pairOf', d);
  const pairMuAll = arrays.float64('pairMu', d);
  const pairSigmaAll = arrays.float64('pairSigma', d);
  const cache = dim.gridMasses;
  const pairs = distinctPairs(mu, sigma, kernelCount, dim, arrays, d, pairOf, pairMuAll, pairSigmaAll);
  const pairMu = pairMuAll.subarray(0, pairs);
  const pairSigma = pairSigmaAll.subarray(0, pairs);
  const pairConstant = new Float64Array(pairs);
  let pairGrid: Int32Array | null = null;
  let pairSigmaSteps: Float64Array | null = null;
  let pairRows: GridMassRow[] | null = null;
  if (cache !== undefined) {
    pairGrid = new Int32Array(pairs);
    pairSigmaSteps = new Float64Array(pairs);
    pairRows = [];
    for (let u = 0; u < pairs; u++) {
      const j = cache.gridIndex(pairMu[u]!, dim.low, dim.step);
      pairGrid[u] = j;
      const steps = pairSigma[u]! / dim.step;
      pairSigmaSteps[u] = steps;
      const row = cache.row(steps);
      pairRows.push(row);
      pairConstant[u] = j >= 0 ? -cache.truncationLogMass(row, steps, j) : -logGaussMass((lo - pairMu[u]!) / pairSigma[u]!, (hi - pairMu[u]!) / pairSigma[u]!);
    }
  } else {
    for (let u = 0; u < pairs; u++) {
      const s = pairSigma[u]!;
      pairConstant[u] = -logGaussMass((lo - pairMu[u]!) / s, (hi - pairMu[u]!) / s);
    }
  }
  for (let k = 0; k < kernelCount; k++) constant[k] = pairConstant[pairOf[k]!]!;
  return { dim, lo, hi, mu, sigma, inverseSigma, constant, pairOf, pairMu, pairSigma, pairConstant, pairGrid, pairSigmaSteps, pairRows };
}

/**
 * Numbers the distinct (μ, σ) pairs of the kernels in order of first appearance: `pairOf[k]`, and
 * each pair's μ and σ; returns how many there are. Pairs are chained by μ: per grid index on a
 * cached grid (a Map keyed by μ boxes its double keys on every lookup, ~25 KB of garbage per
 * 512-kernel dimension, issue 11 (d)), else per μ in a Map.
 */
function distinctPairs(
  mu: Float64Array,
  sigma: Float64Array,
  kernels: number,
  dim: Extract<ParzenDimension, { kind: 'numeric' }>,
  arrays: KernelArrays,
  d: number,
  pairOf: Int32Array,
  pairMu: Float64Array,
  pairSigma: Float64Array,
): number {
  const cache = dim.gridMasses;
  // head[j + 1]: the latest pair whose μ has grid index j (head[0]: μ off the grid); next[p]: the one before.
  const head = cache === undefined ? null : arrays.int32Sized('pairHead', cache.values + 1).fill(-1);
  const byMu = cache === undefined ? new Map<number, number>() : null;
  const next = arrays.int32('pairNext', d);
  let pairs = 0;
  for (let k = 0; k < kernels; k++) {
    const m = mu[k]!;
    const s = sigma[k]!;
    const bucket = head === null ? -1 : cache!.gridIndex(m, dim.low, dim.step) + 1;
    const first = head === null ? (byMu!.get(m) ?? -1) : head[bucket]!;
    let id = -1;
    for (let p = first; p >= 0; p = next[p]!) {
      if (pairMu[p] === m && pairSigma[p] === s) {
        id = p;
        break;
      }
    }
    if (id < 0) {
      id = pairs++;
      pairMu[id] = m;
      pairSigma[id] = s;
      next[id] = first;
      if (head === null) byMu!.set(m, id);
      else head[bucket] = id;
    }
    pairOf[k] = id;
  }
  return pairs;
}

/**
 * Optuna's bandwidths: each kernel's σ is the larger gap to its sorted neighbours (the domain ends
 * count as neighbours, except that with consider_endpoints false the first and last kernels use
 * their inner gap), clipped to [range / min(100, kernels + 1), range]. Ties keep observation order
 * (a stable sort), which numpy's argsort also does for the small arrays of the reference fixtures.
 */
function bandwidths(
  mu: Float64Array,
  n: number,
  lo: number,
  hi: number,
  parameters: ParzenParameters,
  out: Float64Array,
  sortKeys: Float64Array,
  scratch: Uint32Array,
): void {
  // Equal values take consecutive ranks in observation order, as a stable argsort gives them.
  const order = stableOrder(mu, n, sortKeys, scratch);
  const maxSigma = hi - lo;
  const minSigma = parameters.considerMagicClip ? (hi - lo) / Math.min(100, 1 + (n + 1)) : EPS;
  // The first and last kernels apart: a neighbour chosen between the domain end (a tagged
  // argument) and a typed-array read made V8 box both, two heap numbers per kernel (issue 11 (d)).
  const first = order[0]!;
  const last = order[n - 1]!;
  if (n === 1) out[first] = clip(Math.max(mu[first]! - lo, hi - mu[first]!), minSigma, maxSigma);
  else {
    const ends = parameters.considerEndpoints;
    const low = mu[first]!;
    const second = mu[order[1]!]!;
    out[first] = clip(ends ? Math.max(low - lo, second - low) : second - low, minSigma, maxSigma);
    const high = mu[last]!;
    const penultimate = mu[order[n - 2]!]!;
    out[last] = clip(ends ? Math.max(high - penultimate, hi - high) : high - penultimate, minSigma, maxSigma);
  }
  for (let r = 1; r < n - 1; r++) {
    const k = order[r]!;
    const here = mu[k]!;
    out[k] = clip(Math.max(here - mu[order[r - 1]!]!, mu[order[r + 1]!]! - here), minSigma, maxSigma);
  }
}

function clip(s: number, low: number, high: number): number {
  return s < low ? low : s > high ? high : s;
}
