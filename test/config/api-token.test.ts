/**
 * Which tokens the CLI sends (shared/config/api-token.ts): SWEEPQ_API_TOKEN and
 * SWEEPQ_API_READ_TOKEN as configured; the token a local scheduler generated into the state folder
 * only to a loopback API URL — never to another host.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureApiToken, readApiTokens } from '../../shared/config/api-token.js';
import { loadConfig } from '../../shared/config/config.js';

describe('API tokens of a client', () => {
  let stateDir: string;
  let generated: string;
  before(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-api-token-'));
    generated = (await ensureApiToken(loadConfig({ SWEEPQ_STATE_DIR: stateDir }))).token;
  });
  after(() => rm(stateDir, { recursive: true, force: true }));

  it('writes the generated token readable by its owner only', async () => {
    assert.equal((await stat(path.join(stateDir, 'api-token'))).mode & 0o777, 0o600);
    assert.match(generated, /^[0-9a-f]{64}$/);
  });

  const cases: [string, Record<string, string>, () => { write: string | undefined; read: string | undefined }][] = [
    [
      'the configured tokens',
      { SWEEPQ_API_URL: 'http://127.0.0.1:8080', SWEEPQ_API_TOKEN: 'write-token-0123456789', SWEEPQ_API_READ_TOKEN: 'read-token-0123456789' },
      () => ({ write: 'write-token-0123456789', read: 'read-token-0123456789' }),
    ],
    ['the generated token for a loopback URL', { SWEEPQ_API_URL: 'http://localhost:8080' }, () => ({ write: generated, read: undefined })],
    ['the generated token for 127.x', { SWEEPQ_API_URL: 'http://127.0.0.1:9/' }, () => ({ write: generated, read: undefined })],
    ['no generated token for another host', { SWEEPQ_API_URL: 'http://scheduler.example:8080' }, () => ({ write: undefined, read: undefined })],
    [
      'only the read token for another host',
      { SWEEPQ_API_URL: 'https://scheduler.example', SWEEPQ_API_READ_TOKEN: 'read-token-0123456789' },
      () => ({ write: undefined, read: 'read-token-0123456789' }),
    ],
  ];
  for (const [label, env, expected] of cases) {
    it(`sends ${label}`, async () => {
      assert.deepEqual(await readApiTokens(loadConfig({ SWEEPQ_STATE_DIR: stateDir, ...env })), expected());
    });
  }
});
