/**
 * The API's write token when SWEEPQ_API_TOKEN is not set: the scheduler generates one at start-up
 * and writes it, readable by its user only, to `<stateDir>/api-token`; a CLI on the same machine with
 * the same state folder picks it up. The API is therefore never writable without a token, and the
 * token is never logged (only the file's path is).
 *
 * A client holds up to two tokens: the write token (which also grants reads) and SWEEPQ_API_READ_TOKEN.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.js';

export function apiTokenPath(stateDir: string): string {
  return path.join(stateDir, 'api-token');
}

/** The configured token, or a freshly generated one saved to the state folder. */
export async function ensureApiToken(config: Pick<Config, 'api' | 'stateDir'>): Promise<{ token: string; generatedAt?: string }> {
  if (config.api.token !== undefined) return { token: config.api.token };
  const token = randomBytes(32).toString('hex');
  const file = apiTokenPath(config.stateDir);
  await mkdir(config.stateDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${token}\n`, { mode: 0o600 });
  await rename(temp, file);
  return { token, generatedAt: file };
}

/** The tokens a client can send. */
export interface ClientTokens {
  /** SWEEPQ_API_TOKEN, else the token a scheduler on this machine generated. */
  write: string | undefined;
  /** SWEEPQ_API_READ_TOKEN. */
  read: string | undefined;
}

/** True when an API URL points at this machine (the only place a generated token file is valid for). */
function isLoopbackUrl(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

/**
 * The tokens a client should send to `config.api.url`. The generated token file is read only when
 * the URL is a loopback address: a local scheduler's token is never sent to another host.
 */
export async function readApiTokens(config: Pick<Config, 'api' | 'stateDir'>): Promise<ClientTokens> {
  const read = config.api.readToken;
  if (config.api.token !== undefined || !isLoopbackUrl(config.api.url)) return { write: config.api.token, read };
  try {
    const token = (await readFile(apiTokenPath(config.stateDir), 'utf8')).trim();
    return { write: token === '' ? undefined : token, read };
  } catch {
    return { write: undefined, read };
  }
}
