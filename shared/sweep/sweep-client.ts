/**
 * What users can ask of sweepq. Implemented twice: in-process by `SweepService` (scheduler, embedded
 * `sweepq run`, CLI with REDIS_URL or on the local state folder) and over HTTP by `HttpSweepClient`
 * (CLI with SWEEPQ_API_URL). The CLI is written against this interface only, so every command works
 * in every mode.
 */
import type { Readable } from 'node:stream';
import type { LocalBundle } from '../program/program-bundle.js';
import type { ExperimentSummary, SweepStatus, SweepSummary } from '../schemas/sweep-status.schema.js';
import type { TrialRecord, TrialStatus } from '../schemas/trial.schema.js';
import type { TagChange } from '../schemas/tags.schema.js';
import type { WorkerInfo } from '../schemas/worker.schema.js';
import type { DeletionReport } from './sweep-deletion.js';

export interface TrialQuery {
  /**
   * Filter in sweepq's filter language: MLflow's `filter_string` (`metrics.auc_roc > 0.9 and
   * params.max_depth = 5`) plus `OR` and parentheses.
   */
  filter?: string;
  /** Order keys (`metrics.auc_roc DESC`, `params.max_depth`); a metric without a direction takes its direction in the sweep. Ties: lowest trial index first. */
  orderBy?: string[];
  /** Shorthand for ordering best first by one metric (its direction in the sweep). */
  sort?: string;
  /** Shorthand for `attributes.status = S`. */
  status?: TrialStatus;
  limit?: number;
  offset?: number;
}

export interface TrialPage {
  trials: TrialRecord[];
  /** Trials matching the query (all pages). */
  total: number;
}

export interface SubmitResult {
  sweepId: string;
  name: string;
  total: number;
}

export interface SweepClient {
  /** Stores a local data file (CSV, gzip CSV or Parquet), streamed from disk; returns its sha256. Idempotent. */
  uploadDatasetFile(file: string): Promise<{ sha256: string }>;
  /** Stores a dataset arriving as a stream, refused past `limitBytes`; returns its sha256. Idempotent. */
  uploadDatasetStream(body: Readable, limitBytes: number): Promise<{ sha256: string }>;
  /** Stores a program bundle read from a local folder (content-addressed: what the store has is not sent again). */
  uploadBundle(bundle: LocalBundle): Promise<void>;
  /** Validates a resolved sweep spec (datasets as `{sha256}`), plans its trials and starts feeding them. */
  submit(spec: unknown): Promise<SubmitResult>;
  /** Adds the trials of `spec` (same dataset and pipeline) to an existing sweep; keeps its results. */
  extend(sweepId: string, spec: unknown): Promise<SubmitResult>;
  listSweeps(options?: { experiment?: string; limit?: number; offset?: number }): Promise<SweepSummary[]>;
  listExperiments(options?: { limit?: number; offset?: number }): Promise<ExperimentSummary[]>;
  status(sweepId: string): Promise<SweepStatus>;
  trials(sweepId: string, query?: TrialQuery): Promise<TrialPage>;
  /** Trials across every sweep of an experiment (ties ordered by sweep age, then trial index). */
  experimentTrials(experiment: string, query?: TrialQuery): Promise<TrialPage>;
  /** Best completed trial by `metric` (default: the sweep's objective). NOT_FOUND when none completed. */
  best(sweepId: string, metric?: string): Promise<TrialRecord>;
  /** The fitted pipeline JSON of a trial, as stored. */
  artifact(sweepId: string, trialId: string): Promise<Buffer>;
  /** Removes queued trials and aborts running ones. */
  cancel(sweepId: string): Promise<SweepStatus>;
  /** Re-enqueues failed, cancelled and quarantined trials; completed ones are untouched. */
  retry(sweepId: string): Promise<{ requeued: number }>;
  /** Deletes a finished or cancelled sweep: its jobs, artefacts and index records. CONFLICT while trials run. */
  delete(sweepId: string): Promise<DeletionReport>;
  /** Live workers. */
  workers(): Promise<WorkerInfo[]>;
  /**
   * Changes the user tags (and note) of a sweep (`id` = sweep id) or a trial (`id` = trial id); returns
   * every tag it now has. Tags are filterable as `tags.<key>` and shown by MLflow as run tags.
   */
  tag(id: string, change: TagChange): Promise<{ tags: Record<string, string> }>;
  close(): Promise<void>;
}
