/**
 * A pruned trial's CV scores are those of the rung it stopped at (shared/search/pruners/pruned-score.ts):
 * every place that shows cv_mean, cv_std or a fold score of one says so.
 */
import type { TrialRecord } from './api.js';
import { isRungScored, prunedScoreAt, prunedScoreLabel } from '../../../../shared/search/pruners/pruned-score.js';

/** `rung 1 (27 of 81 trees)` when `metric` of this trial is a rung score, else undefined. */
export function rungLabel(trial: TrialRecord, metric: string): string | undefined {
  return isRungScored(metric) ? prunedScoreLabel(trial) : undefined;
}

/** The table cell's short mark, `r1`, for a rung score (columns are narrow; the cell's title has the rest). */
export function rungTag(trial: TrialRecord, metric: string): string | undefined {
  const at = isRungScored(metric) ? prunedScoreAt(trial) : undefined;
  if (at === undefined) return undefined;
  return trial.model === 'program' ? `step ${at.resource}` : `r${at.rung}`;
}
