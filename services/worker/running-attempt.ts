/**
 * What the trial processor and the fold processor share about the attempts they run: the entry of
 * the worker's running set (cancel and shutdown stop attempts through it), the per-sweep facts they
 * cache, and the constants of the failure policy both apply (failure-decision.ts).
 */
import type { Goal } from '../../shared/metrics/metric-registry.js';
import type { ProgramContext } from '../../shared/schemas/program-spec.schema.js';
import type { SweepContext } from '../../shared/schemas/sweep-context.schema.js';

/** Why a running attempt is being stopped from outside. */
type AbortReason = 'cancel' | 'shutdown';

/** A running trial, or a running part of a trial split into fold jobs. */
export interface RunningAttempt {
  sweepId: string;
  /** The sweep's cancel epoch when this attempt was claimed. */
  cancelEpoch: number;
  /** Stops the attempt's work now: its training slot's process, or its program's process tree. */
  stop(reason: string): Promise<void>;
  abortReason: AbortReason | null;
  /** Training is over: the attempt only stores its artefact and commits (which finds a cancel itself). */
  pastWork: boolean;
}

/** What every trial of a sweep shares, cached per sweep (it never changes after submit). */
export interface SweepFacts {
  context: SweepContext | ProgramContext;
  objective: { metric: string; goal: Goal };
}

/** How long a job handed back after a local disk fault waits, so a healthy worker takes it. */
export const LOCAL_FAULT_DELAY_MS = 1000;
/** Crashes of a trial's training processes (any of its parts) after which it is quarantined instead of retried. */
export const QUARANTINE_AFTER_CRASHES = 2;
