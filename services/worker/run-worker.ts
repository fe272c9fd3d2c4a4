/**
 * A worker process's life, shared by its two entry points (`sweepq worker` and
 * `node dist/services/worker/main.js`): resolve Redis (REDIS_URL, or the local state folder), start the
 * worker, wait for SIGTERM/SIGINT, close gracefully, release the folder.
 */
import type { Config } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger/logger.js';
import { openStateFolder } from '../../shared/runtime/state-folder.js';
import { startWorker } from './worker-runtime.js';

export async function runWorkerProcess(options: { config: Config; logger: Logger; concurrency?: number }): Promise<void> {
  const { logger } = options;
  // Listen before starting, so a signal during start-up is not lost.
  const stop = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  let config = options.config;
  const folder = config.redis.url === undefined ? await openStateFolder(config.stateDir, { logger }) : undefined;
  if (folder !== undefined) {
    config = { ...config, redis: { ...config.redis, url: folder.url } };
    logger.info({ stateDir: config.stateDir, owner: folder.owner }, 'worker on the local state folder');
  }
  try {
    const worker = await startWorker({ config, logger, ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }) });
    try {
      const signal = await stop;
      logger.info({ signal }, 'stopping worker');
    } finally {
      await worker.close(config.worker.shutdownGraceMs);
    }
  } finally {
    await folder?.release();
  }
}
