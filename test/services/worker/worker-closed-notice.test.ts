/**
 * A worker started by `sweepq run` (`--await-parent`) tells its parent when it has closed, before its
 * process exits (parent-orders.ts, WORKER_CLOSED): the run then stops its Redis while the worker's
 * process exits. The notice must mean what the run relies on — no Redis connection of the worker is
 * left — and come before the exit.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { runWorkerEnv, spawnRunWorker } from '../../../services/cli/run-worker-spawn.js';
import { isWorkerClosedNotice, ORDERS_REQUEST, type ParentOrders } from '../../../services/worker/parent-orders.js';
import { processEntryFile } from '../../../shared/runtime/process-entry.js';
import { startRedisServer, uniquePrefix, type TestRedisServer } from '../../support/servers.js';

/** Resolves with the first message of `child` that `accept` takes. */
function message(child: ChildProcess, accept: (message: unknown) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (received: unknown): void => {
      if (!accept(received)) return;
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
  });
}

/** Names of the clients connected to `redis` besides itself. */
async function otherClients(redis: Redis): Promise<string[]> {
  const own = await redis.client('ID');
  const list = (await redis.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith(`id=${own} `))
    .map((line) => /\bname=(\S*)/.exec(line)?.[1] ?? '?');
}

describe('a worker of sweepq run, stopping', () => {
  let server: TestRedisServer;
  let redis: Redis;
  let stateDir: string;

  before(async () => {
    server = await startRedisServer({ appendonly: false });
    redis = new Redis(server.url);
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-worker-closed-'));
  });
  after(async () => {
    redis.disconnect();
    await server.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('says it has closed once none of its Redis connections is left, then exits 0', async () => {
    const env = { ...runWorkerEnv(process.env, stateDir, uniquePrefix('closed')), LOG_LEVEL: 'warn', NODE_ENV: 'production' };
    const child = spawnRunWorker(processEntryFile('worker'), env, path.join(stateDir, 'logs', 'worker-1.log'));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await message(child, (m) => (m as Partial<typeof ORDERS_REQUEST> | null)?.awaitingOrders === true);
      const orders: ParentOrders = { redisUrl: server.url, programs: false };
      child.send(orders);
      // Taking jobs: its three connections (index, queue, cancel subscriber) and BullMQ's are open.
      for (let i = 0; (await otherClients(redis)).length < 3; i++) {
        assert.ok(i < 600, 'the worker connected within 30 s');
        await sleep(50);
      }
      const closed = message(child, isWorkerClosedNotice).then(() => 'notice' as const);
      child.kill('SIGTERM');
      assert.equal(await Promise.race([closed, exited.then(() => 'exit' as const)]), 'notice', 'the notice comes before the exit');
      assert.deepEqual(await otherClients(redis), [], 'no connection of the worker is left when it says it has closed');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
