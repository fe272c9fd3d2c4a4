/**
 * Route-level spec of the scheduler API: auth, validation, limits and the error shape. The service is
 * a small in-memory SweepClient (memory-client.ts), so these checks need no Redis; roles, sessions,
 * the Host allowlist and rate limits are specified in auth.test.ts; the real SweepService is
 * exercised end to end by the sweep and CLI tests.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loadConfig } from '../../../shared/config/config.js';
import { SweepqError } from '../../../shared/errors/index.js';
import type { SweepStatus } from '../../../shared/schemas/sweep-status.schema.js';
import { HttpSweepClient } from '../../../shared/sweep/http-sweep-client.js';
import { buildApp } from '../../../services/scheduler/app.js';
import { createTokenMatcher } from '../../../services/scheduler/auth.js';
import { MemoryClient, SPEC, SPEC_JSON, status, summary, SWEEP_ID, TRIAL_ID } from './memory-client.js';

const TOKEN = 'test-token-0123456789abcdef';
const SWEEP_LIMIT = 2048;
const DATASET_LIMIT = 4096;

function makeApp(env: Record<string, string> = {}): { app: FastifyInstance; service: MemoryClient } {
  const config = loadConfig({
    SWEEPQ_API_TOKEN: TOKEN,
    SWEEPQ_SWEEP_BODY_LIMIT_BYTES: String(SWEEP_LIMIT),
    SWEEPQ_BODY_LIMIT_BYTES: String(DATASET_LIMIT),
    // Route behaviour is tested with a service whose answers change between requests; the read
    // cache has its own tests below.
    SWEEPQ_API_CACHE_MS: '0',
    ...env,
  });
  const service = new MemoryClient();
  const app = buildApp({ service, config, logger: pino({ level: 'silent' }) });
  return { app, service };
}

const auth = { authorization: `Bearer ${TOKEN}` };
const UNAUTHORIZED = { error: { code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' } };

/** Every mutating route with a body it would accept. */
const MUTATIONS: { url: string; payload?: string; type?: string }[] = [
  { url: '/datasets', payload: 'a,b\n1,2\n', type: 'text/csv' },
  { url: '/sweeps', payload: SPEC_JSON, type: 'application/json' },
  { url: `/sweeps/${SWEEP_ID}/trials`, payload: SPEC_JSON, type: 'application/json' },
  { url: `/sweeps/${SWEEP_ID}/cancel` },
  { url: `/sweeps/${SWEEP_ID}/retry` },
];

describe('scheduler API', () => {
  let app: FastifyInstance;
  let service: MemoryClient;
  before(async () => {
    ({ app, service } = makeApp());
    await app.ready();
  });
  after(async () => {
    await app.close();
  });

  describe('authentication', () => {
    for (const route of MUTATIONS) {
      for (const [label, headers] of [
        ['no header', {}],
        ['a wrong token', { authorization: `Bearer ${TOKEN.slice(0, -1)}x` }],
        ['a shorter token', { authorization: 'Bearer abc' }],
        ['another scheme', { authorization: `Basic ${TOKEN}` }],
      ] as const) {
        it(`answers 401 on POST ${route.url} with ${label}, without saying which`, async () => {
          const before = service.calls.length;
          const res = await app.inject({
            method: 'POST',
            url: route.url,
            headers: { ...headers, ...(route.type === undefined ? {} : { 'content-type': route.type }) },
            ...(route.payload === undefined ? {} : { payload: route.payload }),
          });
          assert.equal(res.statusCode, 401);
          assert.deepEqual(res.json(), UNAUTHORIZED);
          assert.equal(res.headers['www-authenticate'], 'Bearer');
          assert.equal(service.calls.length, before, 'the service is not reached');
        });
      }
      it(`accepts POST ${route.url} with the token`, async () => {
        const res = await app.inject({
          method: 'POST',
          url: route.url,
          headers: { ...auth, ...(route.type === undefined ? {} : { 'content-type': route.type }) },
          ...(route.payload === undefined ? {} : { payload: route.payload }),
        });
        assert.ok(res.statusCode === 200 || res.statusCode === 201, `${res.statusCode} ${res.body}`);
      });
    }

    it('serves reads to the token, refuses them without one (in-process requests are not on the server port), keeps /healthz public', async () => {
      const denied = await app.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}` });
      assert.equal(denied.statusCode, 401);
      assert.deepEqual(denied.json(), UNAUTHORIZED);
      const allowed = await app.inject({ method: 'GET', url: `/sweeps/${SWEEP_ID}`, headers: auth });
      assert.equal(allowed.statusCode, 200);
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200, '/healthz stays public for probes');
    });

    it('rejects an unauthenticated upload before reading its body', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/datasets',
        headers: { 'content-type': 'text/csv' },
        payload: 'x'.repeat(DATASET_LIMIT * 4),
      });
      assert.equal(res.statusCode, 401, 'auth runs before the body limit');
    });
  });

  describe('createTokenMatcher', () => {
    const match = createTokenMatcher({ write: TOKEN });
    const check = (header: string | undefined): boolean => match(header) === 'write';
    const cases: [string, string | undefined, boolean][] = [
      ['the right token', `Bearer ${TOKEN}`, true],
      ['a lowercase scheme', `bearer ${TOKEN}`, true],
      ['no header', undefined, false],
      ['an empty header', '', false],
      ['a prefix of the token', `Bearer ${TOKEN.slice(0, 8)}`, false],
      ['the token plus a character', `Bearer ${TOKEN}x`, false],
      ['the token without scheme', TOKEN, false],
      ['an empty bearer', 'Bearer ', false],
    ];
    for (const [label, header, expected] of cases) {
      it(`returns ${expected} for ${label}`, () => assert.equal(check(header), expected));
    }
  });

  describe('validation', () => {
    const badIds = ['..%2F..%2Fetc%2Fpasswd', 'abc%2F..%2F..', 's-ABC123DEF', 's-abc:def123', 'x'.repeat(60), 's-abc123def456%00'];
    for (const id of badIds) {
      it(`answers 400 INVALID_ARGUMENT for sweep id ${decodeURIComponent(id).slice(0, 30)}`, async () => {
        const res = await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${id}` });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().error.code, 'INVALID_ARGUMENT');
      });
    }

    it('answers 400 for a trial id outside the sweep or a path in the trial id', async () => {
      for (const trialId of ['..%2F..%2Fetc%2Fpasswd', 's-zzz999zzz999-t1']) {
        const res = await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}/trials/${trialId}/artifact` });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().error.code, 'INVALID_ARGUMENT');
      }
    });

    // Worded like a sweep file's problems (what, where, the value, how to fix), never in zod's words.
    const badQueries: Array<[string, RegExp]> = [
      ['limit=0', /^query parameter limit must be an integer between 1 and 1000, got "0" \(write a whole number, e\.g\. \?limit=1\)$/],
      ['limit=1001', /^query parameter limit must be an integer between 1 and 1000, got "1001"/],
      ['limit=abc', /^query parameter limit must be an integer between 1 and 1000, got "abc"/],
      ['limit=2.5', /^query parameter limit must be an integer between 1 and 1000, got "2\.5"/],
      ['offset=-1', /^query parameter offset must be an integer between 0 and 10000000, got "-1"/],
      ['status=complete', /^query parameter status must be one of queued, active, completed, .*, got "complete" \(did you mean "completed"\?\)$/],
      ['sort=DROP%20TABLE', /^query parameter sort: a metric name looks like accuracy or f1_score, got "DROP TABLE"$/],
    ];
    for (const [query, wording] of badQueries) {
      it(`answers 400 for GET /sweeps/:id/trials?${query} saying what, where and how to fix`, async () => {
        const res = await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}/trials?${query}` });
        assert.equal(res.statusCode, 400, res.body);
        const error = res.json<{ error: { code: string; message: string; location?: { path: string }; details: Array<{ message: string }> } }>().error;
        assert.equal(error.code, 'INVALID_ARGUMENT');
        assert.match(error.message, wording);
        assert.equal(error.location?.path, query.split('=')[0]);
        assert.equal(error.details[0]?.message, error.message, 'the details carry the same wording');
        assert.doesNotMatch(res.body, /Invalid input|Too small|Too big|Invalid option|expected number/);
      });
    }

    it('passes a parsed query with the default page size to the service', async () => {
      const res = await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}/trials?sort=f1_score&status=completed` });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(service.last('trials'), [SWEEP_ID, { limit: 100, offset: 0, sort: 'f1_score', status: 'completed' }]);
      assert.equal(res.json().total, 4);
    });

    it('answers 400 INVALID_ARGUMENT for malformed JSON', async () => {
      const res = await app.inject({ method: 'POST', url: '/sweeps', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name":' });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.code, 'INVALID_ARGUMENT');
    });

    it('answers 400 for a sweep sent as CSV and for a JSON array', async () => {
      const csv = await app.inject({ method: 'POST', url: '/sweeps', headers: { ...auth, 'content-type': 'text/csv' }, payload: 'a,b' });
      assert.equal(csv.statusCode, 400);
      const array = await app.inject({ method: 'POST', url: '/sweeps', headers: { ...auth, 'content-type': 'application/json' }, payload: '[]' });
      assert.equal(array.statusCode, 400);
      assert.equal(array.json().error.code, 'INVALID_SPEC');
    });

    it("answers 415 naming the body types for curl's default form content type", async () => {
      for (const url of ['/datasets', '/sweeps']) {
        const res = await app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a,b' });
        assert.equal(res.statusCode, 415, url);
        assert.equal(res.json().error.code, 'UNSUPPORTED_MEDIA_TYPE');
        assert.match(
          res.json().error.message,
          /content-type "application\/x-www-form-urlencoded": .*text\/csv.* for POST \/datasets; application\/json or application\/yaml for POST \/sweeps/,
        );
      }
    });

    it('hands a JSON sweep to the service as an object', async () => {
      const res = await app.inject({ method: 'POST', url: '/sweeps', headers: { ...auth, 'content-type': 'application/json' }, payload: SPEC_JSON });
      assert.equal(res.statusCode, 201);
      assert.deepEqual(res.json(), { sweepId: SWEEP_ID, name: 'demo', total: 4 });
      assert.deepEqual(service.last('submit'), [SPEC]);
    });

    it('hands uploaded CSV bytes to the service unchanged', async () => {
      const csv = 'a,b,target\n1,2,yes\n';
      const res = await app.inject({ method: 'POST', url: '/datasets', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv });
      assert.equal(res.statusCode, 201);
      assert.equal((service.last('uploadDataset')![0] as Buffer).toString('utf8'), csv);
    });
  });

  describe('limits', () => {
    it('answers 413 PAYLOAD_TOO_LARGE for a sweep body over the sweep limit', async () => {
      const payload = JSON.stringify({ name: 'x'.repeat(SWEEP_LIMIT) });
      const res = await app.inject({ method: 'POST', url: '/sweeps', headers: { ...auth, 'content-type': 'application/json' }, payload });
      assert.equal(res.statusCode, 413);
      assert.equal(res.json().error.code, 'PAYLOAD_TOO_LARGE');
    });

    it('accepts a dataset over the sweep limit but answers 413 over the dataset limit', async () => {
      const ok = await app.inject({
        method: 'POST',
        url: '/datasets',
        headers: { ...auth, 'content-type': 'text/csv' },
        payload: 'x'.repeat(SWEEP_LIMIT + 10),
      });
      assert.equal(ok.statusCode, 201);
      const big = await app.inject({
        method: 'POST',
        url: '/datasets',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        payload: Buffer.alloc(DATASET_LIMIT + 1),
      });
      assert.equal(big.statusCode, 413);
      assert.equal(big.json().error.code, 'PAYLOAD_TOO_LARGE');
      assert.match(big.json().error.message, /more than the 4096-byte limit \(SWEEPQ_BODY_LIMIT_BYTES\)/);
      // A streamed body without a length is cut off at the limit as it arrives.
      const streamed = await app.inject({
        method: 'POST',
        url: '/datasets',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        payload: Readable.from([Buffer.alloc(3000), Buffer.alloc(3000)]),
      });
      assert.equal(streamed.statusCode, 413);
      assert.equal(streamed.json().error.code, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('errors', () => {
    it('answers unknown routes with 404 NOT_FOUND in the error shape', async () => {
      const res = await app.inject({ method: 'GET', headers: auth, url: '/nope' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'NOT_FOUND');
    });

    it('maps a SweepqError to its status with code, message, location and details', async () => {
      service.fail = new SweepqError('INVALID_SPEC', 'search.space[0].model: unknown model', {
        location: { path: 'search.space[0].model' },
        details: [{ k: 1 }],
      });
      const res = await app.inject({ method: 'POST', url: '/sweeps', headers: { ...auth, 'content-type': 'application/json' }, payload: SPEC_JSON });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json(), {
        error: { code: 'INVALID_SPEC', message: 'search.space[0].model: unknown model', location: { path: 'search.space[0].model' }, details: [{ k: 1 }] },
      });
    });

    it('answers 404 for a NOT_FOUND from the service', async () => {
      service.fail = new SweepqError('NOT_FOUND', `sweep ${SWEEP_ID} does not exist`);
      const res = await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}` });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.message, `sweep ${SWEEP_ID} does not exist`);
    });

    it('hides the message and cause of unknown errors behind 500 INTERNAL', async () => {
      service.fail = new Error('connect ECONNREFUSED redis://:hunter2@10.0.0.1:6379', { cause: new Error('hunter2') });
      const res = await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}` });
      assert.equal(res.statusCode, 500);
      assert.deepEqual(res.json(), { error: { code: 'INTERNAL', message: 'internal server error' } });
      assert.ok(!res.body.includes('hunter2'));
    });

    it('replaces the message of 5xx SweepqErrors by a generic one', async () => {
      service.fail = new SweepqError('INDEX_UNAVAILABLE', 'redis at redis://:hunter2@host is down');
      const res = await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}` });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().error.code, 'INDEX_UNAVAILABLE');
      assert.ok(!res.body.includes('hunter2'));
    });
  });

  describe('artefacts', () => {
    it('serves a trial artefact as a JSON attachment', async () => {
      const res = await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}/trials/${TRIAL_ID}/artifact` });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.equal(res.headers['content-disposition'], `attachment; filename="${TRIAL_ID}.json"`);
      assert.deepEqual(res.json(), { format: 'sweepq.pipeline', trialId: TRIAL_ID });
    });

    it("serves the best trial's artefact", async () => {
      const res = await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}/best/artifact?metric=f1_score` });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-sweepq-trial-id'], TRIAL_ID);
      assert.deepEqual(service.last('best'), [SWEEP_ID, 'f1_score']);
      assert.deepEqual(service.last('artifact'), [SWEEP_ID, TRIAL_ID]);
    });
  });

  describe('GET /openapi.json', () => {
    it('is an OpenAPI 3.1 document listing every route with its schemas', async () => {
      const res = await app.inject({ method: 'GET', headers: auth, url: '/openapi.json' });
      assert.equal(res.statusCode, 200);
      const doc = JSON.parse(res.body) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
      assert.equal(doc.openapi, '3.1.0');
      const expected: [string, string][] = [
        ['/datasets', 'post'],
        ['/sweeps', 'get'],
        ['/sweeps', 'post'],
        ['/sweeps/{id}', 'get'],
        ['/sweeps/{id}/trials', 'get'],
        ['/sweeps/{id}/trials', 'post'],
        ['/sweeps/{id}/best', 'get'],
        ['/sweeps/{id}/trials/{trialId}/artifact', 'get'],
        ['/sweeps/{id}/best/artifact', 'get'],
        ['/sweeps/{id}/cancel', 'post'],
        ['/sweeps/{id}/retry', 'post'],
        ['/experiments', 'get'],
        ['/experiments/{name}/trials', 'get'],
        ['/workers', 'get'],
        ['/healthz', 'get'],
        ['/auth/session', 'post'],
        ['/auth/session', 'get'],
        ['/auth/session', 'delete'],
        ['/auth/login-links', 'post'],
        ['/auth/login', 'get'],
      ];
      for (const [path, method] of expected) assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
      const record = doc.components.schemas.TrialRecord as { properties: Record<string, unknown> };
      assert.ok(record.properties.metrics && record.properties.params);
      assert.ok(!JSON.stringify(doc).includes('"$schema"'));
      assert.ok(doc.components.schemas.SweepSpec, 'the sweep spec accepted by POST /sweeps is described');
      const trials = JSON.stringify(doc.paths['/sweeps/{id}/trials']!.get);
      for (const name of ['filter', 'order_by', 'sort', 'status', 'limit', 'offset'])
        assert.ok(trials.includes(`"name":"${name}"`), `trials query parameter ${name}`);
    });
  });
});

describe('HttpSweepClient against the API', () => {
  let app: FastifyInstance;
  let service: MemoryClient;
  let client: HttpSweepClient;
  before(async () => {
    ({ app, service } = makeApp());
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    client = new HttpSweepClient({ baseUrl: address, token: TOKEN, timeoutMs: 5000 });
  });
  after(async () => {
    await app.close();
  });

  it('round-trips every SweepClient call', async () => {
    assert.deepEqual(await client.uploadDatasetStream(Readable.from([Buffer.from('a,b\n')]), 4096), { sha256: 'a'.repeat(64) });
    assert.equal((service.last('uploadDataset')![0] as Buffer).toString('utf8'), 'a,b\n');
    // A file is streamed as the request body: the server receives its bytes unchanged.
    const file = join(tmpdir(), `sweepq-upload-${process.pid}.csv`);
    const content = `a,b,target\n${'1,2,0\n'.repeat(100)}`;
    writeFileSync(file, content);
    try {
      assert.deepEqual(await client.uploadDatasetFile(file), { sha256: 'a'.repeat(64) });
      assert.equal((service.last('uploadDataset')![0] as Buffer).toString('utf8'), content);
    } finally {
      rmSync(file, { force: true });
    }
    assert.deepEqual(await client.submit(SPEC), { sweepId: SWEEP_ID, name: 'demo', total: 4 });
    assert.equal((await client.extend(SWEEP_ID, SPEC)).total, 2);
    assert.deepEqual(await client.listSweeps({ experiment: 'e1', limit: 5 }), [summary]);
    assert.deepEqual(service.last('listSweeps'), [{ experiment: 'e1', limit: 5 }]);
    assert.deepEqual(await client.status(SWEEP_ID), status);
    assert.equal((await client.trials(SWEEP_ID, { sort: 'accuracy', limit: 2 })).trials.length, 2);
    assert.equal((await client.best(SWEEP_ID)).id, TRIAL_ID);
    assert.deepEqual(JSON.parse((await client.artifact(SWEEP_ID, TRIAL_ID)).toString('utf8')), { format: 'sweepq.pipeline', trialId: TRIAL_ID });
    assert.equal((await client.cancel(SWEEP_ID)).state, 'cancelled');
    assert.deepEqual(await client.retry(SWEEP_ID), { requeued: 2 });
  });

  it('rethrows API errors as SweepqError with the same code and location', async () => {
    service.fail = new SweepqError('INVALID_SPEC', 'bad grid', { location: { path: 'search.grid' } });
    await assert.rejects(client.submit(SPEC), (error: unknown) => {
      assert.ok(error instanceof SweepqError);
      assert.equal(error.code, 'INVALID_SPEC');
      assert.equal(error.message, 'bad grid');
      assert.deepEqual(error.location, { path: 'search.grid' });
      return true;
    });
  });

  it('reports UNAUTHORIZED with a wrong token and TIMEOUT/INDEX_UNAVAILABLE for transport failures', async () => {
    const address = app.server.address();
    assert.ok(address !== null && typeof address === 'object');
    const wrong = new HttpSweepClient({ baseUrl: `http://127.0.0.1:${address.port}`, token: 'wrong-token-0123456789', timeoutMs: 5000 });
    await assert.rejects(wrong.cancel(SWEEP_ID), (error: unknown) => error instanceof SweepqError && error.code === 'UNAUTHORIZED');
    const closed = new HttpSweepClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 });
    await assert.rejects(closed.status(SWEEP_ID), (error: unknown) => error instanceof SweepqError && error.code === 'INDEX_UNAVAILABLE');
  });

  it('rejects a response that does not match the schema', async () => {
    const original = service.status.bind(service);
    service.status = async () => ({ ...status, counts: undefined }) as unknown as SweepStatus;
    try {
      await assert.rejects(client.status(SWEEP_ID), (error: unknown) => error instanceof SweepqError && error.code === 'INTERNAL');
    } finally {
      service.status = original;
    }
  });
});

describe('read cache', () => {
  it('answers repeated polls of a sweep from one service call, and a cancel refreshes it', async () => {
    const { app, service } = makeApp({ SWEEPQ_API_CACHE_MS: '60000' });
    const statusCalls = (): number => service.calls.filter((c) => c.method === 'status').length;
    const before = statusCalls();
    for (let i = 0; i < 5; i++) {
      const response = await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}` });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    }
    assert.equal(statusCalls() - before, 1, 'five polls, one service call');
    const cancelled = await app.inject({ method: 'POST', url: `/sweeps/${SWEEP_ID}/cancel`, headers: auth });
    assert.equal(cancelled.statusCode, 200);
    await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}` });
    assert.equal(statusCalls() - before, 2, 'the cancel dropped the cached status');
    await app.close();
  });

  it('never caches artefacts: every download reaches the service', async () => {
    const { app, service } = makeApp({ SWEEPQ_API_CACHE_MS: '60000' });
    for (let i = 0; i < 3; i++) {
      assert.equal((await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}/trials/${TRIAL_ID}/artifact` })).statusCode, 200);
      assert.equal((await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}/best/artifact` })).statusCode, 200);
    }
    assert.equal(service.calls.filter((c) => c.method === 'artifact').length, 6);
    await app.close();
  });

  it('bounds the cache in bytes: distinct filters beyond SWEEPQ_API_CACHE_MAX_BYTES are recomputed, the service stays correct', async () => {
    const { app, service } = makeApp({ SWEEPQ_API_CACHE_MS: '60000', SWEEPQ_API_CACHE_MAX_BYTES: '4096' });
    const trialsCalls = (): number => service.calls.filter((c) => c.method === 'trials').length;
    // Each answer is ~1.5 KB: two fit. Poll filter 0 again after 5 others: it was evicted.
    for (let i = 0; i < 6; i++)
      await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}/trials?filter=${encodeURIComponent(`params.C > ${i}`)}` });
    const before = trialsCalls();
    await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}/trials?filter=${encodeURIComponent('params.C > 5')}` });
    assert.equal(trialsCalls(), before, 'the most recent entry is cached');
    await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}/trials?filter=${encodeURIComponent('params.C > 0')}` });
    assert.equal(trialsCalls(), before + 1, 'the oldest entry was evicted');
    await app.close();
  });

  it('does not cache errors', async () => {
    const { app, service } = makeApp({ SWEEPQ_API_CACHE_MS: '60000' });
    service.fail = new SweepqError('NOT_FOUND', `sweep ${SWEEP_ID} does not exist`);
    assert.equal((await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}` })).statusCode, 404);
    service.fail = undefined;
    assert.equal((await app.inject({ method: 'GET', headers: auth, url: `/sweeps/${SWEEP_ID}` })).statusCode, 200, 'the next poll asks again');
    await app.close();
  });
});
