/** The note after a pruned trial's CV score, on the trial and compare pages. */
import type { TrialRecord } from '../api.js';
import { rungLabel } from '../rung-label.js';

/** ` @ rung 1 (27 of 81 trees)` after a pruned trial's CV score: it is not the score of the full trial. Nothing after a full one. */
export function RungNote({ trial, metric }: { trial: TrialRecord; metric: string }) {
  const label = rungLabel(trial, metric);
  if (label === undefined) return null;
  return (
    <span
      class="muted"
      data-testid="rung-note"
      title="the trial was pruned here: this is the CV score it reached at that rung, not a full trial's, and it is not ranked"
    >
      {' '}
      @ {label}
    </span>
  );
}
