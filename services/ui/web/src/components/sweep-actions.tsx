/** Cancel, retry and extend: they need the write role (a session from a write token or login link) and send the CSRF token. */
import { useRef, useState } from 'preact/hooks';
import { api, type SessionInfo, type SweepStatus } from '../api.js';

export function SweepActions({
  sweepId,
  status,
  session,
  onStatus,
}: {
  sweepId: string;
  status: SweepStatus | null;
  session: SessionInfo;
  onStatus: (s: SweepStatus) => void;
}) {
  const canWrite = session.role !== 'read';
  const [message, setMessage] = useState('');
  const [yaml, setYaml] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const why = canWrite ? undefined : 'needs the write role: open the login link printed by `sweepq ui`, or sign in with SWEEPQ_API_TOKEN';
  const running = status !== null && (status.state === 'running' || status.state === 'queued');
  const run = (label: string, action: () => Promise<unknown>): void => {
    setMessage(`${label}…`);
    action().then(
      () => setMessage(`${label}: done`),
      (e: unknown) => setMessage(`${label} failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return (
    <div class="row">
      <span class="muted" role="status" data-testid="action-message" style="min-width: 120px">
        {message}
      </span>
      <button
        class="danger"
        disabled={!canWrite || !running}
        title={why}
        onClick={() =>
          confirm('Cancel this sweep? Queued trials are dropped and running ones aborted.') && run('cancel', () => api.cancel(sweepId).then(onStatus))
        }
      >
        Cancel sweep
      </button>
      <button
        disabled={!canWrite || status === null}
        title={why}
        onClick={() => run('retry', () => api.retry(sweepId).then((r) => setMessage(`retry: ${r.requeued} re-queued`)))}
      >
        Retry failed
      </button>
      <button disabled={!canWrite || status === null} title={why} onClick={() => dialog.current?.showModal()}>
        Extend…
      </button>
      <dialog ref={dialog} aria-labelledby="extend-title">
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            dialog.current?.close();
            run('extend', () => api.extend(sweepId, yaml));
          }}
        >
          <h2 id="extend-title">Extend the sweep</h2>
          <p class="muted">A sweep file (YAML) with the same dataset and pipeline; its trials are added to this sweep.</p>
          <label for="extend-yaml">Sweep file</label>
          <textarea id="extend-yaml" rows={14} cols={70} value={yaml} onInput={(e) => setYaml((e.target as HTMLTextAreaElement).value)} />
          <div class="row">
            <button type="button" onClick={() => dialog.current?.close()}>
              Close
            </button>
            <button class="primary" type="submit" disabled={yaml.trim() === ''}>
              Add trials
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
