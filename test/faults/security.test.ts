/**
 * Security of the scheduler API and of what sweepq prints, against real scheduler and worker
 * processes (own MinIO with random credentials, the shared Redis):
 * - bearer-token auth on every mutating route, one 401 body whatever was wrong with the header;
 *   reads open unless SWEEPQ_REQUIRE_AUTH_FOR_READS; a generated 0600 token when none is configured;
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
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { findFreePort } from '../../shared/runtime/free-port.js';
import { runCli, startSchedulerProcess, startWorkerProcess, type CliResult, type ServiceProcess } from '../support/processes.js';
import { startMinioServer, testEnv, uniquePrefix, type TestMinioServer } from '../support/servers.js';

const UNAUTHORIZED = { error: { code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' } };
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
  let apiUrl: string;
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

    const [port, readsPort, tokenlessPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    apiUrl = `http://127.0.0.1:${port}`;
    readsUrl = `http://127.0.0.1:${readsPort}`;
    tokenlessUrl = `http://127.0.0.1:${tokenlessPort}`;
    scheduler = await startSchedulerProcess({ ...baseEnv, SWEEPQ_API_TOKEN: token }, port);
    processes.push(scheduler);
    outputs.push(capture('scheduler', scheduler));
    readsScheduler = await startSchedulerProcess({ ...baseEnv, SWEEPQ_API_TOKEN: token, SWEEPQ_REQUIRE_AUTH_FOR_READS: 'true' }, readsPort);
    processes.push(readsScheduler);
    outputs.push(capture('scheduler (auth for reads)', readsScheduler));
    tokenlessScheduler = await startSchedulerProcess({ ...baseEnv, SWEEPQ_STATE_DIR: tokenlessStateDir }, tokenlessPort);
    processes.push(tokenlessScheduler);
    outputs.push(capture('scheduler (generated token)', tokenlessScheduler));
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
  async function call(base: string, method: string, route: string, options: { authorization?: string; body?: string | Uint8Array<ArrayBuffer>; contentType?: string } = {}): Promise<{ status: number; text: string; headers: Headers }> {
    const headers: Record<string, string> = {};
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
          const answer = await call(apiUrl, 'POST', route, { ...(header === undefined ? {} : { authorization: header }), ...(body === undefined ? {} : { body, contentType: contentType! }) });
          assert.equal(answer.status, 401, `${bad.label}: ${answer.text}`);
          assert.deepEqual(JSON.parse(answer.text), UNAUTHORIZED, bad.label);
          assert.equal(answer.headers.get('www-authenticate'), 'Bearer', bad.label);
        }
      });
    }

    it('lets the right token through on every mutating route', async () => {
      for (const { route, body, contentType } of MUTATING) {
        const answer = await call(apiUrl, 'POST', route, { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { body, contentType: contentType! }) });
        assert.notEqual(answer.status, 401, `POST ${route}: ${answer.text}`);
        assert.ok(answer.status < 500, `POST ${route}: ${answer.status} ${answer.text}`);
      }
    });

    it('refuses an unauthenticated upload before reading its body (401, not 413)', async () => {
      const answer = await call(apiUrl, 'POST', '/datasets', { body: new Uint8Array(60 * 1024 * 1024), contentType: 'application/octet-stream' });
      assert.equal(answer.status, 401);
      assert.deepEqual(JSON.parse(answer.text), UNAUTHORIZED);
    });

    it('leaves reads open when SWEEPQ_REQUIRE_AUTH_FOR_READS is unset', async () => {
      assert.equal((await call(apiUrl, 'GET', '/sweeps')).status, 200);
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${SWEEP_ID}`)).status, 404);
      assert.equal((await call(apiUrl, 'GET', '/openapi.json')).status, 200);
    });

    it('requires the token for every read when SWEEPQ_REQUIRE_AUTH_FOR_READS=true, except /healthz', async () => {
      const reads = ['/sweeps', `/sweeps/${SWEEP_ID}`, `/sweeps/${SWEEP_ID}/trials`, `/sweeps/${SWEEP_ID}/best`, `/sweeps/${SWEEP_ID}/best/artifact`, `/sweeps/${SWEEP_ID}/trials/${SWEEP_ID}-t0/artifact`, '/openapi.json'];
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
      // A mutating command: cancelling an unknown sweep gets past auth to a 404 (exit 1, NOT_FOUND).
      const cancelled = await cli(['cancel', SWEEP_ID], cliEnv);
      assert.equal(cancelled.code, 1);
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
      assert.deepEqual(trials.trials.map((t) => t.status), ['completed', 'completed']);
      trialId = trials.trials[0]!.id;
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${sweepId}/trials/${trialId}/artifact`)).status, 200);
      assert.equal((await call(apiUrl, 'GET', `/sweeps/${sweepId}/best/artifact`)).status, 200);
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
      const valid = await call(apiUrl, 'GET', `/sweeps/${sweepId}/trials/${trialId}/artifact`);
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
        const answer = await call(apiUrl, 'GET', route);
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
          return /scheduler did not start/.test(error.message) && /Object store ensureReady .* failed .*(AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch)/.test(error.message);
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
          execFile(process.execPath, [path.resolve('dist/services/scheduler/main.js')], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 }, (error, stdout, stderr) =>
            resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
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
