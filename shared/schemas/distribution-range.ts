/**
 * What values a search-space distribution can produce. Part of a distribution's definition, so it
 * lives with the schema: the validator probes these values against the model's param schema, and the
 * samplers in shared/search draw through the same function, so what is validated is what is drawn.
 */

/** A continuous or integer distribution to sample a param from (random search, TPE). */
export type DistributionParam =
  { distribution: 'uniform' | 'log_uniform' | 'int_uniform'; min: number; max: number } | { distribution: 'q_uniform'; min: number; max: number; q: number };

/**
 * Rounds `value` to a multiple of `q` the way hyperopt's `quniform` does (`round(x / q) * q`), then
 * drops the binary noise of the multiplication (0.1 * 3 = 0.30000000000000004 → 0.3) so the value
 * prints and hashes as the user would expect.
 */
export function quantize(value: number, q: number): number {
  const k = Math.round(value / q);
  const raw = k * q;
  // 12 significant digits is far below any q a user writes and far above the multiplication's error.
  const cleaned = Number(raw.toPrecision(12));
  return Object.is(cleaned, -0) ? 0 : cleaned;
}

/** The smallest and largest value a distribution can produce (used to validate it against a schema). */
export function distributionBounds(dist: DistributionParam): { lo: number; hi: number } {
  switch (dist.distribution) {
    case 'uniform':
    case 'log_uniform':
    case 'int_uniform':
      return { lo: dist.min, hi: dist.max };
    case 'q_uniform':
      return { lo: quantize(dist.min, dist.q), hi: quantize(dist.max, dist.q) };
  }
}

/**
 * The value a distribution produces at quantile `u` in [0, 1] (u = 0 → lowest, u → 1 highest). The
 * sampler and the validator share it, so the validator probes exactly the values that can be drawn.
 */
export function distributionAt(dist: DistributionParam, u: number): number {
  switch (dist.distribution) {
    case 'uniform':
      return clamp(dist.min + (dist.max - dist.min) * u, dist.min, dist.max);
    case 'log_uniform': {
      if (u <= 0) return dist.min;
      const logMin = Math.log(dist.min);
      // exp(log(x)) is not exactly x (exp(log(10)) = 10.000000000000002): clamp so the bounds hold.
      return clamp(Math.exp(logMin + (Math.log(dist.max) - logMin) * u), dist.min, dist.max);
    }
    case 'int_uniform': {
      const span = dist.max - dist.min + 1;
      return Math.min(dist.max, dist.min + Math.floor(u * span));
    }
    case 'q_uniform':
      return quantize(clamp(dist.min + (dist.max - dist.min) * u, dist.min, dist.max), dist.q);
  }
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
