import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { pingRedis, startEmbeddedRedis } from '../../shared/runtime/embedded-redis.js';
import { findFreePort } from '../../shared/runtime/free-port.js';

async function withClient<T>(url: string, run: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { connectTimeout: 5000, commandTimeout: 5000, maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    return await run(client);
  } finally {
    client.disconnect();
  }
}

describe('findFreePort', () => {
  it('returns a loopback port that can be bound', async () => {
    const port = await findFreePort();
    assert.ok(port > 0 && port < 65_536);
    await new Promise<void>((resolve, reject) => {
      const server = net
        .createServer()
        .once('error', reject)
        .listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
  });
});

describe('startEmbeddedRedis', () => {
  let stateDir: string;
  before(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-embedded-'));
  });
  after(async () => rm(stateDir, { recursive: true, force: true }));

  it('starts a loopback redis-server that answers PING, with data under <stateDir>/redis', async () => {
    const redis = await startEmbeddedRedis({ stateDir });
    try {
      assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
      assert.equal(await pingRedis(redis.port), true);
      assert.equal(await withClient(redis.url, (client) => client.ping()), 'PONG');
      const policy = await withClient(redis.url, (client) => client.config('GET', 'maxmemory-policy'));
      assert.deepEqual(policy, ['maxmemory-policy', 'noeviction']);
      assert.ok((await stat(path.join(stateDir, 'redis'))).isDirectory());
    } finally {
      await redis.stop();
    }
    assert.equal(await pingRedis(redis.port), false, 'stopped server no longer answers');
  });

  it("starts a run's Redis without setpriv when none is on PATH: the unprobed first try fails, the probed one runs", async () => {
    // A fresh process (the probes' results are kept per process) whose PATH has redis-server but no setpriv.
    const bin = await mkdtemp(path.join(os.tmpdir(), 'sweepq-path-'));
    try {
      await symlink('/usr/bin/redis-server', path.join(bin, 'redis-server'));
      const module = pathToFileURL(path.join(process.cwd(), 'dist/shared/runtime/embedded-redis.js')).href;
      const script = [
        `const { startEmbeddedRedis, pingRedis } = await import(${JSON.stringify(module)});`,
        `const redis = await startEmbeddedRedis({ stateDir: ${JSON.stringify(path.join(stateDir, 'no-setpriv'))}, stopWithParent: true });`,
        'console.log(await pingRedis(redis.port));',
        'await redis.stop();',
      ].join('\n');
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, PATH: bin }, timeout: 30_000 }, (error, out, err) =>
          error === null ? resolve(out) : reject(new Error(`${error.message}\n${err}`)),
        );
      });
      assert.equal(stdout.trim(), 'true');
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });

  it('keeps data across stop and start on the same state folder (AOF)', async () => {
    const first = await startEmbeddedRedis({ stateDir });
    try {
      await withClient(first.url, async (client) => {
        await client.set('survivor', 'still-here');
        await client.hset('trial', { status: 'completed', score: '0.93' });
      });
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedRedis({ stateDir });
    try {
      await withClient(second.url, async (client) => {
        assert.equal(await client.get('survivor'), 'still-here');
        assert.deepEqual(await client.hgetall('trial'), { status: 'completed', score: '0.93' });
      });
    } finally {
      await second.stop();
    }
  });

  it('makes stop idempotent: concurrent and repeated stops resolve, the server is gone once', async () => {
    const redis = await startEmbeddedRedis({ stateDir });
    assert.equal(await pingRedis(redis.port), true);
    const results = await Promise.allSettled([redis.stop(), redis.stop()]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled'],
    );
    assert.equal(await pingRedis(redis.port), false, 'stopped');
    await redis.stop();
    assert.throws(() => process.kill(redis.pid, 0), { code: 'ESRCH' }, 'the redis-server process is gone');
  });

  it('replaces a redis-server left running on the same folder by a crashed owner', async () => {
    const orphan = await startEmbeddedRedis({ stateDir });
    await withClient(orphan.url, (client) => client.set('from-orphan', '1'));
    // Not stopping `orphan` simulates an owner that died; the next start must not share the AOF with it.
    const next = await startEmbeddedRedis({ stateDir });
    try {
      assert.equal(await pingRedis(orphan.port), false);
      assert.equal(await withClient(next.url, (client) => client.get('from-orphan')), '1');
    } finally {
      await next.stop();
      await orphan.stop();
    }
  });
});
