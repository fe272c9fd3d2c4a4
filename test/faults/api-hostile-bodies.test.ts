/**
 * One request must not block the API. The hostile bodies of the bad-input corpus (100,000-key
 * mappings in YAML, flow YAML and JSON, 100,000 duplicate keys, mappings at the key limit, nesting
 * near the depth limit, a near-1 MiB scalar) are POSTed to a real scheduler process, two at a time
 * and twice over, while a prober asks `/healthz` every 10 ms. Each body must be refused as bad input
 * (4xx) with nothing written, and `/healthz` must stay under 100 ms at the 99th percentile.
 *
 * Before sweep bodies were parsed in a worker thread with linear key checks, the yaml library's
 * duplicate-key check held the event loop for about a minute on the 100,000-key bodies.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { findFreePort } from '../../shared/runtime/free-port.js';
import { startSchedulerProcess, type ServiceProcess } from '../support/processes.js';
import { makeTestSetup, type TestSetup } from '../support/test-config.js';

const BAD_DIR = 'test/fixtures/bad';
const TOKEN = 'hostile-bodies-token-0123456789';
/** Corpus bodies at least this large are the hostile ones (the rest are refused in microseconds). */
const HOSTILE_MIN_BYTES = 100 * 1024;
const HEALTH_P99_MS = 100;

interface Entry {
  file: string;
  kind: string;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function request(
  agent: http.Agent,
  port: number,
  method: string,
  route: string,
  body?: Buffer,
  contentType?: string,
  timeoutMs = 120_000,
): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (method === 'POST') headers.authorization = `Bearer ${TOKEN}`;
    if (contentType !== undefined) headers['content-type'] = contentType;
    const req = http.request({ host: '127.0.0.1', port, method, path: route, agent, headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, body: error.message, ms: performance.now() - started }));
    req.end(body);
  });
}

describe('hostile sweep bodies do not block the API', () => {
  let setup: TestSetup;
  let scheduler: ServiceProcess;
  let port: number;
  let redis: Redis;

  before(async () => {
    setup = await makeTestSetup('hostile-bodies');
    port = await findFreePort();
    scheduler = await startSchedulerProcess({ ...setup.env, SWEEPQ_API_TOKEN: TOKEN }, port);
    redis = new Redis(setup.config.redis.url!, { maxRetriesPerRequest: 3 });
  });

  after(async () => {
    await scheduler?.stop('SIGTERM');
    if (redis !== undefined) {
      const keys = await redis.keys(`${setup.config.redis.prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    await setup?.cleanup();
  });

  it(`refuses every hostile body with a 4xx while /healthz stays under ${HEALTH_P99_MS} ms p99, and writes nothing`, async () => {
    const manifest = JSON.parse(readFileSync(path.join(BAD_DIR, 'manifest.json'), 'utf8')) as Entry[];
    const hostile = manifest.filter(
      (e) => (e.kind === 'sweep' || e.kind === 'resolved-spec') && statSync(path.join(BAD_DIR, e.file)).size >= HOSTILE_MIN_BYTES,
    );
    const names = hostile.map((e) => e.file);
    for (const expected of [
      'yaml-keys-100k.yaml',
      'yaml-flow-keys-100k.yaml',
      'json-keys-100k.json',
      'json-duplicate-key-100k.json',
      'yaml-mappings-at-key-limit.yaml',
      'yaml-deep-flow-near-limit.yaml',
    ]) {
      assert.ok(names.includes(expected), `${expected} is missing from the hostile bodies`);
    }
    const bodies = hostile.map((e) => ({
      file: e.file,
      bytes: readFileSync(path.join(BAD_DIR, e.file)),
      contentType: e.file.endsWith('.json') ? 'application/json' : 'application/yaml',
    }));

    const healthAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const postAgent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    // Warm the connection and the parse thread's first start out of the measurement.
    assert.equal((await request(healthAgent, port, 'GET', '/healthz')).status, 200);

    let posting = true;
    const latencies: number[] = [];
    const failures: string[] = [];
    const prober = (async () => {
      while (posting) {
        const answer = await request(healthAgent, port, 'GET', '/healthz', undefined, undefined, 10_000);
        latencies.push(answer.ms);
        if (answer.status !== 200) failures.push(`/healthz answered ${answer.status}: ${answer.body.slice(0, 100)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const results: { file: string; status: number; ms: number; body: string }[] = [];
    const queue = [...bodies, ...bodies];
    const started = performance.now();
    await Promise.all(
      [0, 1].map(async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          const answer = await request(postAgent, port, 'POST', '/sweeps', next.bytes, next.contentType);
          results.push({ file: next.file, status: answer.status, ms: answer.ms, body: answer.body });
        }
      }),
    );
    const postingMs = performance.now() - started;
    posting = false;
    await prober;
    healthAgent.destroy();
    postAgent.destroy();

    const wrong = results
      .filter((r) => r.status < 400 || r.status >= 500)
      .map((r) => `${r.file}: HTTP ${r.status} after ${r.ms.toFixed(0)} ms: ${r.body.slice(0, 200)}`);
    assert.deepEqual(wrong, [], 'every hostile body is refused as bad input');
    for (const r of results) assert.match(r.body, /"code":"(INVALID_[A-Z_]+|LIMIT_EXCEEDED|PAYLOAD_TOO_LARGE)"/, r.file);
    assert.deepEqual(failures, []);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const slowest = results.reduce((a, b) => (b.ms > a.ms ? b : a));
    const summary = `${latencies.length} probes over ${postingMs.toFixed(0)} ms of posting ${results.length} bodies: /healthz p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms; slowest refusal ${slowest.file} ${slowest.ms.toFixed(0)} ms`;
    process.stderr.write(`[hostile bodies] ${summary}\n`);
    assert.ok(latencies.length >= 50, `too few probes to judge: ${summary}`);
    assert.ok(p99 < HEALTH_P99_MS, summary);

    // Nothing written: no sweep, trial or job key (the index version stamp and BullMQ's queue
    // metadata may exist), no stored object.
    const keys = (await redis.keys(`${setup.config.redis.prefix}:*`)).filter(
      (key) => !/^[^:]+:(meta|reconciler:lock)$/.test(key) && !/^[^:]+:bull:[^:]+:(meta|events)$/.test(key),
    );
    assert.deepEqual(keys, []);
    const objects = await readdir(path.join(setup.stateDir, 'objects'), { recursive: true }).catch(() => [] as string[]);
    assert.deepEqual(objects, []);
  });
});
