/**
 * The contract between a search method and the feeder that creates trials lazily (Optuna's
 * BaseSampler, made small): given the space, the finished trials and the running ones, propose the
 * next trials. The feeder calls ask() under the sweep's compare-and-set feed cursor, so two feeders
 * never both create trial k; sampler state lives in Redis (the completion log), never in a process.
 */
import type { ParamLiteral } from '../schemas/sweep-spec.schema.js';

/** A finished trial, as the completion log records it. */
export interface Observation {
  /** Which search-space entry (model) the trial came from. */
  entry: number;
  params: Readonly<Record<string, ParamLiteral>>;
  /** Objective value as reported (not sign-flipped); null when the trial produced none. */
  value: number | null;
  status: 'completed' | 'failed' | 'pruned' | 'cancelled' | 'quarantined';
}

/** A created trial that has not finished (queued or running). */
export interface PendingTrial {
  entry: number;
  params: Readonly<Record<string, ParamLiteral>>;
}

export interface Proposal {
  entry: number;
  params: Record<string, ParamLiteral>;
  /** A name the user gave the trial (explicit trials); default: model + params. */
  name?: string;
}

export interface AskRequest {
  /** Seed of the search (search.seed or the sweep seed). */
  seed: number;
  /** Position in this search of the first proposal wanted (0-based): proposal k is trial nextIndex + k. */
  nextIndex: number;
  /** How many proposals are wanted (≥ 1). */
  count: number;
  /**
   * Finished trials, in trial order. An observation object is never changed in place (a retried
   * trial's new result is a new object): samplers may keep what they derived from one by reference.
   */
  observations: readonly Observation[];
  pending: readonly PendingTrial[];
  goal: 'maximize' | 'minimize';
}

export type AskResult = { kind: 'proposals'; proposals: Proposal[] } | { kind: 'exhausted' };

export interface Sampler {
  /** Trials this search yields at most (grid size, max_trials), or null when unbounded. */
  readonly size: number | null;
  /** True when proposal i depends only on (seed, i): ask() ignores observations and pending. */
  readonly deterministic: boolean;
  ask(request: AskRequest): AskResult;
}
