/** `sweepq worker`: a worker in this process until SIGTERM/SIGINT, then a graceful close. */
import { loadConfig } from '../../../shared/config/config.js';
import { InvalidInputError } from '../../../shared/errors/index.js';
import { createLogger } from '../../../shared/logger/logger.js';
import { startWorker } from '../../worker/worker-runtime.js';
import { intOption, type Command } from '../command.js';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run a worker',
  usage: `usage: sweepq worker [--concurrency N]

Trains trials from the queue at REDIS_URL until SIGTERM or Ctrl-C, then lets running trials
finish (up to SWEEPQ_SHUTDOWN_GRACE_MS) and hands the rest back to the queue.

  --concurrency N   trials trained at once (default WORKER_CONCURRENCY, 1..256)`,
  options: { concurrency: { type: 'string' } },
  positionals: [0, 0],
  async run({ values }) {
    const concurrency = intOption(values, 'concurrency', 1, 256);
    const config = loadConfig();
    if (config.redis.url === undefined) {
      throw new InvalidInputError('INVALID_ARGUMENT', 'sweepq worker needs REDIS_URL (the Redis of the scheduler); `sweepq run` starts its own workers');
    }
    const logger = createLogger({ level: config.logLevel, name: 'sweepq-worker', ...(config.logPretty === undefined ? {} : { pretty: config.logPretty }) });
    // Listen before starting, so a signal during start-up is not lost.
    const stop = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    const worker = await startWorker({ config, logger, ...(concurrency === undefined ? {} : { concurrency }) });
    try {
      const signal = await stop;
      logger.info({ signal }, 'stopping worker');
    } finally {
      await worker.close(config.worker.shutdownGraceMs);
    }
    return 0;
  },
};

