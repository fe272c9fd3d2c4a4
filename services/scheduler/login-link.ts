/**
 * A one-time browser login link for the dashboard, asked of a running scheduler with its token: what
 * `sweepq ui` and `sweepq run --ui` print, so a browser gets an HttpOnly session cookie without the
 * token ever appearing in a URL or the shell history.
 */
import { LoginLinkSchema } from '../../shared/schemas/api.schema.js';
import { SweepqError } from '../../shared/errors/index.js';

export async function requestLoginLink(address: string, token: string, role: 'read' | 'write' = 'write'): Promise<string> {
  const response = await fetch(`${address}/auth/login-links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role }),
  });
  if (response.status !== 201)
    throw new SweepqError('INTERNAL', `the dashboard at ${address} refused a login link (HTTP ${response.status}): ${(await response.text()).slice(0, 300)}`);
  return LoginLinkSchema.parse(await response.json()).url;
}
