/**
 * N `node dist/services/worker/main.js` processes on a benchmark's Redis, as in production: one
 * process per worker, WORKER_CONCURRENCY each. Logs go to `<logDir>/worker-<i>.log`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { Config } from '../../shared/config/config.js';
import { bullPrefix, createRedisConnection } from '../../shared/queue/index.js';
import { terminateChild } from '../../shared/runtime/embedded-redis.js';
import { cleanParentEnv } from './bench-environment.js';
import { defer, trackChild } from './cleanup-stack.js';

/** The compiled worker entry point (dist/bench/support → dist/services/worker). */
export const WORKER_MAIN = fileURLToPath(new URL('../../services/worker/main.js', import.meta.url));

export interface WorkerProcesses {
  readonly children: readonly ChildProcess[];
  alive(): number;
  /** SIGTERM all, wait; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnWorkersOptions {
  count: number;
  env: Record<string, string>;
  logDir: string;
  concurrency?: number;
  /** The worker entry point to run (default this checkout's; bench (g) --baseline runs another's). */
  main?: string;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[];
}

export function spawnWorkerProcesses(options: SpawnWorkersOptions): WorkerProcesses {
  mkdirSync(options.logDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...cleanParentEnv(), ...options.env, WORKER_CONCURRENCY: String(options.concurrency ?? 1) };
  const children: ChildProcess[] = [];
  for (let i = 0; i < options.count; i++) {
    const log = openSync(path.join(options.logDir, `worker-${i + 1}.log`), 'a');
    try {
      // detached: a terminal Ctrl-C reaches only the benchmark, which stops the workers in order.
      const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.main ?? WORKER_MAIN], { env, stdio: ['ignore', log, log], detached: true });
      child.once('error', () => undefined);
      trackChild(child);
      children.push(child);
    } finally {
      closeSync(log);
    }
  }
  let stopping: Promise<void> | null = null;
  const stop = (graceMs = 15_000): Promise<void> => {
    stopping ??= Promise.all(children.map((c) => terminateChild(c, 'SIGTERM', graceMs))).then(() => undefined);
    return stopping;
  };
  const unregister = defer(`${options.count} worker process(es)`, () => stop(5000));
  return {
    children,
    alive() {
      let n = 0;
      for (const c of children) if (c.exitCode === null && c.signalCode === null) n++;
      return n;
    },
    stop(graceMs?: number) {
      unregister();
      return stop(graceMs);
    },
  };
}

/**
 * Waits until `count` BullMQ workers are connected to the trial queue (they are listed by CLIENT
 * LIST), so a measurement does not include node start-up. Fails after `timeoutMs`.
 */
export async function waitForQueueWorkers(config: Config, count: number, timeoutMs = 30_000): Promise<number> {
  const connection = createRedisConnection(config.redis.url!, { name: 'sweepq-bench-probe' });
  const queue = new Queue(config.queue.name, { connection, prefix: bullPrefix(config.redis.prefix) });
  const started = performance.now();
  try {
    for (;;) {
      const workers = await queue.getWorkersCount();
      if (workers >= count) return performance.now() - started;
      if (performance.now() - started > timeoutMs) throw new Error(`only ${workers} of ${count} workers connected after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await queue.close();
    await connection.quit().catch(() => undefined);
  }
}
