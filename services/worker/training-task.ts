/** Messages between a worker process and its training slots' child processes. */
import type { AnyModelName } from '../../shared/schemas/model-params.schema.js';
import type { PipelineSpec } from '../../shared/schemas/pipeline-spec.schema.js';
import type { CvSpecSchema, DatasetRef } from '../../shared/schemas/sweep-context.schema.js';
import type { z } from 'zod';
import type { ErrorCode } from '../../shared/errors/index.js';
import type { Task } from '../../shared/ml/dataset/table.js';
import type { RungScores, RungVerdict } from '../../shared/ml/cross-validate-by-stages.js';
import type { FoldPart } from '../../shared/folds/fold-job.schema.js';
import type { PrunerResource } from '../../shared/schemas/search-strategy.schema.js';

export interface TrainingTask {
  id: number;
  /** Local data files (CSV, gzip CSV or Parquet; already downloaded and hash-checked by the worker). */
  trainPath: string;
  testPath: string | null;
  dataset: DatasetRef;
  pipeline: PipelineSpec;
  /** The sweep's task (absent in sweeps from before regression: classification). */
  task: Task | undefined;
  model: AnyModelName;
  /** The model's parameters (the trial's params without its `pipeline.*` ones). */
  params: Record<string, unknown>;
  /** The trial's searched pipeline settings, `pipeline.<path>` → value. */
  pipelineOverrides: Record<string, unknown>;
  seed: number;
  cv: z.infer<typeof CvSpecSchema>;
  /** The slot's memory budget (for messages: the process itself runs under it). */
  memoryMb: number;
  /** Under a pruner: the resources (n_estimators) at which the child asks for a verdict ({@link RungRequest}). */
  rungs?: number[];
  /** How the rungs are trained (`scaled_trees`: fits of their own); default n_estimators. */
  rungResource?: PrunerResource;
  /**
   * A part of a trial split into fold jobs (fold.processor.ts): one CV fold (the result's cvScores
   * holds its score alone) or the final fit (test metrics and artefact, no CV). Absent: the whole trial.
   */
  part?: FoldPart;
  /**
   * With part `fit` of a trial whose final fit was split into tree ranges: files holding the ranges'
   * encoded parts (forest-part-codec.ts) in tree order. The part merges them and evaluates the merged
   * model instead of fitting. Files, not IPC: a 50-tree range of a 16k-row forest is ~4 MB, which
   * base64 in a JSON message cost ~45 ms of CPU each way.
   */
  treePartFiles?: string[];
  /** With part `trees`: the file the range's encoded part is written to (the worker stores it). */
  treePartFile?: string;
}

/** Child → worker: the trial reached a rung; the worker answers with a {@link RungAnswer}. */
export interface RungRequest {
  id: number;
  rung: RungScores;
  /** Every rung so far, this one last. */
  history: RungScores[];
}

/** Worker → child: the pruner's verdict at the rung. */
export interface RungAnswer {
  id: number;
  verdict: RungVerdict;
}

/** What a trial may use: memory of its slot's process (address space) and wall-clock time. */
export interface SlotLimits {
  memoryMb: number;
  timeoutS: number;
}

export interface TrainingSuccess {
  id: number;
  ok: true;
  metrics: Record<string, number | null>;
  cvScores: number[];
  /** Serialized fitted pipeline (the artefact), produced in the thread to keep the main loop free. */
  pipelineJson: string;
  /** The trial's diagnostics (confusion matrix, curves, importances) as JSON; null when they could not be computed. */
  diagnosticsJson: string | null;
  timings: { fitMs: number; cvMs: number; evalMs: number; totalMs: number; loadMs: number };
  /** A fold job's part: the training process's CPU time over the task (its compiler threads included), for the worker's log. */
  cpuMs?: number;
  /** Under a pruner: the CV scores at each rung passed (a pruned trial's partial metrics). */
  rungs?: RungScores[];
  /** Set when the pruner stopped the trial: metrics are the last rung's CV summary, no artefact. */
  pruned?: { explanation: string };
}

export interface TrainingFailure {
  id: number;
  ok: false;
  error: { code: ErrorCode; message: string; stack?: string };
}

export type TrainingResult = TrainingSuccess | TrainingFailure;
