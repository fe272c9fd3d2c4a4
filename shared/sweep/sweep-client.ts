/**
 * What users can ask of sweepq. Implemented twice: in-process by `SweepService` (scheduler, embedded
 * `sweepq run`, CLI with REDIS_URL) and over HTTP by `HttpSweepClient` (CLI with SWEEPQ_API_URL).
 * The CLI is written against this interface only, so every command works in both modes.
 */
import type { SweepStatus, SweepSummary } from '../schemas/sweep-status.schema.js';
import type { TrialRecord, TrialStatus } from '../schemas/trial.schema.js';

export interface TrialQuery {
  /** Sort by this metric (leaderboard order: best first by the metric's direction); default: index order. */
  sort?: string;
  limit?: number;
  offset?: number;
  status?: TrialStatus;
}

export interface SubmitResult {
  sweepId: string;
  name: string;
  total: number;
}

export interface SweepClient {
  /** Stores a CSV dataset content-addressed; returns its sha256. Idempotent. */
  uploadDataset(bytes: Buffer): Promise<{ sha256: string }>;
  /** Validates a resolved sweep spec (datasets as `{sha256}`), expands and enqueues it atomically. */
  submit(spec: unknown): Promise<SubmitResult>;
  /** Adds the trials of `spec` (same dataset and pipeline) to an existing sweep; keeps its results. */
  extend(sweepId: string, spec: unknown): Promise<SubmitResult>;
  listSweeps(options?: { experiment?: string; limit?: number; offset?: number }): Promise<SweepSummary[]>;
  status(sweepId: string): Promise<SweepStatus>;
  trials(sweepId: string, query?: TrialQuery): Promise<{ trials: TrialRecord[]; total: number }>;
  /** Best completed trial by `metric` (default: the sweep's objective). NOT_FOUND when none completed. */
  best(sweepId: string, metric?: string): Promise<TrialRecord>;
  /** The fitted pipeline JSON of a trial, as stored. */
  artifact(sweepId: string, trialId: string): Promise<Buffer>;
  /** Removes queued trials and aborts running ones. */
  cancel(sweepId: string): Promise<SweepStatus>;
  /** Re-enqueues failed and cancelled trials; completed ones are untouched. */
  retry(sweepId: string): Promise<{ requeued: number }>;
  close(): Promise<void>;
}
