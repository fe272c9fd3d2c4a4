/**
 * The trial comparison table of `sweepq trials` and `sweepq run`: rank, name, model, status, the key
 * metrics and the duration; failed trials show their error in place of metrics.
 */
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';
import { formatDuration } from './duration.js';
import { formatMetric, formatTable } from './table.js';
import { PROGRAM_MODEL } from '../../../shared/schemas/trial-model-name.schema.js';
import { prunedScoreLabel } from '../../../shared/search/pruners/pruned-score.js';

/** Metrics shown by default, in this order (the names the worker reports), per task. */
const CLASSIFICATION_METRICS: readonly string[] = ['accuracy', 'f1_score', 'auc_roc'];
const REGRESSION_METRICS: readonly string[] = ['r2', 'rmse', 'mae'];

/** Most metric columns shown for runs logged through the MLflow API (their metrics are the script's own). */
const LOGGED_METRIC_COLUMNS = 4;

/**
 * The key metrics of the trials' task: regression trials report r2, classification ones accuracy; runs
 * logged through the MLflow API (no model) show the first metrics they logged, by name.
 */
function keyMetricsOf(trials: readonly TrialRecord[]): readonly string[] {
  if (trials.length > 0 && trials.every((t) => t.model === PROGRAM_MODEL)) return programMetricsOf(trials);
  if (trials.length > 0 && trials.every((t) => t.model === null)) {
    const names = new Set<string>();
    for (const trial of trials) for (const name of Object.keys(trial.metrics ?? {})) names.add(name);
    return [...names].sort().slice(0, LOGGED_METRIC_COLUMNS);
  }
  return trials.some((t) => t.metrics?.r2 !== undefined) ? REGRESSION_METRICS : CLASSIFICATION_METRICS;
}

/** Most reported metrics shown for program trials (their names are the program's own). */
const MAX_PROGRAM_METRICS = 4;

/** The first few metric names program trials reported, in report order of the first trials. */
function programMetricsOf(trials: readonly TrialRecord[]): readonly string[] {
  const names = new Set<string>();
  for (let i = 0; i < trials.length && names.size < MAX_PROGRAM_METRICS; i++) {
    for (const name of Object.keys(trials[i]!.metrics ?? {})) if (names.size < MAX_PROGRAM_METRICS) names.add(name);
  }
  return [...names];
}

export interface TrialTableOptions {
  /** Rank of the first row (1 + the page offset). */
  firstRank?: number;
  /** Extra metric to show (the sort metric, when it is not a key metric). */
  metric?: string;
}

/** Mean ± std of the CV folds; a pruned trial's are of the rung it stopped at, and say so. */
function cvCell(trial: TrialRecord): string {
  const mean = trial.metrics?.cv_mean;
  const std = trial.metrics?.cv_std;
  if (mean === null || mean === undefined) return '-';
  const scores = std === null || std === undefined ? formatMetric(mean) : `${formatMetric(mean)}±${formatMetric(std)}`;
  const rung = prunedScoreLabel(trial);
  return rung === undefined ? scores : `${scores} @ ${rung}`;
}

/** The status, with a split trial's progress while its fold jobs run (`active 3/6 parts`). */
function statusCell(trial: TrialRecord): string {
  return trial.status === 'active' && trial.split !== undefined ? `active ${trial.split.done}/${trial.split.parts} parts` : trial.status;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Renders trials (already in display order) as a table. */
export function renderTrialTable(trials: readonly TrialRecord[], options: TrialTableOptions = {}): string {
  const key = keyMetricsOf(trials);
  const metrics = options.metric !== undefined && !key.includes(options.metric) && options.metric !== 'cv_mean' ? [...key, options.metric] : key;
  // Program sweeps and sweeps without CV have no CV scores: no column of dashes for them.
  const showCv = trials.some((trial) => trial.metrics?.cv_mean !== null && trial.metrics?.cv_mean !== undefined);
  const headers = ['#', 'name', 'model', 'status', ...metrics, ...(showCv ? ['cv'] : []), 'duration'];
  const align: ('left' | 'right')[] = ['right', 'left', 'left', 'left', ...metrics.map((): 'right' => 'right'), ...(showCv ? ['right' as const] : []), 'right'];
  const rows: string[][] = [];
  const first = options.firstRank ?? 1;
  const errors: string[] = [];
  const pruned: string[] = [];
  for (let i = 0; i < trials.length; i++) {
    const trial = trials[i]!;
    const row = [String(first + i), trial.name, trial.model ?? '-', statusCell(trial)];
    for (const metric of metrics) row.push(formatMetric(trial.metrics?.[metric]));
    if (showCv) row.push(cvCell(trial));
    row.push(formatDuration(trial.durationMs));
    rows.push(row);
    if (trial.status === 'failed' && trial.error !== null) errors.push(`  ${trial.name}: ${oneLine(trial.error, 160)}`);
    if (trial.status === 'pruned' && trial.pruning?.reason !== undefined) pruned.push(`  ${trial.name}: ${oneLine(trial.pruning.reason, 200)}`);
  }
  let out = formatTable(headers, rows, { align });
  if (errors.length > 0) out += `\n\nfailed trials:\n${errors.join('\n')}`;
  if (pruned.length > 0) out += `\n\npruned trials (their cv is that of the rung they stopped at; only completed trials are ranked):\n${pruned.join('\n')}`;
  return out;
}
