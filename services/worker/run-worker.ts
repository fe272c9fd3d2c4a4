/**
 * A worker process's life, shared by its two entry points (`sweepq worker` and
 * `node dist/services/worker/main.js`): resolve Redis (REDIS_URL, or the local state folder), start the
 * worker, wait for SIGTERM/SIGINT, close gracefully, release the folder.
 */
import type { Config } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger/logger.js';
import { openStateFolder } from '../../shared/runtime/state-folder.js';
import type { TrainingSlot } from './training-slot.js';
import { startWorker } from './worker-runtime.js';
import type { ProgramPolicy } from './program/program-runner.js';

export async function runWorkerProcess(options: {
  config: Config;
  logger: Logger;
  concurrency?: number;
  slots?: TrainingSlot[];
  programs?: ProgramPolicy;
  /** Called with the sweep id whenever a job ends (see StartWorkerOptions.onJobEnded). */
  onJobEnded?: (sweepId: string) => void;
}): Promise<void> {
  const { logger } = options;
  // Listen before starting, so a signal during start-up is not lost. A worker started by `sweepq run`
  // has an IPC channel to it: when that parent dies, however it dies, the channel closes and the
  // worker stops too — no orphans training an abandoned sweep.
  const stop = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGHUP', () => resolve('SIGHUP'));
    if (process.connected) process.once('disconnect', () => resolve('parent exited'));
  });
  let config = options.config;
  const folder = config.redis.url === undefined ? await openStateFolder(config.stateDir, { logger, role: 'server' }) : undefined;
  if (folder !== undefined) {
    config = { ...config, redis: { ...config.redis, url: folder.url } };
    logger.info({ stateDir: config.stateDir, owner: folder.owner }, 'worker on the local state folder');
  }
  try {
    const worker = await startWorker({
      config,
      logger,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.slots === undefined ? {} : { slots: options.slots }),
      ...(options.programs === undefined ? {} : { programs: options.programs }),
      ...(options.onJobEnded === undefined ? {} : { onJobEnded: options.onJobEnded }),
    });
    let reason = 'error';
    try {
      reason = await stop;
      logger.info({ signal: reason }, 'stopping worker');
    } finally {
      // Orphaned by a `sweepq run` that died: its sweep is abandoned (the next run cancels it), so
      // there is nothing to wait for — stop at once.
      await worker.close(reason === 'parent exited' ? 0 : config.worker.shutdownGraceMs);
    }
  } finally {
    await folder?.release();
  }
}
