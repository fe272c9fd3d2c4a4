/** What a sweep's page shows when the server has no such sweep: one sentence and the way back, nothing live to click. */
import { onLinkClick } from '../url-state.js';

export function SweepNotFound({ sweepId, reason }: { sweepId: string; reason: string }) {
  return (
    <section data-testid="sweep-not-found">
      <h1>
        no sweep <code>{sweepId}</code>
      </h1>
      <p class="muted" data-testid="not-found-reason">
        {reason}
      </p>
      <p>
        <a href="/ui/" onClick={onLinkClick}>
          ← back to the sweeps list
        </a>
      </p>
    </section>
  );
}
