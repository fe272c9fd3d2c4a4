/**
 * The API's bearer token when SWEEPQ_API_TOKEN is not set: the scheduler generates one at start-up
 * and writes it, readable by its user only, to `<stateDir>/api-token`; a CLI on the same machine with
 * the same state folder picks it up. The API is therefore never open without a token, and the token
 * is never logged (only the file's path is).
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

/** The token a client should send: SWEEPQ_API_TOKEN, else the one a local scheduler generated. */
export async function readApiToken(config: Pick<Config, 'api' | 'stateDir'>): Promise<string | undefined> {
  if (config.api.token !== undefined) return config.api.token;
  try {
    const token = (await readFile(apiTokenPath(config.stateDir), 'utf8')).trim();
    return token === '' ? undefined : token;
  } catch {
    return undefined;
  }
}
