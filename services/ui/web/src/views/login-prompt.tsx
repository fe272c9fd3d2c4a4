/** Shown when reads need a credential: the one-time link from the CLI, or a token pasted here. */
import { useState } from 'preact/hooks';
import { api } from '../api.js';

export function LoginPrompt({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const submit = (event: Event): void => {
    event.preventDefault();
    setError('');
    api.login(token.trim()).then(onSignedIn, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  return (
    <section class="panel" data-testid="login-prompt" style="max-width: 640px">
      <h1>Sign in to this sweepq server</h1>
      <p>
        This server needs a token to read sweeps. Open the one-time login link that <code>sweepq ui</code> (or <code>sweepq run --ui</code>) printed, or paste a
        token (SWEEPQ_API_READ_TOKEN for reading, SWEEPQ_API_TOKEN to also cancel, retry and extend):
      </p>
      <form onSubmit={submit} class="row">
        <label for="token">Token</label>
        <input id="token" type="password" autocomplete="off" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} style="flex: 1" />
        <button class="primary" type="submit" disabled={token.trim() === ''}>
          Sign in
        </button>
      </form>
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}
