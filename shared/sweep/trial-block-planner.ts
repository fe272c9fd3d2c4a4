/**
 * The feeder's side of trial blocks (issue 13 item 4): which of the trials it is about to enqueue share
 * one BullMQ job. Per-job bookkeeping (BullMQ's add, fetch, lock and finish scripts, the worker's job
 * set-up) cost more than a trivial trial's training, so short trials travel in blocks; each is still
 * claimed, fenced and committed on its own by the worker (services/worker/trial-block.ts).
 *
 * Block formation rule, over one feed step's trials in enqueue order (longest first):
 * - a trial may join a block when it is on its first job (`retries` 0: a repaired, retried or isolated
 *   trial always runs alone), its sweep is built-in without a pruner (a rung verdict may wait for other
 *   trials), and its estimated cost — rows × features × model cost (estimate-trial-cost.ts) × (CV
 *   folds + 1) — is at most SWEEPQ_BLOCK_MAX_COST;
 * - consecutive such trials fill a block up to SWEEPQ_BLOCK_MAX_TRIALS trials and SWEEPQ_BLOCK_MAX_COST
 *   summed cost, and to at most 1/{@link MIN_JOBS_PER_STEP} of the step's eligible trials, so a step
 *   still spreads over several jobs (several workers) and a small window (TPE's 4) gets no blocks —
 *   1/{@link MIN_JOBS_PER_CHEAP_STEP} when the step's eligible trials together cost at most
 *   {@link CHEAP_STEP_MAX_COST} (and SWEEPQ_BLOCK_MAX_COST): such trials are so short that eight jobs'
 *   bookkeeping costs more than the spread buys (issue 13 item 4, round 5: 2,000 trivial trials in
 *   blocks of ~125 instead of ~31, in groups of 32 instead of 8) — except in the step that ends the
 *   sweep, whose last blocks decide when the workers finish: there one worker's block of 125 left
 *   the other idle for its whole length;
 * - a block of one trial is a plain trial job. Trials split into fold jobs are never here (costly).
 */
import type { BuiltInSweepContexts } from '../index/built-in-sweep-contexts.js';
import type { BlockLimits } from '../queue/index.js';
import type { SweepContext } from '../schemas/sweep-context.schema.js';
import { estimatedFoldSplitCost, fitsPerTrial } from '../folds/fold-split-plan.js';
/** A feed step's eligible trials go to at least this many jobs. */
export const MIN_JOBS_PER_STEP = 8;
/** ... and to at least this many when they are cheap together (two workers still share the step). */
export const MIN_JOBS_PER_CHEAP_STEP = 2;
/**
 * Most estimated cost a feed step's eligible trials may add up to and count as cheap (and at most
 * SWEEPQ_BLOCK_MAX_COST): a fifth of the default block budget, about one logistic regression on 25k
 * rows × 40 features. Such trials are dominated by their fixed per-trial cost (~0.5 ms of training
 * each), so a block of 125 stays short; 250 small forests (cost ~15k each) are not cheap and keep
 * blocks of ~31, so one worker's last block never holds the others up long.
 */
export const CHEAP_STEP_MAX_COST = 1_000_000;

export interface BlockCandidate {
  index: number;
  retries: number;
  model: string;
  params: Readonly<Record<string, unknown>>;
}

/** Splits trials into blocks (two or more trials, enqueue order kept) and trials enqueued alone. */
export function formTrialBlocks<T extends BlockCandidate>(
  trials: readonly T[],
  costs: Float64Array,
  limits: BlockLimits,
  /** The step ends the sweep: it keeps the eight-job spread, cheap or not. */
  last = false,
): { blocks: T[][]; singles: T[] } {
  const singles: T[] = [];
  const eligible: T[] = [];
  const eligibleCosts: number[] = [];
  let eligibleCost = 0;
  for (let i = 0; i < trials.length; i++) {
    const trial = trials[i]!;
    if (trial.retries === 0 && costs[i]! <= limits.maxCost) {
      eligible.push(trial);
      eligibleCosts.push(costs[i]!);
      eligibleCost += costs[i]!;
    } else singles.push(trial);
  }
  // A small step (an adaptive window) forms no blocks, cheap or not.
  if (eligible.length < 2 * MIN_JOBS_PER_STEP) return { blocks: [], singles: [...trials] };
  const minJobs = !last && eligibleCost <= Math.min(limits.maxCost, CHEAP_STEP_MAX_COST) ? MIN_JOBS_PER_CHEAP_STEP : MIN_JOBS_PER_STEP;
  const size = Math.min(limits.maxTrials, Math.floor(eligible.length / minJobs));
  if (size < 2) return { blocks: [], singles: [...trials] };
  const blocks: T[][] = [];
  let current: T[] = [];
  let currentCost = 0;
  const close = (): void => {
    if (current.length === 1) singles.push(current[0]!);
    else if (current.length > 1) blocks.push(current);
    current = [];
    currentCost = 0;
  };
  for (let i = 0; i < eligible.length; i++) {
    const cost = eligibleCosts[i]!;
    if (current.length > 0 && (current.length >= size || currentCost + cost > limits.maxCost)) close();
    current.push(eligible[i]!);
    currentCost += cost;
  }
  close();
  return { blocks, singles };
}

export class TrialBlockPlanner {
  constructor(
    private readonly contexts: BuiltInSweepContexts,
    private readonly limits: BlockLimits,
  ) {}

  /** Blocks and single trials of one feed step (see the rule above); `last`: the step ends the sweep. */
  async partition<T extends BlockCandidate>(sweepId: string, trials: readonly T[], last = false): Promise<{ blocks: T[][]; singles: T[] }> {
    if (this.limits.maxTrials < 2 || trials.length < 2 * MIN_JOBS_PER_STEP) return { blocks: [], singles: [...trials] };
    const context = await this.contextOf(sweepId);
    if (context === null) return { blocks: [], singles: [...trials] };
    const runs = fitsPerTrial(context);
    const costs = new Float64Array(trials.length);
    for (let i = 0; i < trials.length; i++) costs[i] = estimatedFoldSplitCost(context, trials[i]!.model, trials[i]!.params) * runs;
    return formTrialBlocks(trials, costs, this.limits, last);
  }

  /** null for sweeps whose trials never share a job: no data shape (so no cost estimate), or a pruner. */
  private async contextOf(sweepId: string): Promise<SweepContext | null> {
    const context = await this.contexts.get(sweepId);
    return context === null || context.pruner !== undefined || context.fold_split === undefined ? null : context;
  }
}
