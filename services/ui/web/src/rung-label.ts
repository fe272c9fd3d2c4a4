/**
 * A pruned trial's CV scores are those of the rung it stopped at (shared/search/pruners/pruned-score.ts):
 * every place that shows cv_mean, cv_std or a fold score of one says so.
 */
import type { TrialRecord } from './api.js';
import { prunedScoreLabel } from '../../../../shared/search/pruners/pruned-score.js';

/** The metrics a pruned trial has from its last rung rather than from a full fit. */
const RUNG_SCORED_METRICS = new Set(['cv_mean', 'cv_std']);

/** `rung 1 (27 of 81 trees)` when `metric` of this trial is a rung score, else undefined. */
export function rungLabel(trial: TrialRecord, metric: string): string | undefined {
  return RUNG_SCORED_METRICS.has(metric) || metric === 'folds' ? prunedScoreLabel(trial) : undefined;
}

/** The table cell's short mark, `r1`, for a rung score (columns are narrow; the cell's title has the rest). */
export function rungTag(trial: TrialRecord, metric: string): string | undefined {
  const label = rungLabel(trial, metric);
  if (label === undefined) return undefined;
  const rung = /^rung (\d+)/.exec(label);
  return rung === null ? label : `r${rung[1]}`;
}
