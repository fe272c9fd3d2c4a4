/**
 * A Redis that stops answering must not hang the API. The scheduler process runs on its own
 * redis-server, which the test pauses with SIGSTOP (the TCP connection stays open, no reply ever
 * comes — a swapping or partitioned Redis looks like this): reads then answer 503 INDEX_UNAVAILABLE
 * within SWEEPQ_API_REDIS_TIMEOUT_MS, with Retry-After, `/healthz` keeps answering, and after
 * SIGCONT the same requests succeed again.
 *
 * Before the API's connection had a command timeout, these requests waited for as long as the
 * client did (the test's 10 s budget), and every one left a command queued on the connection.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findRedisServer, redisServerArgs, terminateChild, waitForRedis } from '../../shared/runtime/embedded-redis.js';
import { findFreePort } from '../../shared/runtime/free-port.js';
import { startSchedulerProcess, type ServiceProcess } from '../support/processes.js';
import { uniquePrefix } from '../support/servers.js';

const TOKEN = 'redis-timeout-token-0123456789';
const TIMEOUT_MS = 500;
const auth = { authorization: `Bearer ${TOKEN}` };

async function timed(url: string): Promise<{ status: number; body: string; ms: number; retryAfter: string | null }> {
  const started = performance.now();
  try {
    const response = await fetch(url, { headers: auth, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.text(), ms: performance.now() - started, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    return { status: 0, body: error instanceof Error ? error.message : String(error), ms: performance.now() - started, retryAfter: null };
  }
}

describe('the API when Redis stops answering', () => {
  let redis: ChildProcess;
  let redisDir: string;
  let stateDir: string;
  let scheduler: ServiceProcess;
  let api: string;

  before(async () => {
    const binary = findRedisServer();
    if (binary === undefined) throw new Error('redis-server not found');
    redisDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-redis-timeout-'));
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-redis-timeout-state-'));
    const redisPort = await findFreePort();
    redis = spawn(binary, redisServerArgs({ dir: redisDir, port: redisPort, appendonly: false }), { stdio: 'ignore' });
    assert.equal(await waitForRedis(redisPort, redis, 30_000), 'ready');
    const prefix = uniquePrefix('redis-timeout');
    const port = await findFreePort();
    api = `http://127.0.0.1:${port}`;
    scheduler = await startSchedulerProcess(
      {
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        SWEEPQ_PREFIX: prefix,
        SWEEPQ_QUEUE_NAME: prefix,
        SWEEPQ_STATE_DIR: stateDir,
        SWEEPQ_API_TOKEN: TOKEN,
        SWEEPQ_API_REDIS_TIMEOUT_MS: String(TIMEOUT_MS),
        SWEEPQ_API_CACHE_MS: '0',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      },
      port,
    );
  });

  after(async () => {
    if (redis !== undefined && redis.exitCode === null) {
      redis.kill('SIGCONT');
      await terminateChild(redis, 'SIGKILL', 5000);
    }
    await scheduler?.stop('SIGKILL');
    if (redisDir !== undefined) await rm(redisDir, { recursive: true, force: true });
    if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
  });

  it('answers reads 503 INDEX_UNAVAILABLE within the command timeout while Redis is paused, and recovers after', async () => {
    const routes = ['/sweeps', '/sweeps/s-abc123def456', '/experiments', '/workers'];
    for (const route of routes) assert.notEqual((await timed(`${api}${route}`)).status, 503, `${route} before the pause`);

    redis.kill('SIGSTOP');
    try {
      for (const route of routes) {
        const answer = await timed(`${api}${route}`);
        assert.equal(answer.status, 503, `GET ${route} while Redis is paused: ${answer.status} after ${answer.ms.toFixed(0)} ms ${answer.body.slice(0, 200)}`);
        assert.deepEqual(JSON.parse(answer.body), { error: { code: 'INDEX_UNAVAILABLE', message: 'the metrics index is unavailable; try again later' } });
        assert.ok(answer.retryAfter !== null, 'Retry-After');
        // One or two round trips of TIMEOUT_MS each, plus a loaded machine's scheduling.
        assert.ok(answer.ms < 4 * TIMEOUT_MS + 1000, `GET ${route} took ${answer.ms.toFixed(0)} ms`);
      }
      const health = await fetch(`${api}/healthz`, { signal: AbortSignal.timeout(2000) });
      assert.equal(health.status, 200, '/healthz does not touch Redis');
    } finally {
      redis.kill('SIGCONT');
    }

    const deadline = Date.now() + 15_000;
    for (const route of routes) {
      for (;;) {
        const answer = await timed(`${api}${route}`);
        if (answer.status !== 503) {
          assert.ok(answer.status === 200 || answer.status === 404, `${route} after the pause: ${answer.status} ${answer.body.slice(0, 200)}`);
          break;
        }
        assert.ok(Date.now() < deadline, `${route} still 503 after Redis came back`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
});
