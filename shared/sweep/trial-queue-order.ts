/**
 * The order a feed step enqueues its trials in (issue 13 item 3 (a)). The queue is FIFO and workers
 * take its head as their slots free, so the order decides which trials run side by side:
 *
 * - **longest first** (longest-processing-time-first): the costliest trials start first and short
 *   ones fill the gaps at the end, instead of one long trial running alone while other slots idle;
 * - **one cold start per model** in a sweep's first step: a fresh training process runs its first trial
 *   of a model in V8's interpreter and baseline tiers, and compiles the model's hot code on the way
 *   (measured on the example sweep, 800 × 15 training rows, CPU with V8's compile threads: a 100-tree
 *   forest 0.43–0.50 s cold vs 0.27 s warm, boosting 0.41–0.48 s vs 0.15–0.20 s, logistic regression
 *   0.05–0.09 s vs 0.02–0.04 s, a decision tree 0.16 vs 0.06 s). So the costliest trial of each model
 *   counts that cost too. On small data it is most of a trial, and the sweep's first trials are then
 *   one per model: the example sweep queued its two forests first, so both workers paid the forest's
 *   cold start, and the boosting trial after the depth-5 forest still ran cold; now the second worker
 *   starts on boosting and the depth-5 forest follows the 100-tree one, warm. On data where trials take
 *   seconds the cold start is a rounding error and the order is longest first.
 *
 * Only the queue order changes: trial ids, names and indices are those the samplers gave them, and
 * an adaptive sampler (TPE) has proposed a step's trials before they are ordered.
 */
import type { BuiltInSweepContexts } from '../index/built-in-sweep-contexts.js';
import type { SweepContext } from '../schemas/sweep-context.schema.js';
import { fitsPerTrial } from '../folds/fold-split-plan.js';
import { estimateTrialCost } from '../search/estimate-trial-cost.js';

export interface QueueCandidate {
  index: number;
  model: string;
  params: Readonly<Record<string, unknown>>;
}

/** What turns a trial's relative cost into work: the sweep's data shape and fits per trial. */
export interface QueueCostShape {
  rows: number;
  features: number;
  /** Fits per trial: CV folds + the final fit. */
  fits: number;
  task: 'classification' | 'regression';
}

/**
 * CPU seconds per unit of rows × features × estimateTrialCost × fits: the example sweep's warm
 * 100-tree depth-5 forest, 0.15 s for 800 × 15 × 500 × 6 = 3.6e7 units (its 100-tree full-depth forest
 * and its boosting trial land within 1.4× of this).
 */
const SECONDS_PER_COST_UNIT = 4.2e-9;

/** A model's cold start on a fresh training process, in CPU seconds (measured above); others: none. */
const COLD_START_SECONDS: Readonly<Record<string, number>> = {
  random_forest: 0.2,
  gradient_boosting: 0.28,
  decision_tree: 0.1,
  logistic_regression: 0.05,
  linear_regression: 0.05,
  ridge: 0.05,
};

/** The feed step's cost shape of a built-in sweep; null when the sweep recorded no data shape. */
function queueCostShapeOf(context: SweepContext): QueueCostShape | null {
  const shape = context.fold_split;
  if (shape === undefined) return null;
  return { rows: shape.rows, features: shape.features, fits: fitsPerTrial(context), task: context.task ?? 'classification' };
}

/**
 * `trials` in enqueue order: longest first, ties by index. `shape` null: relative model costs only
 * (no data shape, so no cold starts either). `firstStep`: the sweep's first trials, whose workers are
 * fresh, so each model's costliest trial also counts its cold start.
 */
export function orderForQueue<T extends QueueCandidate>(trials: readonly T[], shape: QueueCostShape | null, firstStep: boolean): T[] {
  const count = trials.length;
  const seconds = new Float64Array(count);
  const unitSeconds = shape === null ? 1 : shape.rows * shape.features * shape.fits * SECONDS_PER_COST_UNIT;
  for (let i = 0; i < count; i++) {
    const trial = trials[i]!;
    seconds[i] = unitSeconds * estimateTrialCost(trial.model, trial.params, shape?.task);
  }
  if (shape !== null && firstStep) {
    // The trial of each model that runs first (its costliest, then its lowest index) pays the cold start.
    const first = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const model = trials[i]!.model;
      const current = first.get(model);
      if (current === undefined || seconds[i]! > seconds[current]! || (seconds[i] === seconds[current] && trials[i]!.index < trials[current]!.index)) {
        first.set(model, i);
      }
    }
    for (const [model, i] of first) seconds[i] = seconds[i]! + (COLD_START_SECONDS[model] ?? 0);
  }
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => seconds[b]! - seconds[a]! || trials[a]!.index - trials[b]!.index);
  const ordered: T[] = new Array<T>(count);
  for (let i = 0; i < count; i++) ordered[i] = trials[order[i]!]!;
  return ordered;
}

/** The feeder's side: the cost shape comes from the sweep's context, read once per process. */
export class TrialQueueOrder {
  constructor(private readonly contexts: BuiltInSweepContexts) {}

  /** `trials` of one feed step in enqueue order (orderForQueue); `firstStep`: the step starts at trial 0. */
  async order<T extends QueueCandidate>(sweepId: string, trials: readonly T[], firstStep: boolean): Promise<T[]> {
    if (trials.length < 2) return [...trials];
    return orderForQueue(trials, await this.shapeOf(sweepId), firstStep);
  }

  private async shapeOf(sweepId: string): Promise<QueueCostShape | null> {
    // External (MLflow-logged) and program sweeps have no data shape.
    const context = await this.contexts.get(sweepId);
    return context === null ? null : queueCostShapeOf(context);
  }
}
