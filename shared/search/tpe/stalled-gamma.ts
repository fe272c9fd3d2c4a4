/**
 * The good-group size of one ask, widened while the search has stalled (issue 11, round 3): once
 * {@link STALL_TRIALS} trials have finished since the best one, gamma becomes min(ceil(0.25 n), 25)
 * instead of the configured one, so l(x) also covers good regions away from the incumbent's basin.
 *
 * Why: on the benchmark's int/q space TPE loses to random search mostly by sitting next to the
 * optimum along the learning-rate × trees ridge, two or three changes away, with its good group all
 * in that basin. Widening the group after a stall: better than random on 286 → 307 of 400 tuning
 * seeds (100–499) on that space, 322 → 325 on the values space, 303 → 308 on the conditional one;
 * stalls of 15, 25 and 30 trials or fractions 0.05, 0.2, 0.3, 0.35 were within noise or worse.
 */
import type { Observation } from '../sampler.js';
import type { GammaFunction } from './tpe-options.js';

/** Finished trials since the best one after which the good group widens. */
export const STALL_TRIALS = 20;
/** The good group's fraction while stalled (capped at 25 trials, as Optuna's default gamma). */
export const STALLED_GAMMA_FRACTION = 0.25;

export function stalledGamma(observations: readonly Observation[], goal: 'maximize' | 'minimize', gamma: GammaFunction | number): GammaFunction | number {
  const sign = goal === 'maximize' ? 1 : -1;
  let bestAt = -1;
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < observations.length; i++) {
    const o = observations[i]!;
    if (o.status !== 'completed' || typeof o.value !== 'number' || !Number.isFinite(o.value)) continue;
    if (sign * o.value > best) {
      best = sign * o.value;
      bestAt = i;
    }
  }
  if (bestAt < 0 || observations.length - 1 - bestAt < STALL_TRIALS) return gamma;
  return (n: number) => Math.min(Math.ceil(STALLED_GAMMA_FRACTION * n), 25);
}
