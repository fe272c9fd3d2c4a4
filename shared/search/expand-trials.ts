/**
 * Expands a sweep spec into its trials: explicit trials first (in file order), then the search
 * (grid order, or random draws). The count is computed first, without materialising anything, so an
 * oversized grid is refused instantly.
 */
import { InvalidInputError } from '../errors/index.js';
import { seedFrom } from '../ml/random/rng.js';
import type { ModelName } from '../schemas/model-params.schema.js';
import { formatCount, type SearchSpec, type SweepSpec } from '../schemas/sweep-spec.schema.js';
import { axesPointCount, gridAxes, gridPoint, gridPointCount } from './grid.js';
import { randomSearchCount, sampleRandomSearch } from './random-search.js';
import { canonicalJson, describeSortedParams, TrialNameDeduplicator } from './trial-name.js';

/** One trial to run. */
export interface TrialPlan {
  /** 0-based position in the sweep; stable for a given spec. */
  index: number;
  /** Unique within the sweep (duplicates get `#2`, `#3`, …). */
  name: string;
  model: ModelName;
  /** The params as written or drawn (model defaults are applied by the estimator, not here). */
  params: Record<string, unknown>;
  /** Trial seed from the sweep seed, model and params; the estimator's random_state when params set none. */
  seed: number;
}

/** The parts of a spec that decide its trials (sweep file or resolved spec). */
export type ExpandableSpec = Pick<SweepSpec, 'seed' | 'trials' | 'search'>;

export interface ExpandTrialsOptions {
  /** Most trials a sweep may have (SWEEPQ_MAX_TRIALS). */
  maxTrials: number;
}

/** Seed of a trial: a hash of the sweep seed, the model and the canonical JSON of its params. */
export function trialSeed(sweepSeed: number, model: string, params: Readonly<Record<string, unknown>>): number {
  return seedFrom(sweepSeed, model, canonicalJson(params));
}

/** Trials the search part yields. */
export function countSearchTrials(search: SearchSpec): number {
  if (search.method === 'grid') {
    let total = 0;
    for (const entry of search.space) total += gridPointCount(entry);
    return total;
  }
  return randomSearchCount(search.space, search.max_trials ?? 0);
}

/** Number of trials of a spec, computed without materialising them (a float beyond 2^53). */
export function countTrials(spec: ExpandableSpec): number {
  return (spec.trials?.length ?? 0) + (spec.search === undefined ? 0 : countSearchTrials(spec.search));
}

/**
 * Throws LIMIT_EXCEEDED when the spec expands to more than `maxTrials` trials.
 * @returns the trial count.
 */
export function assertTrialLimit(spec: ExpandableSpec, maxTrials: number): number {
  const explicit = spec.trials?.length ?? 0;
  const total = countTrials(spec);
  if (total <= maxTrials) return total;
  const search = spec.search;
  const parts = explicit > 0 && search !== undefined ? ` (${explicit} explicit + ${formatCount(total - explicit)} from the search)` : '';
  let message: string;
  if (search?.method === 'grid') {
    message = `grid expands to ${formatCount(total)} trials${parts}, more than the limit ${maxTrials} (set SWEEPQ_MAX_TRIALS or use method: random with max_trials)`;
  } else if (search?.method === 'random') {
    message = `random search asks for ${formatCount(total)} trials${parts}, more than the limit ${maxTrials} (lower max_trials or set SWEEPQ_MAX_TRIALS)`;
  } else {
    message = `the sweep lists ${formatCount(total)} trials, more than the limit ${maxTrials} (split it into several sweeps or set SWEEPQ_MAX_TRIALS)`;
  }
  throw new InvalidInputError('LIMIT_EXCEEDED', message, {
    location: { path: search === undefined ? 'trials' : search.method === 'random' ? 'search.max_trials' : 'search.space' },
    details: { trials: total, limit: maxTrials },
  });
}

/**
 * Expands a parsed spec into trial plans. Drawn values are not re-validated here (a zod parse per
 * value would double the cost of a 100,000-trial expansion): the schema already checked every
 * distribution at its bounds and at interior probe points.
 * @throws InvalidInputError `LIMIT_EXCEEDED` when there are more than `options.maxTrials` trials.
 */
export function expandTrials(spec: ExpandableSpec, options: ExpandTrialsOptions): TrialPlan[] {
  assertTrialLimit(spec, options.maxTrials);
  // push, not new Array(total): V8 allocates large pre-sized arrays in slow dictionary mode.
  const plans: TrialPlan[] = [];
  const names = new TrialNameDeduplicator();
  let index = 0;

  const explicit = spec.trials ?? [];
  for (let t = 0; t < explicit.length; t++) {
    const trial = explicit[t]!;
    const params = trial.params;
    const described = describeSortedParams(trial.model, Object.keys(params).sort(), params);
    const name = names.claim(trial.name ?? described.name);
    plans.push({ index, name, model: trial.model, params, seed: seedFrom(spec.seed, trial.model, described.canonical) });
    index++;
  }

  const search = spec.search;
  if (search !== undefined && search.method === 'grid') {
    for (const entry of search.space) {
      const axes = gridAxes(entry);
      const keys = Object.keys(entry.params).sort();
      const n = axesPointCount(axes);
      for (let i = 0; i < n; i++) {
        const params = gridPoint(axes, i);
        const described = describeSortedParams(entry.model, keys, params);
        plans.push({ index, name: names.claim(described.name), model: entry.model, params, seed: seedFrom(spec.seed, entry.model, described.canonical) });
        index++;
      }
    }
  } else if (search !== undefined) {
    const sampled = sampleRandomSearch(search.space, search.max_trials ?? 0, search.seed ?? spec.seed);
    const entryKeys: string[][] = [];
    for (const entry of search.space) entryKeys.push(Object.keys(entry.params).sort());
    for (let i = 0; i < sampled.length; i++) {
      const { entry, model, params } = sampled[i]!;
      const described = describeSortedParams(model, entryKeys[entry]!, params);
      plans.push({ index, name: names.claim(described.name), model, params, seed: seedFrom(spec.seed, model, described.canonical) });
      index++;
    }
  }
  return plans;
}
