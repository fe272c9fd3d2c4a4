/**
 * Where a pruned trial's CV scores come from (issue 11 leftovers): a trial stopped by the pruner keeps
 * the CV scores of the last rung it reached — `cv_mean`, `cv_std` and `folds` of 27 trees, say, where
 * the completed trials have theirs of all 81. Shown beside those numbers everywhere (CLI tables, the
 * API's trial records, the dashboard) so a rung score is never read as a full one. Ranking never
 * uses them: the leaderboard holds completed trials only.
 */
import type { TrialRecord } from '../../schemas/trial.schema.js';

/** The rung a pruned trial's CV scores were measured at: its index and the resource (trees, or a program's step). */
export interface RungScoredAt {
  rung: number;
  resource: number;
}

/** The last rung of a pruned trial, or undefined for any other trial (or one without rungs). */
export function prunedScoredAt(status: string, rungs: ReadonlyArray<{ resource: number }> | undefined): RungScoredAt | undefined {
  if (status !== 'pruned' || rungs === undefined || rungs.length === 0) return undefined;
  return { rung: rungs.length - 1, resource: rungs[rungs.length - 1]!.resource };
}

/** The scores a pruned trial has from its last rung rather than from a full fit: `cv_mean`, `cv_std` and the per-fold `folds`. */
export function isRungScored(metric: string): boolean {
  return metric === 'cv_mean' || metric === 'cv_std' || metric === 'folds';
}

/** Where a trial's CV scores were measured when it was pruned; undefined when they are its full ones. */
export function prunedScoreAt(trial: Pick<TrialRecord, 'status' | 'pruning'>): RungScoredAt | undefined {
  return trial.pruning?.scoredAt ?? prunedScoredAt(trial.status, trial.pruning?.rungs);
}

/**
 * `rung 1 (27 of 81 trees)` (a built-in model grown by trees), `step 27` (a program's report step), or
 * undefined when the trial's CV scores are its full ones.
 */
export function prunedScoreLabel(trial: Pick<TrialRecord, 'status' | 'model' | 'params' | 'pruning'>): string | undefined {
  const at = prunedScoreAt(trial);
  if (at === undefined) return undefined;
  if (trial.model === 'program') return `step ${at.resource}`;
  const full = trial.params.n_estimators;
  return `rung ${at.rung} (${at.resource}${typeof full === 'number' ? ` of ${full}` : ''} trees)`;
}
