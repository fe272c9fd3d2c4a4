/**
 * A search space compiled for TPE: per entry, the fixed params (literals, one-value lists, empty
 * ranges) and the searched dimensions with their Parzen description; for finite entries (`values`
 * lists, int_uniform and q_uniform grids), the mixed-radix numbering of their points, to refuse
 * repeats and detect exhaustion.
 */
import { InvalidInputError } from '../../errors/index.js';
import type { Rng } from '../../ml/random/rng.js';
import { quantize, type DistributionParam } from '../../schemas/distribution-range.js';
import type { ParamSpec, SearchSpaceEntry } from '../../schemas/search-space.schema.js';
import type { ParamLiteral } from '../../schemas/spec-scalars.schema.js';
import { GridMassCache, MAX_GRID_VALUES } from './grid-mass-cache.js';
import type { ParzenDimension } from './parzen-estimator.js';

export interface CategoricalDim {
  readonly kind: 'categorical';
  readonly key: string;
  /** Distinct values, in the order written. */
  readonly values: readonly ParamLiteral[];
  readonly indexOf: ReadonlyMap<ParamLiteral, number>;
  readonly parzen: ParzenDimension;
}

export interface NumericDim {
  readonly kind: 'numeric';
  readonly key: string;
  readonly distribution: DistributionParam['distribution'];
  /** Bounds of the values that can be proposed (q_uniform: quantized bounds). */
  readonly low: number;
  readonly high: number;
  /** 1 for int_uniform, q for q_uniform, 0 for continuous distributions. */
  readonly step: number;
  readonly log: boolean;
  readonly parzen: ParzenDimension;
}

export type TpeDim = CategoricalDim | NumericDim;

export interface TpeEntry {
  readonly model: string;
  readonly fixed: Readonly<Record<string, ParamLiteral>>;
  /** Searched params, keys sorted. */
  readonly dims: readonly TpeDim[];
  /**
   * True when every searched param takes finitely many values (a values list, an int_uniform or
   * q_uniform grid) and the points can be numbered exactly (at most 2^53 of them).
   */
  readonly discrete: boolean;
  /** Points of a discrete entry (product of the dims' value counts); Infinity otherwise. */
  readonly size: number;
  /** Values each dim takes (Infinity for continuous dims). */
  readonly cardinalities: Float64Array;
  /** Mixed-radix strides of a discrete entry's dims (the last dim varies fastest); zeros otherwise. */
  readonly strides: Float64Array;
}

export interface TpeSpace {
  readonly entries: readonly TpeEntry[];
  /** Total points when every entry is discrete, else null. */
  readonly size: number | null;
}

function isValues(spec: ParamSpec): spec is { values: ParamLiteral[] } {
  return typeof spec === 'object' && spec !== null && 'values' in spec;
}

function isDistribution(spec: ParamSpec): spec is DistributionParam {
  return typeof spec === 'object' && spec !== null && 'distribution' in spec;
}

/** @throws InvalidInputError `INVALID_SPEC` for an empty space or a malformed param. */
export function compileTpeSpace(space: readonly SearchSpaceEntry[]): TpeSpace {
  if (space.length === 0)
    throw new InvalidInputError('INVALID_SPEC', 'the search space has no entries (add at least one {model, params})', { location: { path: 'search.space' } });
  const entries: TpeEntry[] = [];
  let total = 0;
  let allDiscrete = true;
  for (let e = 0; e < space.length; e++) {
    const entry = space[e]!;
    const fixed: Record<string, ParamLiteral> = {};
    const dims: TpeDim[] = [];
    for (const key of Object.keys(entry.params).sort()) {
      const spec = entry.params[key]!;
      const path = `search.space[${e}].params.${key}`;
      if (isValues(spec)) {
        const distinct: ParamLiteral[] = [];
        const indexOf = new Map<ParamLiteral, number>();
        for (const value of spec.values) {
          if (indexOf.has(value)) continue;
          indexOf.set(value, distinct.length);
          distinct.push(value);
        }
        if (distinct.length === 0) throw new InvalidInputError('INVALID_SPEC', `${key}: values is empty (list at least one value)`, { location: { path } });
        if (distinct.length === 1) fixed[key] = distinct[0]!;
        else dims.push({ kind: 'categorical', key, values: distinct, indexOf, parzen: { kind: 'categorical', choices: distinct.length } });
      } else if (isDistribution(spec)) {
        const dim = numericDim(key, spec, path);
        if (dim.low === dim.high) fixed[key] = dim.low;
        else dims.push(dim);
      } else {
        fixed[key] = spec;
      }
    }
    const cardinalities = new Float64Array(dims.length);
    let size = 1;
    for (let d = 0; d < dims.length; d++) {
      const dim = dims[d]!;
      cardinalities[d] =
        dim.kind === 'categorical' ? dim.values.length : dim.step > 0 ? Math.round((dim.high - dim.low) / dim.step) + 1 : Number.POSITIVE_INFINITY;
      size *= cardinalities[d]!;
    }
    const discrete = size <= Number.MAX_SAFE_INTEGER;
    const strides = new Float64Array(dims.length);
    if (discrete) {
      let stride = 1;
      for (let d = dims.length - 1; d >= 0; d--) {
        strides[d] = stride;
        stride *= cardinalities[d]!;
      }
    } else {
      size = Number.POSITIVE_INFINITY;
      allDiscrete = false;
    }
    total += size;
    entries.push({ model: entry.model, fixed, dims, discrete, size, cardinalities, strides });
  }
  return { entries, size: allDiscrete ? total : null };
}

function numericDim(key: string, spec: DistributionParam, path: string): NumericDim {
  const bad = (message: string) => new InvalidInputError('INVALID_SPEC', `${key}: ${message}`, { location: { path } });
  if (!Number.isFinite(spec.min) || !Number.isFinite(spec.max) || spec.min > spec.max)
    throw bad(`min ${spec.min} and max ${spec.max} are not a range (write finite min ≤ max)`);
  switch (spec.distribution) {
    case 'uniform':
      return {
        kind: 'numeric',
        key,
        distribution: 'uniform',
        low: spec.min,
        high: spec.max,
        step: 0,
        log: false,
        parzen: { kind: 'numeric', low: spec.min, high: spec.max, step: 0, log: false },
      };
    case 'log_uniform':
      if (!(spec.min > 0)) throw bad(`log_uniform needs min > 0, got ${spec.min} (use a positive min)`);
      return {
        kind: 'numeric',
        key,
        distribution: 'log_uniform',
        low: spec.min,
        high: spec.max,
        step: 0,
        log: true,
        parzen: { kind: 'numeric', low: spec.min, high: spec.max, step: 0, log: true },
      };
    case 'int_uniform': {
      const low = Math.ceil(spec.min);
      const high = Math.floor(spec.max);
      if (low > high) throw bad(`int_uniform [${spec.min}, ${spec.max}] holds no whole number (write integer bounds)`);
      const parzen = { kind: 'numeric', low, high, step: 1, log: false, gridMasses: gridMassCacheFor(low, high, 1) } as const;
      return { kind: 'numeric', key, distribution: 'int_uniform', low, high, step: 1, log: false, parzen };
    }
    case 'q_uniform': {
      const q = spec.q;
      if (!(q > 0)) throw bad(`q_uniform needs q > 0, got ${q}`);
      // The values random search draws: multiples of q between the quantized bounds.
      const low = quantize(spec.min, q);
      const high = quantize(spec.max, q);
      const parzen = { kind: 'numeric', low, high, step: q, log: false, gridMasses: gridMassCacheFor(low, high, q) } as const;
      return { kind: 'numeric', key, distribution: 'q_uniform', low, high, step: q, log: false, parzen };
    }
  }
}

/** A cache of the grid's kernel masses, when the grid is small enough to keep them (grid-mass-cache.ts). */
function gridMassCacheFor(low: number, high: number, step: number): GridMassCache | undefined {
  const values = Math.round((high - low) / step) + 1;
  return values >= 1 && values <= MAX_GRID_VALUES ? new GridMassCache(values) : undefined;
}

/**
 * The internal value of an observed param: the choice index of a categorical, the number itself
 * (not logged) of a numeric one; NaN when the value cannot belong to the dim (e.g. the space changed).
 */
export function internalValue(dim: TpeDim, value: ParamLiteral | undefined): number {
  if (dim.kind === 'categorical') {
    const index = dim.indexOf.get(value as ParamLiteral);
    return index === undefined ? Number.NaN : index;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return Number.NaN;
  // A little slack for values written back through JSON or rounded by quantize.
  const slack = dim.step > 0 ? dim.step / 2 : 1e-9 * (dim.high - dim.low);
  if (value < dim.low - slack || value > dim.high + slack) return Number.NaN;
  return value < dim.low ? dim.low : value > dim.high ? dim.high : value;
}

/** The param value of an internal value (rounded to the dim's grid, inside its bounds). */
export function externalValue(dim: TpeDim, internal: number): ParamLiteral {
  if (dim.kind === 'categorical') return dim.values[internal]!;
  let x = internal;
  if (dim.step > 0) x = dim.low + Math.round((x - dim.low) / dim.step) * dim.step;
  x = x < dim.low ? dim.low : x > dim.high ? dim.high : x;
  if (dim.distribution === 'int_uniform') return Math.round(x);
  if (dim.distribution === 'q_uniform') return quantize(x, dim.step);
  return x;
}

/**
 * A uniform draw in the internal representation, as Optuna's RandomSampler: uniform (log-uniform
 * for log dims) over the range, or uniform over the grid points of int/q dims and the choices.
 */
export function sampleUniform(dim: TpeDim, rng: Rng): number {
  if (dim.kind === 'categorical') return rng.nextInt(dim.values.length);
  if (dim.step > 0) {
    const points = Math.round((dim.high - dim.low) / dim.step) + 1;
    return dim.low + rng.nextInt(points) * dim.step;
  }
  if (dim.log) {
    const lo = Math.log(dim.low);
    const x = Math.exp(lo + (Math.log(dim.high) - lo) * rng.next());
    return x < dim.low ? dim.low : x > dim.high ? dim.high : x;
  }
  return dim.low + (dim.high - dim.low) * rng.next();
}

/** Position of a dim's internal value among the dim's values (choice index, grid step count). */
export function valueIndex(dim: TpeDim, internal: number): number {
  return dim.kind === 'categorical' ? internal : Math.round((internal - dim.low) / dim.step);
}

/** Number of a discrete entry's point (mixed radix over the dims, last dim fastest). */
export function pointIndex(entry: TpeEntry, values: ArrayLike<number>): number {
  let index = 0;
  for (let d = 0; d < entry.dims.length; d++) index += valueIndex(entry.dims[d]!, values[d]!) * entry.strides[d]!;
  return index;
}

/** The internal values of point `index` of a discrete entry. */
export function pointValues(entry: TpeEntry, index: number, out: Float64Array = new Float64Array(entry.dims.length)): Float64Array {
  let rest = index;
  for (let d = 0; d < entry.dims.length; d++) {
    const dim = entry.dims[d]!;
    const stride = entry.strides[d]!;
    const position = Math.floor(rest / stride);
    rest -= position * stride;
    out[d] = dim.kind === 'categorical' ? position : dim.low + position * dim.step;
  }
  return out;
}
