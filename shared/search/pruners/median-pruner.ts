/**
 * The median stopping rule, as Optuna's MedianPruner (PercentilePruner at 50): at a checked step, a
 * trial is pruned when its best intermediate value so far is worse than the median of the values
 * completed trials reported at that same step. No pruning before n_startup_trials trials have
 * completed, before step n_warmup_steps, or off the interval_steps grid (a check missed because no
 * value was reported at a grid step happens at the next report).
 *
 * Pure decision logic: the caller passes the trial's reports and the other trials' values at the step.
 */
import { InvalidInputError } from '../../errors/index.js';
import { formatPair, type PrunerGoal } from './pruner-format.js';

export interface MedianPrunerOptions {
  /** No pruning until this many trials have completed. Default 5. */
  n_startup_trials?: number;
  /** No pruning at steps below this. Default 0. */
  n_warmup_steps?: number;
  /** Check every interval_steps steps after the warm-up. Default 1. */
  interval_steps?: number;
  /** No pruning while fewer completed trials reported a value at the step. Default 1. */
  n_min_trials?: number;
}

export interface MedianCheck {
  /** Step of the value just reported (a non-negative integer). */
  step: number;
  /** The trial's intermediate values so far, this step's included (NaN allowed). */
  values: ArrayLike<number>;
  /** The step the trial reported before this one, or null when this is its first report. */
  previousStep: number | null;
  /** Trials completed in the sweep. */
  completedTrials: number;
  /** Values the completed trials reported at `step`. */
  valuesAtStep: ArrayLike<number>;
}

export interface MedianDecision {
  action: 'prune' | 'continue';
  /** The trial's best value so far (NaN when it has none); null when the step was not checked. */
  best: number | null;
  /** Median of the completed trials at this step; null when not computed. */
  median: number | null;
  explanation: string;
}

export class MedianPruner {
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;
  readonly goal: PrunerGoal;

  /** @throws InvalidInputError `INVALID_SPEC` naming the bad option. */
  constructor(options: MedianPrunerOptions, goal: PrunerGoal) {
    const bad = (key: string, message: string) => new InvalidInputError('INVALID_SPEC', `median pruner option ${key} ${message}`, { details: { option: key } });
    const whole = (key: keyof MedianPrunerOptions, fallback: number, min: number): number => {
      const value = options[key] ?? fallback;
      if (!(Number.isSafeInteger(value) && value >= min)) throw bad(key, `must be a whole number ≥ ${min}, got ${value} (the default is ${fallback})`);
      return value;
    };
    this.nStartupTrials = whole('n_startup_trials', 5, 0);
    this.nWarmupSteps = whole('n_warmup_steps', 0, 0);
    this.intervalSteps = whole('interval_steps', 1, 1);
    this.nMinTrials = whole('n_min_trials', 1, 1);
    if (goal !== 'maximize' && goal !== 'minimize') throw bad('goal', `must be maximize or minimize, got ${String(goal)}`);
    this.goal = goal;
  }

  decide(check: MedianCheck): MedianDecision {
    const { step } = check;
    const skip = (why: string): MedianDecision => ({ action: 'continue', best: null, median: null, explanation: `continued at step ${step}: ${why}` });
    if (check.completedTrials === 0 || check.completedTrials < this.nStartupTrials) {
      return skip(`${check.completedTrials} of ${this.nStartupTrials} startup trials completed`);
    }
    if (step < this.nWarmupSteps) return skip(`warm-up until step ${this.nWarmupSteps}`);
    // Optuna's _is_first_in_interval_step: check when no earlier report fell at or after the latest grid step.
    const gridStep = Math.floor((step - this.nWarmupSteps) / this.intervalSteps) * this.intervalSteps + this.nWarmupSteps;
    const previous = check.previousStep ?? -1;
    if (!(previous < gridStep)) return skip(`already checked at or after step ${gridStep} (every ${this.intervalSteps} steps)`);
    const best = bestOf(check.values, this.goal);
    if (Number.isNaN(best)) return { action: 'prune', best, median: null, explanation: `pruned at step ${step}: the trial has reported only NaN` };
    if (check.valuesAtStep.length < this.nMinTrials) {
      return {
        action: 'continue',
        best,
        median: null,
        explanation: `continued at step ${step}: ${check.valuesAtStep.length} completed trials reported at this step, ${this.nMinTrials} needed`,
      };
    }
    const median = nanMedian(check.valuesAtStep);
    if (Number.isNaN(median))
      return { action: 'continue', best, median: null, explanation: `continued at step ${step}: completed trials reported only NaN at this step` };
    const worse = this.goal === 'maximize' ? best < median : best > median;
    const [shownBest, shownMedian] = formatPair(best, median);
    const n = check.valuesAtStep.length;
    const relation = this.goal === 'maximize' ? (worse ? 'below' : 'not below') : worse ? 'above' : 'not above';
    return {
      action: worse ? 'prune' : 'continue',
      best,
      median,
      explanation: `${worse ? 'pruned' : 'continued'} at step ${step}: best value ${shownBest} is ${relation} the median ${shownMedian} of ${n} completed trial${n === 1 ? '' : 's'} at this step`,
    };
  }
}

function bestOf(values: ArrayLike<number>, goal: PrunerGoal): number {
  let best = Number.NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (goal === 'maximize' ? v > best : v < best)) best = v;
  }
  return best;
}

/** numpy.nanpercentile(values, 50) with linear interpolation. */
function nanMedian(values: ArrayLike<number>): number {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) finite.push(values[i]!);
  if (finite.length === 0) return Number.NaN;
  const sorted = Float64Array.from(finite).sort();
  const rank = 0.5 * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(sorted.length - 1, lo + 1);
  // Same rounding as numpy: the median of [0.5, 0.6, 0.7, 0.9] is 0.6499999999999999 there too.
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}
