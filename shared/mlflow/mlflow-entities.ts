/**
 * sweepq's records in MLflow's REST JSON shapes (`mlflow/protos/service.proto`): a trial is a run, a
 * sweep its parent run, an experiment name an experiment with a stable numeric id.
 */
import type { SweepRecord } from '../index/index.js';
import type { TrialRecord, TrialStatus } from '../schemas/trial.schema.js';

export interface MlflowKeyValue {
  key: string;
  value: string;
}

export interface MlflowMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface MlflowRun {
  info: {
    run_id: string;
    run_uuid: string;
    run_name: string;
    experiment_id: string;
    user_id: string;
    status: MlflowRunStatus;
    start_time: number;
    end_time?: number;
    artifact_uri: string;
    lifecycle_stage: 'active';
  };
  data: { metrics: MlflowMetric[]; params: MlflowKeyValue[]; tags: MlflowKeyValue[] };
  inputs: { dataset_inputs: [] };
}

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active';
  creation_time: number;
  last_update_time: number;
  tags: MlflowKeyValue[];
}

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** The metric whose history holds a trial's per-fold CV scores (step = fold). */
export const FOLD_SCORE_METRIC = 'cv_fold_score';
/** The folder of a trial run's fitted pipeline (MLflow Model format). */
export const PIPELINE_FOLDER = 'pipeline';
/** Our pipeline JSON, shown inside `pipeline/`. */
export const PIPELINE_JSON_FILE = 'sweepq-pipeline.json';

/** Statuses: MLflow has no pruned (a pruned trial was stopped early: KILLED, with `sweepq.status`). */
const RUN_STATUS: Readonly<Record<TrialStatus, MlflowRunStatus>> = {
  queued: 'SCHEDULED',
  active: 'RUNNING',
  completed: 'FINISHED',
  pruned: 'KILLED',
  failed: 'FAILED',
  quarantined: 'FAILED',
  cancelled: 'KILLED',
};

/** MLflow's run status → the status an external run moves to (runs/update). */
export const TRIAL_STATUS_OF: Readonly<Record<MlflowRunStatus, TrialStatus>> = {
  RUNNING: 'active',
  SCHEDULED: 'queued',
  FINISHED: 'completed',
  FAILED: 'failed',
  KILLED: 'cancelled',
};

export function runStatusOf(status: TrialStatus): MlflowRunStatus {
  return RUN_STATUS[status];
}

/** Where a run's artefacts are: the mlflow-artifacts proxy of this server (`runs:/<id>/…` resolves through it). */
export function artifactUri(experimentId: string, runId: string): string {
  return `mlflow-artifacts:/${experimentId}/${runId}/artifacts`;
}

/** A param value as MLflow's Python client writes it (`str(value)`), so filters compare alike. */
export function paramText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function pairs(record: Readonly<Record<string, string>>): MlflowKeyValue[] {
  const out: MlflowKeyValue[] = [];
  for (const [key, value] of Object.entries(record)) out.push({ key, value });
  return out;
}

/**
 * A trial as an MLflow run. Metrics carry the trial's finish time (MLflow needs a timestamp) and step 0,
 * or for runs logged through MLflow the step and time of their latest value (`metricSteps`), or for a
 * program trial the step of its last report.
 */
export function trialRun(trial: TrialRecord, experimentId: string, metricSteps: Readonly<Record<string, readonly [number, number]>> = {}): MlflowRun {
  const time = trial.finishedAt ?? trial.startedAt ?? 0;
  const metrics: MlflowMetric[] = [];
  for (const [key, value] of Object.entries(trial.metrics ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const at = metricSteps[key];
    const reported = trial.program?.history[key]?.at(-1)?.[0];
    metrics.push({ key, value, timestamp: at?.[1] ?? time, step: at?.[0] ?? reported ?? 0 });
  }
  const params: MlflowKeyValue[] = [];
  for (const [key, value] of Object.entries(trial.params)) params.push({ key, value: paramText(value) });
  // What a program logged through its MLflow client shows as it would on an MLflow server; the
  // sweep's own params win a name clash (they are what the trial ran with).
  const logged = trial.program?.mlflow;
  for (const [key, value] of Object.entries(logged?.params ?? {})) if (!Object.hasOwn(trial.params, key)) params.push({ key, value });
  const tags: Record<string, string> = { ...logged?.tags, ...trial.tags, 'mlflow.runName': trial.name, 'sweepq.status': trial.status };
  if (!Object.hasOwn(tags, 'mlflow.parentRunId') && trial.model !== null) tags['mlflow.parentRunId'] = trial.sweepId;
  if (trial.model !== null) tags['sweepq.model'] = trial.model;
  if (trial.error !== null) tags['sweepq.error'] = trial.error;
  return {
    info: {
      run_id: trial.id,
      run_uuid: trial.id,
      run_name: trial.name,
      experiment_id: experimentId,
      user_id: tags['mlflow.user'] ?? '',
      status: runStatusOf(trial.status),
      start_time: trial.startedAt ?? 0,
      ...(trial.finishedAt === null ? {} : { end_time: trial.finishedAt }),
      artifact_uri: artifactUri(experimentId, trial.id),
      lifecycle_stage: 'active',
    },
    data: { metrics, params, tags: pairs(tags) },
    inputs: { dataset_inputs: [] },
  };
}

/** A sweep as its trials' parent run: its description, tags and state; no metrics of its own. */
export function sweepRun(sweep: SweepRecord, experimentId: string): MlflowRun {
  const state: MlflowRunStatus = sweep.cancelled ? 'KILLED' : sweep.finishedAt !== null ? 'FINISHED' : sweep.startedAt === null ? 'SCHEDULED' : 'RUNNING';
  const tags: Record<string, string> = { ...sweep.tags, 'mlflow.runName': sweep.id, 'sweepq.kind': sweep.kind };
  if (sweep.description !== '' && !Object.hasOwn(tags, 'mlflow.note.content')) tags['mlflow.note.content'] = sweep.description;
  return {
    info: {
      run_id: sweep.id,
      run_uuid: sweep.id,
      run_name: sweep.id,
      experiment_id: experimentId,
      user_id: '',
      status: state,
      start_time: sweep.createdAt,
      ...(sweep.finishedAt === null ? {} : { end_time: sweep.finishedAt }),
      artifact_uri: artifactUri(experimentId, sweep.id),
      lifecycle_stage: 'active',
    },
    data: { metrics: [], params: [], tags: pairs(tags) },
    inputs: { dataset_inputs: [] },
  };
}

export function experimentOf(id: string, name: string, createdAt: number, lastUpdate: number): MlflowExperiment {
  return {
    experiment_id: id,
    name,
    artifact_location: `mlflow-artifacts:/${id}`,
    lifecycle_stage: 'active',
    creation_time: createdAt,
    last_update_time: lastUpdate,
    tags: [],
  };
}
