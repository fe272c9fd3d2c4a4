/** What a trial's page shows when its sweep has no such trial: one sentence and the ways back. */
import { onLinkClick } from '../url-state.js';

export function TrialNotFound({ sweepId, trialId, reason }: { sweepId: string; trialId: string; reason: string }) {
  return (
    <section data-testid="trial-not-found">
      <h1>
        no trial <code>{trialId}</code>
      </h1>
      <p class="muted" data-testid="not-found-reason">
        {reason}
      </p>
      <p>
        <a href={`/ui/sweeps/${encodeURIComponent(sweepId)}`} onClick={onLinkClick}>
          ← back to sweep {sweepId}
        </a>
      </p>
    </section>
  );
}
