/**
 * Random search as a sampler, as scikit-learn's ParameterSampler: a finite grid (every param listed or
 * fixed) is sampled without replacement, anything with a distribution with replacement (each trial
 * picks an entry uniformly, then draws each param, keys sorted). Draw i depends only on (seed, i): a
 * keyed permutation of the grid's points, or a generator seeded from (seed, i). So trials can be
 * created lazily by any feeder in any order and a re-run is bit-identical.
 */
import { Rng, seedFrom } from '../ml/random/rng.js';
import type { DistributionParam, ParamSpec, SearchSpaceEntry } from '../schemas/search-space.schema.js';
import type { ParamLiteral } from '../schemas/spec-scalars.schema.js';
import { sampleDistribution, sampleValues } from './distributions.js';
import { ConcatenatedGrids } from './grid-sampler.js';
import { isDiscreteEntry } from './grid.js';
import { KeyedPermutation, MAX_PERMUTATION_SIZE } from './keyed-permutation.js';
import type { AskRequest, AskResult, Proposal, Sampler } from './sampler.js';

interface CompiledParam {
  key: string;
  kind: 'literal' | 'values' | 'distribution';
  literal: ParamLiteral;
  values: readonly ParamLiteral[];
  distribution: DistributionParam | undefined;
}

function compileEntry(entry: SearchSpaceEntry): CompiledParam[] {
  const compiled: CompiledParam[] = [];
  for (const key of Object.keys(entry.params).sort()) {
    const spec: ParamSpec = entry.params[key]!;
    if (typeof spec === 'object' && spec !== null && 'values' in spec) {
      compiled.push({ key, kind: 'values', literal: null, values: spec.values, distribution: undefined });
    } else if (typeof spec === 'object' && spec !== null && 'distribution' in spec) {
      compiled.push({ key, kind: 'distribution', literal: null, values: [], distribution: spec });
    } else {
      compiled.push({ key, kind: 'literal', literal: spec, values: [], distribution: undefined });
    }
  }
  return compiled;
}

/** True when every entry is a finite grid. */
export function isDiscreteSpace(space: readonly SearchSpaceEntry[]): boolean {
  for (const entry of space) if (!isDiscreteEntry(entry)) return false;
  return true;
}

export class RandomSampler implements Sampler {
  readonly deterministic = true;
  readonly size: number;
  private readonly grids: ConcatenatedGrids | null;
  private readonly permutation: KeyedPermutation | null;
  private readonly compiled: CompiledParam[][];

  /**
   * @param maxTrials trials to draw (`search.max_trials`); a smaller finite grid yields its size.
   * @param seed the search seed.
   */
  constructor(
    private readonly space: readonly SearchSpaceEntry[],
    maxTrials: number,
    private readonly seed: number,
  ) {
    this.compiled = space.map(compileEntry);
    const grids = isDiscreteSpace(space) ? new ConcatenatedGrids(space) : null;
    // Beyond 2^52 points the permutation cannot address the grid exactly; drawing with replacement from
    // such a space repeats a point with negligible probability.
    this.grids = grids !== null && grids.size <= MAX_PERMUTATION_SIZE ? grids : null;
    this.permutation = this.grids === null ? null : new KeyedPermutation(this.grids.size, seed >>> 0);
    this.size = this.grids === null ? maxTrials : Math.min(maxTrials, this.grids.size);
  }

  ask(request: AskRequest): AskResult {
    const end = Math.min(this.size, request.nextIndex + request.count);
    if (request.nextIndex >= end) return { kind: 'exhausted' };
    const proposals: Proposal[] = [];
    for (let i = request.nextIndex; i < end; i++) proposals.push(this.draw(i));
    return { kind: 'proposals', proposals };
  }

  /** The i-th draw of this search. */
  draw(i: number): Proposal {
    if (this.grids !== null) return this.grids.point(this.permutation!.at(i));
    const rng = new Rng(seedFrom(this.seed, 'random-search', i));
    const entry = this.space.length === 1 ? 0 : rng.nextInt(this.space.length);
    const params: Record<string, ParamLiteral> = {};
    const entryParams = this.compiled[entry]!;
    for (let p = 0; p < entryParams.length; p++) {
      const param = entryParams[p]!;
      if (param.kind === 'values') params[param.key] = sampleValues(param.values, rng);
      else if (param.kind === 'distribution') params[param.key] = sampleDistribution(param.distribution!, rng);
      else params[param.key] = param.literal;
    }
    return { entry, params };
  }
}
