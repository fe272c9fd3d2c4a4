/**
 * What a page shows when the server has no such sweep, or its sweep no such trial: one sentence and
 * the way back, nothing live to click.
 */
import { ApiError } from '../api.js';
import { onLinkClick } from '../url-state.js';

/** Why a sweep the server answered 404 for is missing. */
export const SWEEP_GONE_REASON = 'It may have been deleted, or the link has a typo.';

/** Why there is no such sweep when a request's error says so (a 404, or a 400 on the id itself); null for any other error. */
export function missingSweepReason(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 404) return SWEEP_GONE_REASON;
  if (error.status === 400 && error.location?.path === 'id') return error.message;
  return null;
}

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
