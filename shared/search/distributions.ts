/**
 * Samplers for the search-space distributions of a sweep file, one per kind. Each draws from the
 * caller's seeded {@link Rng}, so a search is reproducible from its seed alone.
 */
import type { Rng } from '../ml/random/rng.js';
import { distributionAt } from '../schemas/distribution-range.js';
import type { DistributionParam } from '../schemas/search-space.schema.js';
import type { ParamLiteral } from '../schemas/spec-scalars.schema.js';

/** Draws one value from a distribution. */
export function sampleDistribution(dist: DistributionParam, rng: Rng): number {
  switch (dist.distribution) {
    case 'uniform':
      return distributionAt(dist, rng.next());
    case 'log_uniform':
      return distributionAt(dist, rng.next());
    case 'int_uniform': {
      const span = dist.max - dist.min + 1;
      // nextInt is unbiased up to 2^32; larger spans (rare) fall back to a scaled double inside it.
      return dist.min + rng.nextInt(span);
    }
    case 'q_uniform':
      return distributionAt(dist, rng.next());
  }
}

/** Draws one of a `values` list uniformly. */
export function sampleValues(values: readonly ParamLiteral[], rng: Rng): ParamLiteral {
  return values[rng.nextInt(values.length)]!;
}
