/** The dashboard shell: who is signed in (or the token prompt), then the view the URL names. */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type SessionInfo } from './api.js';
import { onLinkClick, useLocation } from './url-state.js';
import { ComparePage } from './views/compare-page.js';
import { LoginPrompt } from './views/login-prompt.js';
import { SweepPage } from './views/sweep-page.js';
import { SweepsList } from './views/sweeps-list.js';
import { TrialPage } from './views/trial-page.js';

type SessionState = { kind: 'loading' } | { kind: 'ok'; session: SessionInfo } | { kind: 'login'; message?: string } | { kind: 'error'; message: string };

export function App() {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const load = (): void => {
    api.session().then(
      (session) => setState({ kind: 'ok', session }),
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) setState({ kind: 'login' });
        else setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
  };
  useEffect(load, []);
  const { path } = useLocation();
  return (
    <>
      <header class="top">
        <a class="brand" href="/ui/" onClick={onLinkClick}>
          sweepq
        </a>
        <nav aria-label="main">
          <a href="/ui/" onClick={onLinkClick}>
            Sweeps
          </a>
        </nav>
        <span class="who" data-testid="who">
          {state.kind === 'ok' ? `${state.session.role} access (${state.session.via})` : ''}
        </span>
      </header>
      <main>
        {state.kind === 'loading' && <p class="muted">Loading…</p>}
        {state.kind === 'error' && <p class="error">{state.message}</p>}
        {state.kind === 'login' && <LoginPrompt onSignedIn={load} />}
        {state.kind === 'ok' && <Route path={path} session={state.session} />}
      </main>
    </>
  );
}

function Route({ path, session }: { path: string; session: SessionInfo }) {
  const parts = path
    .replace(/^\/ui\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts[0] === 'sweeps' && parts[1] !== undefined) {
    if (parts[2] === 'trials' && parts[3] !== undefined) return <TrialPage sweepId={parts[1]} trialId={parts[3]} />;
    if (parts[2] === 'compare') return <ComparePage sweepId={parts[1]} />;
    return <SweepPage sweepId={parts[1]} session={session} />;
  }
  return <SweepsList />;
}
