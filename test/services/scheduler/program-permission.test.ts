/**
 * Submitting a program sweep runs code on the workers, so `POST /sweeps` with a `program:` block needs
 * the program role (issue 14); a write token still submits built-in sweeps. Bad program bodies are
 * refused with located 400s before any role matters, and a body may not name a working directory.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../../services/scheduler/app.js';
import { loadConfig } from '../../../shared/config/config.js';
import { MemoryClient, SPEC_JSON } from './memory-client.js';

const WRITE = 'write-token-0123456789abcdef';
const PROGRAM = 'program-token-0123456789abcdef';
const PROGRAM_SPEC = {
  name: 'prog',
  program: { command: ['python3', 'train.py', '--lr', '${params.lr}'] },
  objective: { metric: 'val_auc', goal: 'maximize' },
  trials: [{ params: { lr: 0.1 } }],
};

describe('POST /sweeps with a program sweep', () => {
  let app: FastifyInstance;
  let service: MemoryClient;
  before(async () => {
    service = new MemoryClient();
    const config = loadConfig({ SWEEPQ_API_TOKEN: WRITE, SWEEPQ_API_PROGRAM_TOKEN: PROGRAM, SWEEPQ_API_CACHE_MS: '0' });
    app = buildApp({ service, config, logger: pino({ level: 'silent' }) });
    await app.ready();
  });
  after(() => app.close());

  const post = (token: string, body: unknown) =>
    app.inject({
      method: 'POST',
      url: '/sweeps',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('refuses the write token with 403 naming the program role, and submits nothing', async () => {
    const calls = service.calls.length;
    const response = await post(WRITE, PROGRAM_SPEC);
    assert.equal(response.statusCode, 403, response.body);
    assert.match(response.body, /needs the program role/);
    assert.equal(service.calls.length, calls);
  });

  it('accepts the program token', async () => {
    const response = await post(PROGRAM, PROGRAM_SPEC);
    assert.equal(response.statusCode, 201, response.body);
  });

  it('still takes built-in sweeps from the write token', async () => {
    assert.equal((await post(WRITE, SPEC_JSON)).statusCode, 201);
  });

  it('refuses a bad program body with a located 400, and a working directory', async () => {
    const typo = await post(PROGRAM, { ...PROGRAM_SPEC, program: { command: ['python3', '${params.lrr}'] } });
    assert.equal(typo.statusCode, 400);
    assert.match(typo.body, /program\.command\[1\]: \$\{params\.lrr\} names a param not every trial has/);
    const workdir = await post(PROGRAM, { ...PROGRAM_SPEC, program: { ...PROGRAM_SPEC.program, workdir: '/etc' } });
    assert.equal(workdir.statusCode, 400);
    assert.match(workdir.body, /workdir is only for `sweepq run`/);
  });
});
