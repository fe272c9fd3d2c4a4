/**
 * The state-folder protocol: one Redis per folder, owned by one process, attached to by the others,
 * password-protected; a dead owner's leftovers are replaced on the same data.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pingRedis, startEmbeddedRedis } from '../../shared/runtime/embedded-redis.js';
import { openStateFolder, ownerFile, processAlive, readOwner } from '../../shared/runtime/state-folder.js';

async function withClient<T>(url: string, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('state folder', () => {
  let stateDir: string;
  before(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-state-'));
  });
  after(() => rm(stateDir, { recursive: true, force: true }));

  it('makes the first opener the owner of a password-protected Redis, with a private lock', async () => {
    const folder = await openStateFolder(stateDir);
    try {
      assert.equal(folder.owner, true);
      assert.equal(folder.lock.pid, process.pid);
      assert.equal((await stat(ownerFile(stateDir))).mode & 0o777, 0o600);
      assert.equal((await stat(stateDir)).mode & 0o777, 0o700);
      assert.equal(await pingRedis(folder.lock.port), false, 'no access without the password');
      assert.equal(await pingRedis(folder.lock.port, '127.0.0.1', 1000, folder.lock.password), true);
      assert.equal(await withClient(folder.url, (c) => c.set('k', 'v')), 'OK');
    } finally {
      await folder.release();
    }
    await assert.rejects(readFile(ownerFile(stateDir)), { code: 'ENOENT' }, 'release removes the lock');
    assert.equal(processAlive(folder.lock.redisPid), false, 'release stops the Redis');
  });

  it('attaches later openers to the live owner instead of starting Redis twice, also when they race', async () => {
    const [a, b] = await Promise.all([openStateFolder(stateDir), openStateFolder(stateDir)]);
    const c = await openStateFolder(stateDir);
    try {
      assert.deepEqual([a.owner, b.owner].sort(), [false, true]);
      assert.equal(c.owner, false);
      assert.equal(a.url, b.url);
      assert.equal(c.url, a.url);
      await c.release();
      await (a.owner ? b : a).release();
      assert.equal(await pingRedis(c.lock.port, '127.0.0.1', 1000, c.lock.password), true, 'attached processes leave the Redis running');
      assert.equal(await withClient(c.url, (client) => client.get('k')), 'v', 'the same data');
    } finally {
      await (a.owner ? a : b).release();
    }
  });

  it("restarts a dead owner's Redis on the same data, stopping the orphan it left running", async () => {
    // A crashed owner: its redis-server still runs on the folder, its lock names a dead pid.
    const orphan = await startEmbeddedRedis({ stateDir, password: 'orphan-password-0123456789' });
    await withClient(orphan.url, (client) => client.set('survivor', 'yes'));
    await writeFile(
      ownerFile(stateDir),
      JSON.stringify({ pid: await deadPid(), port: orphan.port, password: 'orphan-password-0123456789', redisPid: orphan.pid, startedAt: Date.now() }),
      { mode: 0o600 },
    );
    const folder = await openStateFolder(stateDir);
    try {
      assert.equal(folder.owner, true);
      assert.equal(processAlive(orphan.pid), false, 'the orphaned redis-server was stopped');
      assert.notEqual(folder.lock.password, 'orphan-password-0123456789', 'a fresh password');
      assert.equal(await withClient(folder.url, (client) => client.get('survivor')), 'yes', 'same data');
      assert.equal((await readOwner(stateDir))?.pid, process.pid);
    } finally {
      await folder.release();
      await orphan.stop();
    }
  });
});
