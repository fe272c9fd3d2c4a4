/**
 * The truncated normal distribution as TPE needs it: the normal CDF and its log, the log of the
 * Gaussian mass of an interval, the quantile function (for sampling) and the log-density. Mirrors
 * Optuna's `samplers/_tpe/_truncnorm.py` (itself from SciPy): tails are computed on the side where
 * they are accurate, masses in log space, so kernels far from a point give very negative but finite
 * log-densities instead of log(0).
 */
import { erf, erfc } from './erf.js';

const SQRT1_2 = Math.SQRT1_2;
/** log(sqrt(2π)). */
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Standard normal CDF Φ(a), accurate in both tails. */
export function ndtr(a: number): number {
  const x = a * SQRT1_2;
  if (x < -SQRT1_2) return 0.5 * erfc(-x);
  if (x < SQRT1_2) return 0.5 + 0.5 * erf(x);
  return 1 - 0.5 * erfc(x);
}

/** log Φ(a), finite down to a ≈ −1e150 (asymptotic series below −20, as SciPy). */
export function logNdtr(a: number): number {
  if (a > 6) return -ndtr(-a);
  if (a > -20) return Math.log(ndtr(a));
  const logLhs = -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI;
  let lastTotal = 0;
  let rightHandSide = 1;
  let numerator = 1;
  let denomFactor = 1;
  const denomCons = 1 / (a * a);
  let sign = 1;
  let i = 0;
  while (Math.abs(lastTotal - rightHandSide) > Number.EPSILON) {
    i++;
    lastTotal = rightHandSide;
    sign = -sign;
    denomFactor *= denomCons;
    numerator *= 2 * i - 1;
    rightHandSide += sign * numerator * denomFactor;
  }
  return logLhs + Math.log(rightHandSide);
}

/** log(exp(p) − exp(q)) for p ≥ q. */
function logDiff(logP: number, logQ: number): number {
  return logP + Math.log1p(-Math.exp(logQ - logP));
}

/** log of the standard normal mass of [a, b] (a ≤ b), computed in the tail where it is accurate. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/**
 * {@link logGaussMass} on the hot path (a discrete kernel's mass at a candidate): plain CDF
 * differences on the accurate side, falling back to log space only when the mass underflows.
 */
export function logGaussMassFast(a: number, b: number): number {
  let mass: number;
  if (b <= 0) mass = ndtr(b) - ndtr(a);
  else if (a > 0) mass = ndtr(-a) - ndtr(-b);
  else return Math.log1p(-ndtr(a) - ndtr(-b));
  if (mass > 1e-280) return Math.log(mass);
  // Both ends deep in one tail (|z| > 35): the asymptotic series of log Φ in closed form, four
  // terms (relative error < 1e-12 there), instead of logNdtr's loop.
  const near = b <= 0 ? b : -a;
  const far = b <= 0 ? a : -b;
  return logNdtrDeepTail(near) + Math.log1p(-Math.exp(logNdtrDeepTail(far) - logNdtrDeepTail(near)));
}

/** log Φ(t) for t ≤ −35: −t²/2 − log(−t) − log √(2π) + log(1 − 1/t² + 3/t⁴ − 15/t⁶). */
function logNdtrDeepTail(t: number): number {
  if (t > -35) return logNdtr(t);
  const u = 1 / (t * t);
  return -0.5 * t * t - Math.log(-t) - LOG_SQRT_2PI + Math.log1p(u * (-1 + u * (3 - 15 * u)));
}

// Acklam's rational approximation of the normal quantile (relative error 1.15e-9), refined below.
const A1 = -3.969683028665376e1;
const A2 = 2.209460984245205e2;
const A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2;
const A5 = -3.066479806614716e1;
const A6 = 2.506628277459239;
const B1 = -5.447609879822406e1;
const B2 = 1.615858368580409e2;
const B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1;
const B5 = -1.328068155288572e1;
const C1 = -7.784894002430293e-3;
const C2 = -3.223964580411365e-1;
const C3 = -2.400758277161838;
const C4 = -2.549732539343734;
const C5 = 4.374664141464968;
const C6 = 2.938163982698783;
const D1 = 7.784695709041462e-3;
const D2 = 3.224671290700398e-1;
const D3 = 2.445134137142996;
const D4 = 3.754408661907416;

/**
 * Standard normal quantile Φ⁻¹(p) for p in (0, 0.5] to full precision (the lower half is where p
 * carries all its digits; callers flip the upper half). Acklam's approximation, then two Halley steps.
 */
export function ndtriLower(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * q) / (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1);
  }
  for (let step = 0; step < 2; step++) {
    // Halley on f(x) = Φ(x) − p, with Φ(x) from erfc (accurate for x ≤ 0).
    const e = 0.5 * erfc(-x * SQRT1_2) - p;
    const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
    if (!Number.isFinite(u)) break;
    x = x - u / (1 + 0.5 * x * u);
  }
  return x;
}

/**
 * Quantile of the standard normal truncated to [a, b]: the c with Φ(c) = Φ(a) + q (Φ(b) − Φ(a)).
 * Works on whichever side of 0 keeps the tail probabilities small, so it stays exact when [a, b]
 * sits in a far tail. q = 0 gives a, q = 1 gives b.
 */
export function truncnormPpf(q: number, a: number, b: number): number {
  if (q <= 0) return a;
  if (q >= 1) return b;
  if (a > 0) return -truncnormPpf(1 - q, -b, -a);
  // a ≤ 0: Φ(a) ≤ 1/2 carries its digits.
  const lowTail = ndtr(a);
  const mass = b <= 0 ? ndtr(b) - lowTail : 1 - lowTail - ndtr(-b);
  const p = lowTail + q * mass;
  let x: number;
  if (p <= 0.5) x = ndtriLower(p);
  else x = -ndtriLower(ndtr(-b) + (1 - q) * mass);
  return x < a ? a : x > b ? b : x;
}
