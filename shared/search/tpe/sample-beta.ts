/**
 * A Beta(a, b) draw for a, b > 0, as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b) drawn by
 * Marsaglia and Tsang's method (ACM TOMS 26(3), 2000): a few normals and uniforms per draw.
 */
import type { Rng } from '../../ml/random/rng.js';

function sampleGamma(rng: Rng, shape: number): number {
  // Shapes below 1: Gamma(a) = Gamma(a + 1) · U^(1/a) (Marsaglia and Tsang, section 6).
  if (shape < 1) return sampleGamma(rng, shape + 1) * Math.pow(rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** @throws RangeError unless a > 0 and b > 0. */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) throw new RangeError(`Beta shapes must be finite and > 0, got ${a} and ${b}`);
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}
