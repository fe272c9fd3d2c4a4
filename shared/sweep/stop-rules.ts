/**
 * Budgets and stop rules of a sweep (issue 11): a wall-clock budget (`limits.max_duration_s`), a
 * target objective value and patience (`search.stop`). Pure: the feeder gathers the finished trials
 * and asks before it creates more; the first rule that fires is recorded on the sweep as its reason.
 */
import type { Goal } from '../metrics/metric-registry.js';
import { formatPair } from '../search/pruners/pruner-format.js';

export interface StopRules {
  /** Wall-clock seconds from the sweep's first claimed trial. */
  max_duration_s?: number;
  /** Stop once the best objective value reaches this (≥ when maximizing, ≤ when minimizing). */
  target?: number;
  /** Stop after this many finished trials, by trial index, after the best one. */
  patience?: number;
}

/** A finished trial: its index and objective value (null when it has none: failed, pruned, no metric). */
export interface FinishedTrial {
  index: number;
  value: number | null;
}

export interface StopCheck {
  rules: StopRules;
  goal: Goal;
  /** The objective's name, for the reason. */
  metric: string;
  /** When the first trial was claimed; null before. */
  startedAt: number | null;
  now: number;
  finished: readonly FinishedTrial[];
}

/** Why the sweep should stop now, or null to go on. */
export function stopReason(check: StopCheck): string | null {
  const { rules, goal, metric } = check;
  if (rules.max_duration_s !== undefined && check.startedAt !== null) {
    const elapsedS = (check.now - check.startedAt) / 1000;
    if (elapsedS >= rules.max_duration_s) return `max_duration_s ${rules.max_duration_s} reached (${Math.floor(elapsedS)} s since the first trial started)`;
  }
  if (rules.target === undefined && rules.patience === undefined) return null;
  let best = -1;
  let bestValue = Number.NaN;
  for (const t of check.finished) {
    if (t.value === null || !Number.isFinite(t.value)) continue;
    const better = best < 0 || (goal === 'maximize' ? t.value > bestValue : t.value < bestValue) || (t.value === bestValue && t.index < best);
    if (better) {
      best = t.index;
      bestValue = t.value;
    }
  }
  if (best < 0) return null;
  if (rules.target !== undefined && (goal === 'maximize' ? bestValue >= rules.target : bestValue <= rules.target)) {
    const [shown, target] = formatPair(bestValue, rules.target);
    return `target reached: ${metric} ${shown} (trial ${best}) ${goal === 'maximize' ? '≥' : '≤'} ${target}`;
  }
  if (rules.patience !== undefined) {
    let after = 0;
    for (const t of check.finished) if (t.index > best) after++;
    if (after >= rules.patience) return `patience ${rules.patience} exhausted: ${after} trials finished since the best ${metric} (trial ${best})`;
  }
  return null;
}
