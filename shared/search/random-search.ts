/**
 * Random search, as scikit-learn's ParameterSampler: each trial picks a space entry uniformly, then
 * draws each param (keys sorted) from its distribution or values list. When no entry has a
 * distribution the space is a finite grid and trials are drawn from it without replacement (as
 * scikit-learn does), so a small grid never yields duplicate trials. Deterministic for a seed.
 */
import { Rng } from '../ml/random/rng.js';
import type { DistributionParam, ParamLiteral, ParamSpec, SearchSpaceEntry } from '../schemas/sweep-spec.schema.js';
import { sampleDistribution, sampleValues } from './distributions.js';
import { axesPointCount, gridAxes, gridPoint, isDiscreteEntry, type GridAxis } from './grid.js';

/** A drawn trial: the entry's model and concrete params. */
export interface SampledTrial {
  /** Index of the space entry the trial was drawn from. */
  entry: number;
  model: SearchSpaceEntry['model'];
  params: Record<string, ParamLiteral>;
}

function isDiscreteSpace(space: readonly SearchSpaceEntry[]): boolean {
  for (const entry of space) if (!isDiscreteEntry(entry)) return false;
  return true;
}

/** Number of trials a random search yields: max_trials, or the grid size when that is smaller. */
export function randomSearchCount(space: readonly SearchSpaceEntry[], maxTrials: number): number {
  if (!isDiscreteSpace(space)) return maxTrials;
  let total = 0;
  for (const entry of space) total += axesPointCount(gridAxes(entry));
  return Math.min(maxTrials, total);
}

/** Draws the trials of a random search. */
export function sampleRandomSearch(space: readonly SearchSpaceEntry[], maxTrials: number, seed: number): SampledTrial[] {
  const rng = new Rng(seed);
  return isDiscreteSpace(space) ? sampleGridWithoutReplacement(space, maxTrials, rng) : sampleWithReplacement(space, maxTrials, rng);
}

interface CompiledParam {
  key: string;
  kind: 'literal' | 'values' | 'distribution';
  literal: ParamLiteral;
  values: readonly ParamLiteral[];
  distribution: DistributionParam | undefined;
}

function compileEntry(entry: SearchSpaceEntry): CompiledParam[] {
  const keys = Object.keys(entry.params).sort();
  const compiled: CompiledParam[] = [];
  for (const key of keys) {
    const spec: ParamSpec = entry.params[key]!;
    if (typeof spec === 'object' && spec !== null && 'values' in spec) {
      compiled.push({ key, kind: 'values', literal: null, values: spec.values, distribution: undefined });
    } else if (typeof spec === 'object' && spec !== null && 'distribution' in spec) {
      compiled.push({ key, kind: 'distribution', literal: null, values: [], distribution: spec });
    } else {
      compiled.push({ key, kind: 'literal', literal: spec as ParamLiteral, values: [], distribution: undefined });
    }
  }
  return compiled;
}

function sampleWithReplacement(space: readonly SearchSpaceEntry[], n: number, rng: Rng): SampledTrial[] {
  const compiled: CompiledParam[][] = [];
  for (const entry of space) compiled.push(compileEntry(entry));
  const trials: SampledTrial[] = [];
  for (let t = 0; t < n; t++) {
    const e = space.length === 1 ? 0 : rng.nextInt(space.length);
    const params: Record<string, ParamLiteral> = {};
    const entryParams = compiled[e]!;
    for (let p = 0; p < entryParams.length; p++) {
      const param = entryParams[p]!;
      if (param.kind === 'values') params[param.key] = sampleValues(param.values, rng);
      else if (param.kind === 'distribution') params[param.key] = sampleDistribution(param.distribution!, rng);
      else params[param.key] = param.literal;
    }
    trials.push({ entry: e, model: space[e]!.model, params });
  }
  return trials;
}

/**
 * min(n, grid size) distinct grid points in random order: a partial Fisher–Yates shuffle over the
 * virtual index range [0, total), with displaced entries kept in a sparse map (O(n) memory even for
 * a 10^12-point grid).
 */
function sampleGridWithoutReplacement(space: readonly SearchSpaceEntry[], n: number, rng: Rng): SampledTrial[] {
  const axes: GridAxis[][] = [];
  const offsets: number[] = [];
  let total = 0;
  for (const entry of space) {
    const entryAxes = gridAxes(entry);
    axes.push(entryAxes);
    offsets.push(total);
    total += axesPointCount(entryAxes);
  }
  const count = Math.min(n, total);
  const displaced = new Map<number, number>();
  const trials: SampledTrial[] = [];
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(total - i);
    const atJ = displaced.get(j) ?? j;
    displaced.set(j, displaced.get(i) ?? i);
    // Locate the entry holding global index atJ (few entries: a linear scan is fine).
    let e = offsets.length - 1;
    while (offsets[e]! > atJ) e--;
    trials.push({ entry: e, model: space[e]!.model, params: gridPoint(axes[e]!, atJ - offsets[e]!) });
  }
  return trials;
}
