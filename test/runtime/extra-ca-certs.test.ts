/**
 * NODE_EXTRA_CA_CERTS reaches only the processes sweepq starts that may open a TLS connection (issue 13,
 * fixed costs, round 7): node parses the file at every start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runWorkerEnv } from '../../services/cli/run-worker-spawn.js';
import { spawnTrainingProcess } from '../../services/worker/training-process-spawn.js';
import { withoutExtraCaCerts, workerMayUseTls } from '../../shared/runtime/extra-ca-certs.js';

const CERTS = '/etc/ssl/certs/ca-certificates.crt';

describe('workerMayUseTls', () => {
  const cases: Array<[string, NodeJS.ProcessEnv, boolean]> = [
    ['no Redis URL and no S3 endpoint (embedded Redis, local store)', {}, false],
    ['a plain Redis URL and an http S3 endpoint', { REDIS_URL: 'redis://127.0.0.1:6379', S3_ENDPOINT: 'http://127.0.0.1:9000' }, false],
    ['Redis over TLS', { REDIS_URL: 'rediss://redis.example:6380' }, true],
    ['Redis over TLS, spelled in capitals', { REDIS_URL: ' REDISS://redis.example:6380' }, true],
    ['an https S3 endpoint', { S3_ENDPOINT: 'https://s3.example' }, true],
  ];
  for (const [name, env, expected] of cases) {
    it(`is ${expected} for ${name}`, () => assert.equal(workerMayUseTls(env), expected));
  }
});

describe('withoutExtraCaCerts', () => {
  it('copies the environment without NODE_EXTRA_CA_CERTS, leaving the original alone', () => {
    const env = { PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: CERTS };
    assert.deepEqual(withoutExtraCaCerts(env), { PATH: '/usr/bin' });
    assert.equal(env.NODE_EXTRA_CA_CERTS, CERTS);
  });

  it('returns an environment without it as it is', () => {
    const env = { PATH: '/usr/bin' };
    assert.equal(withoutExtraCaCerts(env), env);
  });
});

describe('runWorkerEnv', () => {
  it('leaves NODE_EXTRA_CA_CERTS out of a run worker that opens no TLS connection', () => {
    const env = runWorkerEnv({ PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: CERTS }, '/tmp/state', undefined);
    assert.equal(env.NODE_EXTRA_CA_CERTS, undefined);
    assert.equal(env.SWEEPQ_STATE_DIR, '/tmp/state');
  });

  it('keeps it for a worker that reaches Redis or S3 over TLS', () => {
    assert.equal(runWorkerEnv({ NODE_EXTRA_CA_CERTS: CERTS, REDIS_URL: 'rediss://redis.example:6380' }, '/tmp/state', undefined).NODE_EXTRA_CA_CERTS, CERTS);
    assert.equal(runWorkerEnv({ NODE_EXTRA_CA_CERTS: CERTS, S3_ENDPOINT: 'https://s3.example' }, '/tmp/state', 'p').NODE_EXTRA_CA_CERTS, CERTS);
  });
});

describe('spawnTrainingProcess', () => {
  let saved: string | undefined;
  before(() => {
    saved = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = CERTS;
  });
  after(() => {
    if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = saved;
  });

  it('starts the process without NODE_EXTRA_CA_CERTS and with the rest of the environment', async () => {
    process.env.SWEEPQ_EXTRA_CA_PROBE = 'kept';
    try {
      const child = spawnTrainingProcess([
        process.execPath,
        '-e',
        'process.send({ certs: process.env.NODE_EXTRA_CA_CERTS ?? null, probe: process.env.SWEEPQ_EXTRA_CA_PROBE ?? null }, () => process.exit(0));',
      ]);
      const seen = await new Promise<unknown>((resolve, reject) => {
        child.once('message', resolve);
        child.once('error', reject);
      });
      assert.deepEqual(seen, { certs: null, probe: 'kept' });
    } finally {
      delete process.env.SWEEPQ_EXTRA_CA_PROBE;
    }
  });
});
