/**
 * From a sweep spec to its trials: the segments it plans (explicit trials first, in file order, then
 * the search), their size computed without materialising anything (an oversized grid is refused
 * instantly), and the definition of a trial from a sampler's proposal (name, model, params, seed).
 *
 * The feeder creates trials lazily from segments; {@link expandTrials} materialises a whole spec the
 * same way in memory (small sweeps, tests).
 */
import { InvalidInputError } from '../errors/index.js';
import { seedFrom } from '../ml/random/rng.js';
import type { TrialModelName } from '../schemas/trial-model-name.schema.js';
import { formatCount, gridPointCount } from '../schemas/search-space.schema.js';
import type { SearchSpec } from '../schemas/sweep-spec.schema.js';
import { axesPointCount, gridAxes } from './grid.js';
import { isDiscreteSpace } from './random-sampler.js';
import { compileTpeSpace } from './tpe/tpe-space.js';
import type { Proposal } from './sampler.js';
import { askSeedOf, modelOf, samplerFor, type SegmentPlan } from './search-segment.js';
import { canonicalJson, describeSortedParams, TrialNameDeduplicator } from './trial-name.js';

/** One trial to run. */
export interface TrialPlan {
  /** 0-based position in the sweep; stable for a given spec. */
  index: number;
  /** Unique within the sweep (duplicates get `#2`, `#3`, …). */
  name: string;
  model: TrialModelName;
  /** Which entry of its segment (search-space entry, or explicit trial) the trial came from. */
  entry: number;
  /** The params as written or drawn (model defaults are applied by the estimator, not here). */
  params: Record<string, unknown>;
  /** Trial seed from the sweep seed, model and params; the estimator's random_state when params set none. */
  seed: number;
}

/** The parts of a spec that decide its trials (sweep file or resolved spec). */
export interface ExpandableSpec {
  seed: number;
  /** Explicit trials: a built-in model's, or program trials (model `program`). */
  trials?: ReadonlyArray<{ model: TrialModelName; params: Record<string, unknown>; name?: string }> | undefined;
  /** The pruner plays no part in planning (and a program's prunes by report step, not n_estimators). */
  search?: Omit<SearchSpec, 'pruner'> | undefined;
}

export interface ExpandTrialsOptions {
  /** Most trials a sweep may have (SWEEPQ_MAX_TRIALS). */
  maxTrials: number;
}

/** Seed of a trial: a hash of the sweep seed, the model and the canonical JSON of its params. */
export function trialSeed(sweepSeed: number, model: string, params: Readonly<Record<string, unknown>>): number {
  return seedFrom(sweepSeed, model, canonicalJson(params));
}

/** Trials the search part yields. */
export function countSearchTrials(search: Omit<SearchSpec, 'pruner'>): number {
  if (search.method === 'grid') {
    let total = 0;
    for (const entry of search.space) total += gridPointCount(entry);
    return total;
  }
  const maxTrials = search.max_trials ?? 0;
  if (search.method === 'tpe') {
    // TPE also counts int_uniform and q_uniform ranges as finite (it never repeats a point).
    const size = compileTpeSpace(search.space).size;
    return size === null ? maxTrials : Math.min(maxTrials, size);
  }
  if (!isDiscreteSpace(search.space)) return maxTrials;
  let total = 0;
  for (const entry of search.space) total += axesPointCount(gridAxes(entry));
  return Math.min(maxTrials, total);
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
  } else if (search?.method === 'random' || search?.method === 'tpe') {
    message = `${search.method} search asks for ${formatCount(total)} trials${parts}, more than the limit ${maxTrials} (lower max_trials or set SWEEPQ_MAX_TRIALS)`;
  } else {
    message = `the sweep lists ${formatCount(total)} trials, more than the limit ${maxTrials} (split it into several sweeps or set SWEEPQ_MAX_TRIALS)`;
  }
  throw new InvalidInputError('LIMIT_EXCEEDED', message, {
    location: { path: search === undefined ? 'trials' : search.method !== 'grid' ? 'search.max_trials' : 'search.space' },
    details: { trials: total, limit: maxTrials },
  });
}

/**
 * The segments of a spec: its explicit trials, then its search (empty parts are left out).
 * @throws InvalidInputError `LIMIT_EXCEEDED` when there are more than `maxTrials` trials.
 */
export function planSegments(spec: ExpandableSpec, maxTrials: number): SegmentPlan[] {
  assertTrialLimit(spec, maxTrials);
  const segments: SegmentPlan[] = [];
  const explicit = spec.trials ?? [];
  if (explicit.length > 0) {
    segments.push({
      kind: 'explicit',
      size: explicit.length,
      seed: spec.seed,
      trials: explicit.map((t) => (t.name === undefined ? { model: t.model, params: t.params } : { model: t.model, params: t.params, name: t.name })),
    });
  }
  const search = spec.search;
  if (search !== undefined) {
    const size = countSearchTrials(search);
    if (search.method === 'grid') segments.push({ kind: 'grid', size, seed: spec.seed, space: search.space });
    else if (search.method === 'tpe') {
      segments.push({
        kind: 'tpe',
        size,
        seed: spec.seed,
        searchSeed: search.seed ?? spec.seed,
        maxTrials: search.max_trials ?? size,
        space: search.space,
        ...(search.tpe === undefined ? {} : { tpe: search.tpe }),
      });
    } else
      segments.push({ kind: 'random', size, seed: spec.seed, searchSeed: search.seed ?? spec.seed, maxTrials: search.max_trials ?? size, space: search.space });
  }
  return segments;
}

/** A trial's definition from a proposal of its segment's sampler; `name` is the base name, before de-duplication. */
export function defineTrial(segment: SegmentPlan, proposal: Proposal): Omit<TrialPlan, 'index'> {
  const model = modelOf(segment, proposal.entry);
  const described = describeSortedParams(model, Object.keys(proposal.params).sort(), proposal.params);
  return {
    name: proposal.name ?? described.name,
    model,
    entry: proposal.entry,
    params: proposal.params,
    seed: seedFrom(segment.seed, model, described.canonical),
  };
}

/**
 * Materialises every trial of a spec in memory, exactly as the feeder would create them one window at
 * a time (same order, names, seeds). For small sweeps and tests.
 * @throws InvalidInputError `LIMIT_EXCEEDED` when there are more than `options.maxTrials` trials.
 */
export function expandTrials(spec: ExpandableSpec, options: ExpandTrialsOptions): TrialPlan[] {
  // push, not new Array(total): V8 allocates large pre-sized arrays in slow dictionary mode.
  const plans: TrialPlan[] = [];
  const names = new TrialNameDeduplicator();
  for (const segment of planSegments(spec, options.maxTrials)) {
    const asked = samplerFor(segment).ask({ seed: askSeedOf(segment), nextIndex: 0, count: segment.size, observations: [], pending: [], goal: 'maximize' });
    if (asked.kind === 'exhausted') continue;
    for (const proposal of asked.proposals) {
      const trial = defineTrial(segment, proposal);
      plans.push({ ...trial, index: plans.length, name: names.claim(trial.name) });
    }
  }
  return plans;
}
