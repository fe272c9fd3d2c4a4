/**
 * "Bad input gets a clear error and changes nothing", through the real surfaces: every hostile or
 * broken input of test/fixtures/bad/ goes through `sweepq submit` (API mode against a real scheduler
 * process, and direct mode against Redis) and, as a raw body, through `POST /sweeps`. Each must be
 * refused as bad input (exit 2 / HTTP 4xx with the API's error shape) with a message that names the
 * problem and where it is — and after the whole walk Redis holds no sweep or job and the bucket holds
 * no object: a rejected sweep writes nothing, not even the dataset it refers to.
 *
 * Also the request-level limits: oversized bodies (413), 10,000-level JSON (400, not a crash) and
 * traversal-shaped ids in paths (400/404 JSON, never a store read); and hostile Host headers
 * (DNS rebinding: the `host-header` entries), refused with 421 before any route runs, token or not.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { Client as MinioClient } from 'minio';
import { findFreePort } from '../../shared/runtime/free-port.js';
import { runCli, startSchedulerProcess, type CliResult, type ServiceProcess } from '../support/processes.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';

const BAD_DIR = 'test/fixtures/bad';
const TOKEN = 'bad-input-token-0123456789abcdef';
/** The trial limit the corpus was written for (its LIMIT_EXCEEDED cases assume it). */
const MAX_TRIALS = '10000';
/** Dataset upload limit of the scheduler under test: small, so a 413 costs a 100 KiB request. */
const DATASET_LIMIT_BYTES = 64 * 1024;
/** CLI processes at once: each is a `node` start-up, and the machine running tests may have 2 cores. */
const CLI_CONCURRENCY = 4;

interface BadEntry {
  file: string;
  kind: 'sweep' | 'csv' | 'resolved-spec' | 'asset' | 'host-header';
  code?: string;
  mentions?: string[];
}

interface ApiError {
  error: { code: string; message: string };
}

const manifest = JSON.parse(readFileSync(path.join(BAD_DIR, 'manifest.json'), 'utf8')) as BadEntry[];
const sweepEntries = manifest.filter((e) => e.kind === 'sweep');
const specEntries = manifest.filter((e) => e.kind === 'sweep' || e.kind === 'resolved-spec');
const hostEntries = manifest.filter((e) => e.kind === 'host-header');

/** Codes a client error of the API may carry. */
const CLIENT_ERROR_CODE = /^(INVALID_[A-Z_]+|LIMIT_EXCEEDED|PAYLOAD_TOO_LARGE)$/;

/**
 * A location in a CLI message: the sweep file or a CSV of the corpus (`file[:line[:col]]`), or a
 * document path as formatLocation prints it (`at search.space`).
 */
const LOCATION = /fixtures\/bad\/[\w.-]+|\bat [a-z_][\w.[\]]*/;

/** One HTTP/1.1 request with exactly this Host header (fetch would set its own). */
function rawRequest(port: number, host: string, method: string, route: string, body?: string, contentType?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host, authorization: `Bearer ${TOKEN}` };
    if (contentType !== undefined) headers['content-type'] = contentType;
    const req = http.request({ host: '127.0.0.1', port, method, path: route, headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes: Promise<void>[] = [];
  for (let lane = 0; lane < Math.min(limit, items.length); lane++) {
    lanes.push(
      (async () => {
        for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!);
      })(),
    );
  }
  await Promise.all(lanes);
  return results;
}

/** Problems with one CLI answer to a bad sweep file (empty when it is right). */
function cliProblems(entry: BadEntry, result: CliResult): string[] {
  const problems: string[] = [];
  if (result.code !== 2) problems.push(`exit ${result.code}, expected 2`);
  if (!result.stderr.startsWith('sweepq:')) problems.push('stderr does not start with "sweepq:"');
  for (const mention of entry.mentions ?? []) {
    if (!result.stderr.includes(mention)) problems.push(`stderr lacks ${JSON.stringify(mention)}`);
  }
  if (!LOCATION.test(result.stderr)) problems.push('stderr names no location');
  if (result.stdout.trim() !== '') problems.push(`stdout is not empty: ${result.stdout.slice(0, 200)}`);
  return problems.length === 0 ? [] : [`${entry.file}: ${problems.join('; ')}\n    stderr: ${result.stderr.slice(0, 400)}`];
}

describe('bad input through the CLI and the HTTP API (test/fixtures/bad)', () => {
  let setup: TestSetup;
  let scheduler: ServiceProcess;
  let apiUrl: string;
  let apiEnv: Record<string, string>;
  let directEnv: Record<string, string>;
  let redis: Redis;
  let minio: MinioClient;
  let bucket: string;
  let prefix: string;

  before(async () => {
    setup = await makeTestSetup('bad-input', { s3: true, env: { SWEEPQ_MAX_TRIALS: MAX_TRIALS, SWEEPQ_BODY_LIMIT_BYTES: String(DATASET_LIMIT_BYTES) } });
    const port = await findFreePort();
    apiUrl = `http://127.0.0.1:${port}`;
    scheduler = await startSchedulerProcess({ ...setup.env, SWEEPQ_API_TOKEN: TOKEN }, port);
    // API mode: the CLI knows only the API (no Redis, no store credentials).
    apiEnv = { SWEEPQ_API_URL: apiUrl, SWEEPQ_API_TOKEN: TOKEN, SWEEPQ_STATE_DIR: setup.stateDir, SWEEPQ_MAX_TRIALS: MAX_TRIALS };
    // Direct mode: the CLI runs the sweep service itself against the same Redis prefix and bucket.
    directEnv = { ...setup.env };
    prefix = setup.config.redis.prefix;
    bucket = setup.config.s3!.bucket;
    redis = new Redis(setup.config.redis.url!, { lazyConnect: false, maxRetriesPerRequest: 3 });
    const endpoint = new URL(setup.config.s3!.endpoint);
    minio = new MinioClient({
      endPoint: endpoint.hostname,
      port: Number(endpoint.port),
      useSSL: false,
      accessKey: setup.config.s3!.accessKey,
      secretKey: setup.config.s3!.secretKey,
      pathStyle: true,
    });
  });

  after(async () => {
    await scheduler?.stop('SIGTERM');
    // Leave nothing behind on the shared servers: this prefix's keys and this test's bucket.
    if (redis !== undefined) {
      const keys = await redisKeys();
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    if (minio !== undefined && bucket !== undefined) {
      for (const name of await bucketObjects().catch(() => [] as string[])) await minio.removeObject(bucket, name);
      await minio.removeBucket(bucket).catch(() => undefined);
    }
    await setup?.cleanup();
  });

  async function redisKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys.sort();
  }

  function bucketObjects(): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const names: string[] = [];
      const stream = minio.listObjectsV2(bucket, '', true);
      stream.on('data', (item: { name?: string }) => {
        if (item.name !== undefined) names.push(item.name);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(names.sort()));
    });
  }

  function post(route: string, body: string | Buffer, contentType: string, token: string | undefined = TOKEN): Promise<Response> {
    return fetch(`${apiUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  }

  /** Asserts the API's error shape, a 4xx status among `statuses` and a client-error code. */
  async function assertClientError(response: Response, statuses: readonly number[], what: string): Promise<ApiError> {
    const text = await response.text();
    assert.ok(statuses.includes(response.status), `${what}: HTTP ${response.status}, expected ${statuses.join('/')}: ${text.slice(0, 300)}`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${what}: not JSON`);
    const body = JSON.parse(text) as ApiError;
    assert.equal(typeof body.error?.code, 'string', `${what}: no error.code in ${text.slice(0, 300)}`);
    assert.equal(typeof body.error.message, 'string', `${what}: no error.message`);
    assert.ok(body.error.message.length > 0, `${what}: empty message`);
    return body;
  }

  it('the corpus is walked in full: every sweep and resolved-spec entry', () => {
    assert.ok(sweepEntries.length >= 100, `only ${sweepEntries.length} sweep entries`);
    assert.ok(specEntries.length > sweepEntries.length, 'resolved-spec entries are included');
  });

  // The CLI validates a sweep file (and its CSVs and trial count) before it connects, so these two walks
  // exercise what a user sees in each mode; the scheduler's own validation of the same inputs is
  // walked by the POST /sweeps test below.
  it('`sweepq submit` in API mode refuses every bad sweep file: exit 2, located message naming the problem', async () => {
    const results = await mapLimit(sweepEntries, CLI_CONCURRENCY, (entry) => runCli(['submit', path.join(BAD_DIR, entry.file)], apiEnv, 60_000));
    const problems: string[] = [];
    for (let i = 0; i < sweepEntries.length; i++) problems.push(...cliProblems(sweepEntries[i]!, results[i]!));
    assert.deepEqual(problems, [], `${problems.length} of ${sweepEntries.length} files answered wrongly:\n${problems.join('\n')}`);
  });

  it('`sweepq submit` in direct mode (REDIS_URL) refuses every bad sweep file the same way', async () => {
    const results = await mapLimit(sweepEntries, CLI_CONCURRENCY, (entry) => runCli(['submit', path.join(BAD_DIR, entry.file)], directEnv, 60_000));
    const problems: string[] = [];
    for (let i = 0; i < sweepEntries.length; i++) problems.push(...cliProblems(sweepEntries[i]!, results[i]!));
    assert.deepEqual(problems, [], `${problems.length} of ${sweepEntries.length} files answered wrongly:\n${problems.join('\n')}`);
  });

  it("the scheduler's own trial limit applies when the CLI's is higher (the server is authoritative)", async () => {
    // The CLI checks the limit of its own configuration before connecting; without SWEEPQ_MAX_TRIALS it
    // allows 100,000, so this 50,000-trial file reaches the scheduler (limit 10,000), which refuses it.
    const { SWEEPQ_MAX_TRIALS: _unused, ...env } = apiEnv;
    const result = await runCli(['submit', path.join(BAD_DIR, 'random-max-trials-over-limit.yaml')], env);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^sweepq: random search asks for 50000 trials, more than the limit 10000/);
    assert.match(result.stderr, /at search\.max_trials/);
  });

  it('POST /sweeps refuses every sweep file and resolved spec sent as a raw body with a 4xx error, never a 5xx', async () => {
    const problems: string[] = [];
    // HTTP requests are cheap next to process start-ups; a few at a time keep the walk short.
    await mapLimit(specEntries, 8, async (entry) => {
      const bytes = readFileSync(path.join(BAD_DIR, entry.file));
      const contentType = entry.file.endsWith('.json') ? 'application/json' : 'application/yaml';
      const response = await post('/sweeps', bytes, contentType);
      const text = await response.text();
      let body: ApiError | undefined;
      try {
        body = JSON.parse(text) as ApiError;
      } catch {
        body = undefined;
      }
      const expected = bytes.length > 1024 * 1024 ? [413] : [400, 413];
      if (!expected.includes(response.status)) problems.push(`${entry.file}: HTTP ${response.status}, expected ${expected.join('/')}: ${text.slice(0, 300)}`);
      else if (body?.error === undefined || !CLIENT_ERROR_CODE.test(body.error.code) || typeof body.error.message !== 'string' || body.error.message === '') {
        problems.push(`${entry.file}: not an API client error body: ${text.slice(0, 300)}`);
      } else if (entry.kind === 'resolved-spec') {
        // The API is the only surface of resolved specs, so its message must name the problem too.
        assert.equal(body.error.code, entry.code, `${entry.file}: ${body.error.message}`);
        for (const mention of entry.mentions ?? []) {
          if (!body.error.message.includes(mention)) problems.push(`${entry.file}: message lacks ${JSON.stringify(mention)}: ${body.error.message}`);
        }
      }
    });
    assert.deepEqual(problems, [], problems.join('\n'));
  });

  it('POST /sweeps answers a 2 MiB body with 413 PAYLOAD_TOO_LARGE', async () => {
    const body = `name: big\ndescription: "${'x'.repeat(2 * 1024 * 1024)}"\n`;
    const error = await assertClientError(await post('/sweeps', body, 'application/yaml'), [413], '2 MiB sweep');
    assert.equal(error.error.code, 'PAYLOAD_TOO_LARGE');
  });

  it('POST /datasets answers an upload over SWEEPQ_BODY_LIMIT_BYTES with 413 and stores nothing', async () => {
    const csv = Buffer.from(`a,target\n${'1,0\n'.repeat((DATASET_LIMIT_BYTES / 4) * 2)}`);
    assert.ok(csv.length > DATASET_LIMIT_BYTES);
    const error = await assertClientError(await post('/datasets', csv, 'text/csv'), [413], 'oversized dataset');
    assert.equal(error.error.code, 'PAYLOAD_TOO_LARGE');
  });

  it('POST /sweeps answers JSON nested 10,000 levels deep with 400, and the scheduler keeps serving', async () => {
    const deep = `{"name":"deep","dataset":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    const error = await assertClientError(await post('/sweeps', deep, 'application/json'), [400], 'deep JSON');
    assert.match(error.error.code, /^INVALID_/);
    const arrays = `{"name":"deep","trials":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    await assertClientError(await post('/sweeps', arrays, 'application/json'), [400], 'deep JSON arrays');
    const yaml = `name: deep\ntrials: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    await assertClientError(await post('/sweeps', yaml, 'application/yaml'), [400], 'deep YAML flow');
    assert.equal((await fetch(`${apiUrl}/healthz`)).status, 200);
    assert.equal(scheduler.child.exitCode, null, 'the scheduler is still running');
  });

  it('refuses traversal-shaped sweep and trial ids with a 400/404 JSON error, never a file', async () => {
    const paths = [
      '/sweeps/..%2F..%2Fetc%2Fpasswd',
      '/sweeps/..%2F..%2Fetc%2Fpasswd/trials',
      '/sweeps/..%2F..%2Fetc%2Fpasswd/best',
      '/sweeps/..%2F..%2Fetc%2Fpasswd/best/artifact',
      '/sweeps/s-abc/trials/..%2F..%2Fetc%2Fpasswd/artifact',
      '/sweeps/s-abc/trials/s-abc-t0%2F..%2F..%2F..%2Fetc%2Fpasswd/artifact',
      '/sweeps/s-abc/trials/s-abc-t..%2F1/artifact',
      '/sweeps/s-a%3Ab/trials',
      '/sweeps/s-a%2Fb/best/artifact',
      '/sweeps/%2e%2e/trials/%2e%2e/artifact',
      '/sweeps/s-abc%00/trials',
      '/../../etc/passwd',
      '/sweeps/../../../etc/passwd',
    ];
    for (const route of paths) {
      const response = await fetch(`${apiUrl}${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = await assertClientError(response, [400, 404], `GET ${route}`);
      assert.doesNotMatch(JSON.stringify(body), /root:|\/bin\/(ba)?sh/, `GET ${route} leaked a file`);
    }
  });

  describe('a bad spec over good data uploads nothing', () => {
    /** A valid CSV: 10 rows, 5 per class — too few for 10-fold CV after a 20 % test split. */
    const csvText = `a,b,target\n${Array.from({ length: 10 }, (_, i) => `${i},${(i * 7) % 5},${i % 2}`).join('\n')}\n`;
    let csvPath: string;

    before(async () => {
      csvPath = path.join(setup.stateDir, 'small.csv');
      await writeFile(csvPath, csvText);
    });

    async function writeSweep(name: string, body: string): Promise<string> {
      const file = path.join(setup.stateDir, name);
      await writeFile(file, body);
      return file;
    }

    it('`sweepq submit` refuses a too-large grid over a valid CSV before uploading the CSV', async () => {
      const file = await writeSweep(
        'grid-over-good-csv.yaml',
        `name: big_grid\ndataset: {csv: ${JSON.stringify(csvPath)}}\nsearch:\n  method: grid\n  space:\n    - model: random_forest\n      params:\n        n_estimators: {values: [${Array.from({ length: 200 }, (_, i) => i + 1).join(', ')}]}\n        max_depth: {values: [${Array.from({ length: 60 }, (_, i) => i + 1).join(', ')}]}\n`,
      );
      for (const env of [apiEnv, directEnv]) {
        const result = await runCli(['submit', file], env);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, /^sweepq: grid expands to 12000 trials/);
        assert.match(result.stderr, /at search\.space/);
      }
      assert.deepEqual(await bucketObjects(), [], 'the CSV was uploaded for a refused sweep');
    });

    it('`sweepq submit` refuses cv.folds larger than the classes of a valid CSV before uploading the CSV', async () => {
      const file = await writeSweep(
        'folds-over-good-csv.yaml',
        `name: too_many_folds\ndataset: {csv: ${JSON.stringify(csvPath)}}\nsplit: {test_size: 0.2}\ncv: {folds: 10}\ntrials:\n  - {model: logistic_regression, params: {C: 1.0}}\n`,
      );
      for (const env of [apiEnv, directEnv]) {
        const result = await runCli(['submit', file], env);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, /^sweepq: .*cv\.folds/);
      }
      assert.deepEqual(await bucketObjects(), [], 'the CSV was uploaded for a refused sweep');
    });

    it('POST /sweeps refuses cv.folds larger than the classes of generated data without storing the data', async () => {
      const spec = {
        name: 'too_many_folds',
        dataset: { make_classification: { n_samples: 30, n_features: 4, n_informative: 2, n_redundant: 0, random_state: 1 } },
        split: { test_size: 0.2 },
        cv: { folds: 20 },
        trials: [{ model: 'logistic_regression', params: { C: 1 } }],
      };
      const error = await assertClientError(await post('/sweeps', JSON.stringify(spec), 'application/json'), [400], 'folds over generated data');
      assert.equal(error.error.code, 'INVALID_SPEC');
      assert.match(error.error.message, /cv\.folds/);
      assert.deepEqual(await bucketObjects(), [], 'the generated dataset was stored for a refused sweep');
    });

    it('direct mode refuses a bad file before connecting: no bucket created, no key written', async () => {
      const fresh = `${prefix}-fresh`;
      const result = await runCli(['submit', path.join(BAD_DIR, 'trial-unknown-model.yaml')], {
        ...directEnv,
        SWEEPQ_PREFIX: fresh,
        SWEEPQ_QUEUE_NAME: fresh,
        S3_BUCKET: fresh,
      });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(await minio.bucketExists(fresh), false, 'the bucket was created by a refused submission');
      const [, keys] = await redis.scan('0', 'MATCH', `${fresh}:*`, 'COUNT', 10_000);
      assert.deepEqual(keys, []);
    });
  });

  it('refuses every hostile Host header of the corpus with 421 INVALID_HOST (or 400), even with the token, writing nothing', async () => {
    assert.ok(hostEntries.length >= 10, `only ${hostEntries.length} host-header entries`);
    const port = Number(new URL(apiUrl).port);
    const sweep = readFileSync('sweeps/loan-default.yaml', 'utf8');
    const problems: string[] = [];
    for (const entry of hostEntries) {
      const host = readFileSync(path.join(BAD_DIR, entry.file), 'utf8').replace(/\n$/, '').replaceAll('{port}', String(port));
      const requests: { method: string; route: string; body?: string; contentType?: string }[] = [
        { method: 'GET', route: '/sweeps' },
        { method: 'POST', route: '/sweeps', body: sweep, contentType: 'application/yaml' },
        { method: 'POST', route: '/datasets', body: 'a,target\n1,0\n2,1\n', contentType: 'text/csv' },
      ];
      for (const request of requests) {
        const answer = await rawRequest(port, host, request.method, request.route, request.body, request.contentType);
        if (![400, 421].includes(answer.status))
          problems.push(
            `${entry.file} (${JSON.stringify(host.slice(0, 60))}) ${request.method} ${request.route}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
          );
        else if (answer.status === 421 && !answer.body.includes(`"code":"${entry.code}"`))
          problems.push(`${entry.file}: 421 without ${entry.code}: ${answer.body.slice(0, 200)}`);
      }
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  });

  it('after the whole walk nothing was written: no sweep or job in Redis, no object in the bucket', async () => {
    const keys = await redisKeys();
    // BullMQ may keep queue metadata (`<prefix>:bull:<queue>:meta`, the event stream), the first
    // connection stamps the index version (`<prefix>:meta`) and the scheduler's reconciler holds its
    // leader lock; nothing else.
    const unexpected = keys.filter((key) => !/^[^:]+:bull:[^:]+:(meta|events)$/.test(key) && !/^[^:]+:(meta|reconciler:lock)$/.test(key));
    assert.deepEqual(unexpected, [], `keys written by rejected input: ${unexpected.join(', ')}`);
    assert.deepEqual(await bucketObjects(), [], 'objects written by rejected input (datasets of refused sweeps?)');
    const listed = (await (await fetch(`${apiUrl}/sweeps`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { sweeps: unknown[] };
    assert.deepEqual(listed.sweeps, []);
  });
});
