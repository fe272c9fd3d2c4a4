/**
 * Security of the scheduler API and of what sweepq prints, against real scheduler and worker
 * processes (own MinIO with random credentials, the shared Redis):
 * - bearer-token auth on every mutating route, one 401 body whatever was wrong with the header;
 *   a read token that reads and gets 403 on writes; anonymous reads only from loopback to a
 *   loopback-bound scheduler, never of artefacts, none with SWEEPQ_REQUIRE_AUTH_FOR_READS; a
 *   generated 0600 token when none is configured;
 * - DNS rebinding: a Host header that is not this server's is refused (421) before any route;
 * - browser sessions: a cookie for the token's role, CSRF checks on cookie mutations;
 * - per-client rate limits (429 with Retry-After), /healthz exempt;
 * - ids shaped like traversals or with `:` / `/` refused with 400 before any store access (the store
 *   is down when they are sent, and they still answer 400 at once);
 * - no secret (S3 access and secret key, API token — configured or generated) in any log line at
 *   debug level, any start-up or config error, or any API response, after a sweep has run to
 *   completion and every error path has been hit.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { findFreePort } from '../../shared/runtime/free-port.js';
import { runCli, startSchedulerProcess, startWorkerProcess, type CliResult, type ServiceProcess } from '../support/processes.js';
import { startMinioServer, testEnv, uniquePrefix, type TestMinioServer } from '../support/servers.js';

const UNAUTHORIZED = { error: { code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' } };

/** One HTTP/1.1 request with exactly these headers (fetch sets its own Host). */
function rawHttp(port: number, method: string, route: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: route, headers, setHost: headers.host === undefined }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const SWEEP_ID = 's-abc123def456';

/** A small sweep that finishes in seconds on one worker. */
const GOOD_SWEEP = `name: security_check
seed: 0
dataset:
  make_classification: {n_samples: 120, n_features: 5, n_informative: 3, n_redundant: 0, random_state: 3}
split: {test_size: 0.25, random_state: 0}
cv: {folds: 2}
objective: {metric: accuracy}
trials:
  - {model: logistic_regression, params: {C: 1.0, max_iter: 200}}
  - {model: decision_tree, params: {max_depth: 3}}
`;

/** Everything a process printed, from its first line (the helpers keep only a tail). */
interface Captured {
  label: string;
  text: () => string;
}

function capture(label: string, proc: ServiceProcess): Captured {
  // startSchedulerProcess resolves once /healthz answers; its buffer holds the start-up lines by then
  // (far fewer than the 200 it keeps), and no stream event can run before this synchronous hook-up.
  const chunks: string[] = [proc.output.join('\n'), '\n'];
  proc.child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  proc.child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { label, text: () => chunks.join('') };
}

/** Resolves when `proc` exits (start-up failures), or after `timeoutMs` with null. */
async function exitOf(proc: ServiceProcess, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('security of the scheduler API and of what sweepq prints', () => {
  let minio: TestMinioServer;
  let redisUrl: string;
  let prefix: string;
  let bucket: string;
  let stateDir: string;
  let baseEnv: Record<string, string>;
  const token = `tok-${randomBytes(20).toString('hex')}`;
  const readToken = `read-${randomBytes(20).toString('hex')}`;
  let generatedToken = '';
  /** Secrets that must never be printed, with names for the failure message. */
  const secrets = new Map<string, string>();
  /** Every process's output and every API/CLI answer, scanned for secrets at the end. */
  const outputs: Captured[] = [];
  const answers: { what: string; text: string }[] = [];
  const processes: ServiceProcess[] = [];

  let scheduler: ServiceProcess; // token, reads open, debug logs
  let readsScheduler: ServiceProcess; // token, SWEEPQ_REQUIRE_AUTH_FOR_READS=true
  let tokenlessScheduler: ServiceProcess; // no SWEEPQ_API_TOKEN: generates one
  let limitedScheduler: ServiceProcess; // tight rate limits
  let apiUrl: string;
  let limitedUrl: string;
  let readsUrl: string;
  let tokenlessUrl: string;
  let tokenlessStateDir: string;
  let sweepId = '';
  let trialId = '';

  before(async () => {
    const shared = testEnv();
    if (!shared.redisUrl) throw new Error('TEST_REDIS_URL is not set: run tests through `npm test` (scripts/run-tests.mjs)');
    redisUrl = shared.redisUrl;
    // Our own MinIO: random credentials nobody else prints, and we may stop it to provoke store errors.
    minio = await startMinioServer();
    prefix = uniquePrefix('security');
    bucket = prefix;
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-security-'));
    tokenlessStateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-security-tokenless-'));
    secrets.set('S3 secret key', minio.secretKey);
    secrets.set('S3 access key', minio.accessKey);
    secrets.set('API token', token);
    secrets.set('API read token', readToken);
    baseEnv = {
      REDIS_URL: redisUrl,
      SWEEPQ_PREFIX: prefix,
      SWEEPQ_QUEUE_NAME: prefix,
      SWEEPQ_STATE_DIR: stateDir,
      S3_ENDPOINT: minio.endpoint,
      S3_ACCESS_KEY: minio.accessKey,
      S3_SECRET_KEY: minio.secretKey,
      S3_BUCKET: bucket,
      // Store calls give up quickly once MinIO is stopped (the outage part of the test).
      SWEEPQ_STORE_DEADLINE_MS: '1500',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'production',
    };

    const [port, readsPort, tokenlessPort, limitedPort] = [await findFreePort(), await findFreePort(), await findFreePort(), await findFreePort()];
    apiUrl = `http://127.0.0.1:${port}`;
    readsUrl = `http://127.0.0.1:${readsPort}`;
    tokenlessUrl = `http://127.0.0.1:${tokenlessPort}`;
    limitedUrl = `http://127.0.0.1:${limitedPort}`;
    scheduler = await startSchedulerProcess({ ...baseEnv, SWEEPQ_API_TOKEN: token, SWEEPQ_API_READ_TOKEN: readToken }, port);
    processes.push(scheduler);
    outputs.push(capture('scheduler', scheduler));
    readsScheduler = await startSchedulerProcess({ ...baseEnv, SWEEPQ_API_TOKEN: token, SWEEPQ_REQUIRE_AUTH_FOR_READS: 'true' }, readsPort);
    processes.push(readsScheduler);
    outputs.push(capture('scheduler (auth for reads)', readsScheduler));
    tokenlessScheduler = await startSchedulerProcess({ ...baseEnv, SWEEPQ_STATE_DIR: tokenlessStateDir }, tokenlessPort);
    processes.push(tokenlessScheduler);
    outputs.push(capture('scheduler (generated token)', tokenlessScheduler));
    limitedScheduler = await startSchedulerProcess(
      { ...baseEnv, SWEEPQ_API_TOKEN: token, SWEEPQ_RATE_LIMIT_READS: '5', SWEEPQ_RATE_LIMIT_WRITES: '2' },
      limitedPort,
    );
    processes.push(limitedScheduler);
    outputs.push(capture('scheduler (rate limits)', limitedScheduler));
    generatedToken = (await readFile(path.join(tokenlessStateDir, 'api-token'), 'utf8')).trim();
    secrets.set('generated API token', generatedToken);
    const worker = startWorkerProcess(baseEnv);
    processes.push(worker);
    outputs.push(capture('worker', worker));
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await minio?.stop();
    if (redisUrl !== undefined && prefix !== undefined) {
      const redis = new Redis(redisUrl);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    }
    if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
    if (tokenlessStateDir !== undefined) await rm(tokenlessStateDir, { recursive: true, force: true });
  });

  /** fetch that records the answer for the final secret scan. */
  async function call(
    base: string,
    method: string,
    route: string,
    options: { authorization?: string; body?: string | Uint8Array<ArrayBuffer>; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; text: string; headers: Headers }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    const response = await fetch(`${base}${route}`, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
    const text = await response.text();
    answers.push({ what: `${method} ${route} → ${response.status}`, text: `${JSON.stringify([...response.headers])}\n${text}` });
    return { status: response.status, text, headers: response.headers };
  }

  async function cli(args: string[], env: Record<string, string>): Promise<CliResult> {
    const result = await runCli(args, env);
    answers.push({ what: `sweepq ${args.join(' ')} (exit ${result.code})`, text: `${result.stdout}\n${result.stderr}` });
    return result;
  }

  const MUTATING: { route: string; body?: string; contentType?: string }[] = [
    { route: '/datasets', body: 'a,target\n1,0\n2,1\n', contentType: 'text/csv' },
    { route: '/sweeps', body: '{"name":"x"}', contentType: 'application/json' },
    { route: `/sweeps/${SWEEP_ID}/trials`, body: '{"name":"x"}', contentType: 'application/json' },
    { route: `/sweeps/${SWEEP_ID}/cancel` },
    { route: `/sweeps/${SWEEP_ID}/retry` },
  ];

  describe('authentication', () => {
    const badHeaders: { label: string; value: () => string | undefined }[] = [
      { label: 'no Authorization header', value: () => undefined },
      { label: 'a wrong token of the same length', value: () => `Bearer ${'x'.repeat(token.length)}` },
      { label: 'the token with its last character changed', value: () => `Bearer ${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}` },
      { label: 'a shorter token (a prefix of the real one)', value: () => `Bearer ${token.slice(0, 8)}` },
      { label: 'a longer token (the real one plus a suffix)', value: () => `Bearer ${token}x` },
      { label: 'an empty bearer', value: () => 'Bearer ' },
      { label: 'the token without the Bearer scheme', value: () => token },
      { label: 'Basic credentials', value: () => `Basic ${Buffer.from(`user:${token}`).toString('base64')}` },
    ];

    for (const { route, body, contentType } of MUTATING) {
      it(`POST ${route} answers one identical 401 for every bad credential`, async () => {
        for (const bad of badHeaders) {
          const header = bad.value();
          const answer = await call(apiUrl, 'POST', route, {
            ...(header === undefined ? {} : { authorization: header }),
            ...(body === undefined ? {} : { body, contentType: contentType! }),
          });
          assert.equal(answer.status, 401, `${bad.label}: ${answer.text}`);
          assert.deepEqual(JSON.parse(answer.text), UNAUTHORIZED, bad.label);
          assert.equal(answer.headers.get('www-authenticate'), 'Bearer', bad.label);
        }
      });
    }

    it('lets the right token through on every mutating route', async () => {
      for (const { route, body, contentType } of MUTATING) {
        const answer = await call(apiUrl, 'POST', route, {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { body, contentType: contentType! }),
        });
        assert.notEqual(answer.status, 401, `POST ${route}: ${answer.text}`);
        assert.ok(answer.status < 500, `POST ${route}: ${answer.status} ${answer.text}`);
      }
    });

    it('refuses an unauthenticated upload before reading its body (401, not 413)', async () => {
      const answer = await call(apiUrl, 'POST', '/datasets', { body: new Uint8Array(60 * 1024 * 1024), contentType: 'application/octet-stream' });
      assert.equal(answer.status, 401);
      assert.deepEqual(JSON.parse(answer.text), UNAUTHORIZED);
    });

    it('serves status reads without a token only to loopback on a loopback-bound scheduler, never artefacts', async () => {
      // fetch sends Host 127.0.0.1:<port>: a loopback name with the server's port.
      assert.equal((await call(apiUrl, 'GET', '/sweeps')).status, 200);
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${SWEEP_ID}`)).status, 404);
      assert.equal((await call(apiUrl, 'GET', '/openapi.json')).status, 200);
      for (const route of [`/sweeps/${SWEEP_ID}/best/artifact`, `/sweeps/${SWEEP_ID}/trials/${SWEEP_ID}-t0/artifact`]) {
        const anonymous = await call(apiUrl, 'GET', route);
        assert.equal(anonymous.status, 401, `GET ${route} without a token: ${anonymous.text}`);
        assert.deepEqual(JSON.parse(anonymous.text), UNAUTHORIZED);
        assert.equal((await call(apiUrl, 'GET', route, { authorization: `Bearer ${readToken}` })).status, 404, `GET ${route} with the read token`);
      }
    });

    it('lets the read token read and answers 403 FORBIDDEN on every mutating route', async () => {
      assert.equal((await call(apiUrl, 'GET', '/sweeps', { authorization: `Bearer ${readToken}` })).status, 200);
      for (const { route, body, contentType } of MUTATING) {
        const answer = await call(apiUrl, 'POST', route, {
          authorization: `Bearer ${readToken}`,
          ...(body === undefined ? {} : { body, contentType: contentType! }),
        });
        assert.equal(answer.status, 403, `POST ${route}: ${answer.text}`);
        assert.equal((JSON.parse(answer.text) as { error: { code: string } }).error.code, 'FORBIDDEN');
      }
      const cliEnv = { SWEEPQ_API_URL: apiUrl, SWEEPQ_API_READ_TOKEN: readToken, SWEEPQ_STATE_DIR: stateDir };
      const listed = await cli(['sweeps', '--json'], cliEnv);
      assert.equal(listed.code, 0, listed.stderr);
      const cancelled = await cli(['cancel', SWEEP_ID], cliEnv);
      assert.equal(cancelled.code, 1);
      assert.match(cancelled.stderr, /read role/);
    });

    it('refuses a DNS-rebinding Host header with 421 before any route, token or not; /healthz still answers', async () => {
      const port = Number(new URL(apiUrl).port);
      for (const host of [`attacker.example:${port}`, `localhost.attacker.example:${port}`, `127.0.0.1.nip.io:${port}`]) {
        for (const [method, route, authorization] of [
          ['GET', '/sweeps', undefined],
          ['GET', '/sweeps', token],
          ['POST', `/sweeps/${SWEEP_ID}/cancel`, token],
        ] as const) {
          const answer = await rawHttp(port, method, route, { host, ...(authorization === undefined ? {} : { authorization: `Bearer ${authorization}` }) });
          answers.push({ what: `${method} ${route} Host ${host} → ${answer.status}`, text: answer.body });
          assert.equal(answer.status, 421, `${method} ${route} with Host ${host}: ${answer.body}`);
          assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'INVALID_HOST');
        }
      }
      assert.equal((await rawHttp(port, 'GET', '/healthz', { host: '10.9.8.7:8080' })).status, 200);
    });

    it('opens a browser session for a token and checks Origin and CSRF on cookie mutations; no session secret is logged', async () => {
      const opened = await call(apiUrl, 'POST', '/auth/session', { authorization: `Bearer ${token}` });
      assert.equal(opened.status, 201, opened.text);
      const setCookies = opened.headers.getSetCookie();
      const session = setCookies.find((c) => c.startsWith('sweepq_session='))!;
      const csrfCookie = setCookies.find((c) => c.startsWith('sweepq_csrf='))!;
      assert.match(session, /HttpOnly/);
      assert.match(session, /SameSite=Strict/);
      const sessionValue = session.split(';')[0]!.slice('sweepq_session='.length);
      const csrf = csrfCookie.split(';')[0]!.slice('sweepq_csrf='.length);
      const cookie = `sweepq_session=${sessionValue}; sweepq_csrf=${csrf}`;
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${SWEEP_ID}/best/artifact`, { headers: { cookie } })).status, 404, 'the session reads artefacts');
      const forged = await call(apiUrl, 'POST', `/sweeps/${SWEEP_ID}/cancel`, { headers: { cookie, origin: 'http://attacker.example', 'x-csrf-token': csrf } });
      assert.equal(forged.status, 403, forged.text);
      const noToken = await call(apiUrl, 'POST', `/sweeps/${SWEEP_ID}/cancel`, { headers: { cookie, origin: apiUrl } });
      assert.equal(noToken.status, 403, noToken.text);
      const good = await call(apiUrl, 'POST', `/sweeps/${SWEEP_ID}/cancel`, { headers: { cookie, origin: apiUrl, 'x-csrf-token': csrf } });
      assert.equal(good.status, 404, `past auth and CSRF to the service: ${good.text}`);
      const link = await call(apiUrl, 'POST', '/auth/login-links', { authorization: `Bearer ${readToken}`, body: '{}', contentType: 'application/json' });
      assert.equal(link.status, 201, link.text);
      const url = (JSON.parse(link.text) as { url: string }).url;
      assert.ok(url.startsWith(`${apiUrl}/auth/login?ticket=`), url);
      const redeemed = await fetch(url, { redirect: 'manual' });
      assert.equal(redeemed.status, 303);
      assert.equal(redeemed.headers.get('location'), '/ui/');
      assert.equal((await fetch(url, { redirect: 'manual' })).status, 401, 'single use');
      for (const output of outputs) {
        for (const value of [sessionValue.split('.')[0]!, csrf, new URL(url).searchParams.get('ticket')!]) {
          assert.ok(!output.text().includes(value), `a session secret appears in the output of ${output.label}`);
        }
      }
    });

    it('answers 429 RATE_LIMITED with Retry-After past a client budget, keeps /healthz exempt', async () => {
      const statuses: number[] = [];
      let limited: { status: number; text: string; headers: Headers } | undefined;
      for (let i = 0; i < 7; i++) {
        const answer = await call(limitedUrl, 'GET', '/sweeps', { authorization: `Bearer ${token}` });
        statuses.push(answer.status);
        if (answer.status === 429) limited = answer;
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      assert.equal((JSON.parse(limited!.text) as { error: { code: string } }).error.code, 'RATE_LIMITED');
      assert.ok(Number(limited!.headers.get('retry-after')) > 0);
      for (let i = 0; i < 10; i++) assert.equal((await call(limitedUrl, 'GET', '/healthz')).status, 200);
      // Writes have their own budget; wrong tokens spend the budget of the address that sends them.
      assert.equal((await call(limitedUrl, 'POST', `/sweeps/${SWEEP_ID}/cancel`, { authorization: `Bearer ${token}` })).status, 404);
      const cli429 = await cli(['sweeps'], { SWEEPQ_API_URL: limitedUrl, SWEEPQ_API_TOKEN: token, SWEEPQ_STATE_DIR: stateDir });
      assert.equal(cli429.code, 1);
      assert.match(cli429.stderr, /too many read requests/);
    });

    it('requires the token for every read when SWEEPQ_REQUIRE_AUTH_FOR_READS=true, except /healthz', async () => {
      const reads = [
        '/sweeps',
        `/sweeps/${SWEEP_ID}`,
        `/sweeps/${SWEEP_ID}/trials`,
        `/sweeps/${SWEEP_ID}/best`,
        `/sweeps/${SWEEP_ID}/best/artifact`,
        `/sweeps/${SWEEP_ID}/trials/${SWEEP_ID}-t0/artifact`,
        '/openapi.json',
      ];
      for (const route of reads) {
        for (const header of [undefined, `Bearer ${'y'.repeat(token.length)}`, 'Bearer short']) {
          const answer = await call(readsUrl, 'GET', route, header === undefined ? {} : { authorization: header });
          assert.equal(answer.status, 401, `GET ${route} with ${header ?? 'no header'}: ${answer.text}`);
          assert.deepEqual(JSON.parse(answer.text), UNAUTHORIZED);
        }
        const allowed = await call(readsUrl, 'GET', route, { authorization: `Bearer ${token}` });
        assert.notEqual(allowed.status, 401, `GET ${route} with the token`);
      }
      for (const { route, body, contentType } of MUTATING) {
        const answer = await call(readsUrl, 'POST', route, body === undefined ? {} : { body, contentType: contentType! });
        assert.equal(answer.status, 401, `POST ${route}`);
      }
      assert.equal((await call(readsUrl, 'GET', '/healthz')).status, 200);
    });

    it('generates a 0600 token file when SWEEPQ_API_TOKEN is unset, requires it, and the CLI picks it up', async () => {
      const info = await stat(path.join(tokenlessStateDir, 'api-token'));
      assert.equal(info.mode & 0o777, 0o600);
      assert.match(generatedToken, /^[0-9a-f]{64}$/);
      for (const { route, body, contentType } of MUTATING) {
        const answer = await call(tokenlessUrl, 'POST', route, body === undefined ? {} : { body, contentType: contentType! });
        assert.equal(answer.status, 401, `POST ${route}: ${answer.text}`);
        assert.deepEqual(JSON.parse(answer.text), UNAUTHORIZED);
      }
      const wrong = await call(tokenlessUrl, 'POST', '/sweeps', { authorization: `Bearer ${token}`, body: '{}', contentType: 'application/json' });
      assert.equal(wrong.status, 401, 'a token of another scheduler is not accepted');
      const cliEnv = { SWEEPQ_API_URL: tokenlessUrl, SWEEPQ_STATE_DIR: tokenlessStateDir };
      const listed = await cli(['sweeps', '--json'], cliEnv);
      assert.equal(listed.code, 0, listed.stderr);
      // A mutating command: cancelling an unknown sweep gets past auth to a 404 (exit 2, NOT_FOUND).
      const cancelled = await cli(['cancel', SWEEP_ID], cliEnv);
      assert.equal(cancelled.code, 2);
      assert.match(cancelled.stderr, /does not exist/);
      // Without the state folder the CLI has no token and is refused.
      const otherDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-security-other-'));
      try {
        const refused = await cli(['cancel', SWEEP_ID], { SWEEPQ_API_URL: tokenlessUrl, SWEEPQ_STATE_DIR: otherDir });
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /missing or invalid bearer token/);
      } finally {
        await rm(otherDir, { recursive: true, force: true });
      }
    });
  });

  describe('a sweep run and the error paths, logged at debug level', () => {
    it('runs a sweep to completion through the CLI and serves its artefact', async () => {
      const file = path.join(stateDir, 'good.yaml');
      await writeFile(file, GOOD_SWEEP);
      const cliEnv = { SWEEPQ_API_URL: apiUrl, SWEEPQ_API_TOKEN: token, SWEEPQ_STATE_DIR: stateDir, LOG_LEVEL: 'debug' };
      const submitted = await cli(['submit', file], cliEnv);
      assert.equal(submitted.code, 0, submitted.stderr);
      sweepId = submitted.stdout.trim();
      const deadline = Date.now() + 60_000;
      for (;;) {
        const status = JSON.parse((await call(apiUrl, 'GET', `/sweeps/${sweepId}`)).text) as { state: string };
        if (status.state === 'completed') break;
        assert.ok(Date.now() < deadline, `sweep did not finish: ${JSON.stringify(status)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const trials = JSON.parse((await call(apiUrl, 'GET', `/sweeps/${sweepId}/trials`)).text) as { trials: { id: string; status: string }[] };
      assert.deepEqual(
        trials.trials.map((t) => t.status),
        ['completed', 'completed'],
      );
      trialId = trials.trials[0]!.id;
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${sweepId}/trials/${trialId}/artifact`)).status, 401, 'artefacts always need a token');
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${sweepId}/trials/${trialId}/artifact`, { authorization: `Bearer ${readToken}` })).status, 200);
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${sweepId}/best/artifact`, { authorization: `Bearer ${token}` })).status, 200);
      for (const args of [['status', sweepId], ['trials', sweepId], ['best', sweepId], ['sweeps']]) {
        const result = await cli(args, cliEnv);
        assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      }
    });

    it('answers the error paths: bad token, bad spec, unknown sweep, unknown route, bad query', async () => {
      const auth = { authorization: `Bearer ${token}` };
      assert.equal((await call(apiUrl, 'POST', '/sweeps', { authorization: 'Bearer nope', body: GOOD_SWEEP, contentType: 'application/yaml' })).status, 401);
      assert.equal((await call(apiUrl, 'POST', '/sweeps', { ...auth, body: 'name: [', contentType: 'application/yaml' })).status, 400);
      assert.equal((await call(apiUrl, 'POST', '/sweeps', { ...auth, body: '{"name":', contentType: 'application/json' })).status, 400);
      assert.equal((await call(apiUrl, 'POST', '/sweeps', { ...auth, body: '{"__proto__":{"x":1}}', contentType: 'application/json' })).status, 400);
      const plain = await call(apiUrl, 'POST', '/sweeps', { ...auth, body: 'a,b', contentType: 'text/plain' });
      assert.ok(plain.status >= 400 && plain.status < 500, plain.text);
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${SWEEP_ID}`)).status, 404);
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${sweepId}/trials?sort=bogus`)).status, 400);
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${sweepId}/best?metric=nope`)).status, 400);
      assert.equal((await call(apiUrl, 'GET', '/no/such/route')).status, 404);
      assert.equal((await call(apiUrl, 'POST', `/sweeps/${SWEEP_ID}/cancel`, auth)).status, 404);
      const cliEnv = { SWEEPQ_API_URL: apiUrl, SWEEPQ_API_TOKEN: token, SWEEPQ_STATE_DIR: stateDir, LOG_LEVEL: 'debug' };
      const badFile = await cli(['submit', 'test/fixtures/bad/trial-unknown-model.yaml'], cliEnv);
      assert.equal(badFile.code, 2);
      const wrongToken = await cli(['cancel', sweepId], { ...cliEnv, SWEEPQ_API_TOKEN: 'w'.repeat(token.length) });
      assert.notEqual(wrongToken.code, 0);
      assert.match(wrongToken.stderr, /missing or invalid bearer token/);
    });

    it('refuses traversal trial ids and ids with ":" or "/" with 400 before touching the store (MinIO is down)', async () => {
      await minio.kill('SIGKILL');
      // The store really is down: a valid artefact request fails as STORE_UNAVAILABLE (generic 503).
      const auth = { authorization: `Bearer ${token}` };
      const valid = await call(apiUrl, 'GET', `/sweeps/${sweepId}/trials/${trialId}/artifact`, auth);
      assert.equal(valid.status, 503, valid.text);
      assert.deepEqual(JSON.parse(valid.text), { error: { code: 'STORE_UNAVAILABLE', message: 'the object store is unavailable; try again later' } });
      const crafted = [
        `/sweeps/${sweepId}/trials/${encodeURIComponent(`${sweepId}-t0/../../../etc/passwd`)}/artifact`,
        `/sweeps/${sweepId}/trials/${encodeURIComponent('../../datasets/x')}/artifact`,
        `/sweeps/${sweepId}/trials/${encodeURIComponent(`${sweepId}-t..`)}/artifact`,
        `/sweeps/${sweepId}/trials/${encodeURIComponent(`${sweepId}-t0:1`)}/artifact`,
        `/sweeps/${sweepId}/trials/${encodeURIComponent(`${sweepId}-t-1`)}/artifact`,
        `/sweeps/${encodeURIComponent(`${sweepId}:x`)}/trials/${trialId}/artifact`,
        `/sweeps/${encodeURIComponent(`${sweepId}/..`)}/best/artifact`,
        `/sweeps/${encodeURIComponent('s-a:b')}/best/artifact`,
        `/sweeps/${encodeURIComponent('s-a/b')}/trials`,
        `/sweeps/${encodeURIComponent('...')}/trials/${encodeURIComponent('..%2f..')}/artifact`,
        // A valid id of another sweep: not a trial of this one.
        `/sweeps/${sweepId}/trials/${SWEEP_ID}-t0/artifact`,
      ];
      for (const route of crafted) {
        const started = Date.now();
        const answer = await call(apiUrl, 'GET', route, auth);
        const elapsed = Date.now() - started;
        assert.equal(answer.status, 400, `GET ${route}: ${answer.text}`);
        const body = JSON.parse(answer.text) as { error: { code: string } };
        assert.equal(body.error.code, 'INVALID_ARGUMENT', route);
        // Store calls retry for SWEEPQ_STORE_DEADLINE_MS (1.5 s) before failing; these never start one.
        assert.ok(elapsed < 1000, `GET ${route} took ${elapsed} ms (did it try the store?)`);
      }
      const datasetTraversal = await call(apiUrl, 'POST', '/sweeps', {
        authorization: `Bearer ${token}`,
        body: JSON.stringify({ name: 'x', dataset: { csv: { sha256: '../../etc/passwd' } }, trials: [{ model: 'logistic_regression', params: {} }] }),
        contentType: 'application/json',
      });
      assert.equal(datasetTraversal.status, 400, datasetTraversal.text);
      assert.match(datasetTraversal.text, /not a SHA-256/);
    });

    it('prints no secret when a scheduler or worker starts with a wrong S3 secret key', async () => {
      await minio.restart();
      const wrongSecret = `wrong-${randomBytes(16).toString('hex')}`;
      const wrongAccess = `wrongak${randomBytes(8).toString('hex')}`;
      secrets.set('wrong S3 secret key', wrongSecret);
      secrets.set('wrong S3 access key', wrongAccess);
      const cases: { label: string; env: Record<string, string> }[] = [
        { label: 'scheduler, wrong secret key', env: { ...baseEnv, S3_SECRET_KEY: wrongSecret, SWEEPQ_API_TOKEN: token } },
        { label: 'scheduler, wrong access key', env: { ...baseEnv, S3_ACCESS_KEY: wrongAccess, SWEEPQ_API_TOKEN: token } },
      ];
      for (const { label, env } of cases) {
        const port = await findFreePort();
        await assert.rejects(startSchedulerProcess(env, port), (error: Error) => {
          outputs.push({ label, text: () => error.message });
          // The start-up error names the failing store call and S3's reason, not the credentials.
          return (
            /scheduler did not start/.test(error.message) &&
            /Object store ensureReady .* failed .*(AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch)/.test(error.message)
          );
        });
      }
      const worker = startWorkerProcess({ ...baseEnv, S3_SECRET_KEY: wrongSecret });
      processes.push(worker);
      const captured = capture('worker, wrong secret key', worker);
      outputs.push(captured);
      const code = await exitOf(worker, 30_000);
      assert.equal(code, 1, `the worker should refuse to start:\n${captured.text()}`);
      assert.match(captured.text(), /AccessDenied|SignatureDoesNotMatch|credentials/i, 'the start-up error says what is wrong');
    });

    it('prints no secret in a configuration error (invalid PORT with S3 keys set, invalid secrets)', async () => {
      const cases: { label: string; env: Record<string, string> }[] = [
        { label: 'config: bad PORT', env: { ...baseEnv, PORT: 'not-a-port', SWEEPQ_API_TOKEN: token } },
        // Invalid values of the secrets themselves: the variable is named, the value never shown.
        { label: 'config: short token', env: { ...baseEnv, SWEEPQ_API_TOKEN: token.slice(0, 15), PORT: 'x' } },
        { label: 'config: short secret key', env: { ...baseEnv, S3_SECRET_KEY: minio.secretKey.slice(0, 7), SWEEPQ_API_TOKEN: token, PORT: 'x' } },
      ];
      secrets.set('invalid (short) token', token.slice(0, 15));
      secrets.set('invalid (short) secret key', minio.secretKey.slice(0, 7));
      for (const { label, env } of cases) {
        // The scheduler's entry point with PORT as given (startSchedulerProcess would set its own).
        const result = await new Promise<CliResult>((resolve) => {
          execFile(
            process.execPath,
            [path.resolve('dist/services/scheduler/main.js')],
            { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
            (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
          );
        });
        outputs.push({ label, text: () => `${result.stdout}\n${result.stderr}` });
        assert.equal(result.code, 1, `${label}: ${result.stderr}`);
        assert.match(result.stderr, /Invalid environment/, label);
        assert.match(result.stderr, /PORT/, label);
      }
      // The CLI reads the same configuration.
      const cliResult = await cli(['sweeps'], { ...baseEnv, SWEEPQ_API_TOKEN: token, PORT: 'nope', SWEEPQ_MAX_TRIALS: 'many' });
      assert.equal(cliResult.code, 2, cliResult.stderr);
      assert.match(cliResult.stderr, /Invalid environment/);
    });

    it('no secret appears in any log line, start-up or config error, CLI output or API response', () => {
      // Stop nothing first: the running processes' output is read as it is now.
      const hits: string[] = [];
      const sources = [...outputs.map((o) => ({ what: o.label, text: o.text() })), ...answers];
      for (const source of sources) {
        for (const [name, value] of secrets) {
          if (value.length >= 6 && source.text.includes(value)) hits.push(`${name} in ${source.what}`);
        }
      }
      assert.deepEqual(hits, []);
      // The scan is not vacuous: it holds the failed start-ups and the config errors it is about.
      assert.ok(sources.some((source) => /Invalid environment/.test(source.text)));
      assert.ok(sources.some((source) => /Object store ensureReady/.test(source.text)));
      // The scan saw real traffic: debug logs of the scheduler and the worker, and many answers.
      const schedulerLog = outputs.find((o) => o.label === 'scheduler')!.text();
      // (The API does not log every request — disableRequestLogging — but it logs rejected ones.)
      assert.match(schedulerLog, /"level":30/);
      assert.match(schedulerLog, /request rejected/);
      assert.match(outputs.find((o) => o.label === 'worker')!.text(), /"level":/);
      assert.ok(answers.length > 100, `only ${answers.length} answers scanned`);
    });
  });
});
