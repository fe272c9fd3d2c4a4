/**
 * `Rng.nextInt(n)` for the forests' hot draws (bootstrap rows, candidate features), same stream and
 * same values, without its two floating-point remainders per call: `x % n` on a uint32 above 2^31 is a
 * double remainder (a libm call in V8), the bulk of a draw's cost. Here each bound's rejection limit
 * is computed once, and the remainder is r − ⌊r / n⌋·n, exact for r < 2^32 (the quotient's rounding
 * error, below 2^−20 / n, never crosses an integer).
 */
import type { Rng } from '../../random/rng.js';

/** Uniform integers in [0, n), 0 < n ≤ maxBound, drawn as `rng.nextInt(n)` draws them. */
export class UniformIndex {
  /** Rejection limit of each bound: the largest multiple of n not above 2^32. */
  private readonly limits: Float64Array;

  /** @param maxBound largest bound `draw` takes (≤ 2^32 − 1). */
  constructor(maxBound: number) {
    this.limits = new Float64Array(maxBound + 1);
    for (let n = 1; n <= maxBound; n++) this.limits[n] = 0x100000000 - (0x100000000 % n);
  }

  /** `rng.nextInt(n)`. */
  draw(rng: Rng, n: number): number {
    const limit = this.limits[n]!;
    let r = rng.nextUint32();
    while (r >= limit) r = rng.nextUint32();
    return r - Math.floor(r / n) * n;
  }
}
