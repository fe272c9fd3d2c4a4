/**
 * What a page shows when the server has no such sweep, or its sweep no such trial: one sentence and
 * the way back, nothing live to click.
 */
import { onLinkClick } from '../url-state.js';

export function SweepNotFound({ sweepId, reason }: { sweepId: string; reason: string }) {
  return <NotFound testId="sweep-not-found" what="sweep" id={sweepId} reason={reason} backHref="/ui/" backLabel="the sweeps list" />;
}

export function TrialNotFound({ sweepId, trialId, reason }: { sweepId: string; trialId: string; reason: string }) {
  return (
    <NotFound
      testId="trial-not-found"
      what="trial"
      id={trialId}
      reason={reason}
      backHref={`/ui/sweeps/${encodeURIComponent(sweepId)}`}
      backLabel={`sweep ${sweepId}`}
    />
  );
}

function NotFound(props: { testId: string; what: string; id: string; reason: string; backHref: string; backLabel: string }) {
  return (
    <section data-testid={props.testId}>
      <h1>
        no {props.what} <code>{props.id}</code>
      </h1>
      <p class="muted" data-testid="not-found-reason">
        {props.reason}
      </p>
      <p>
        <a href={props.backHref} onClick={onLinkClick}>
          ← back to {props.backLabel}
        </a>
      </p>
    </section>
  );
}
