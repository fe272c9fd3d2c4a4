/** Worker process entry point: only wires config and logger into the one worker life (run-worker.ts). */
import { loadConfig } from '../../shared/config/config.js';
import { AWAIT_PARENT_FLAG, awaitParentOrders, notifyParentClosed, notifyParentJobEnded } from './parent-orders.js';
import { warmTrainingSlots } from './warm-training-slots.js';

async function main(): Promise<void> {
  let config = loadConfig();
  // The training processes load the learners while this one loads BullMQ (imported only now).
  const slots = warmTrainingSlots(config);
  const runWorker = import('./run-worker.js');
  // The logger (pino) loads after the training processes started: they are the longer path to a first
  // trial. It loads before the orders come, so a worker that has them starts at once.
  const loggerModule = import('../../shared/logger/logger.js');
  // `--programs`: started by `sweepq run` for a sweep of the user's own program (issue 14).
  let programs = process.argv.includes('--programs');
  const startedByRun = process.argv.includes(AWAIT_PARENT_FLAG);
  if (startedByRun) {
    // Started by `sweepq run` before its Redis was up: the address (and the sweep's kind) come later.
    const orders = await awaitParentOrders();
    config = { ...config, redis: { ...config.redis, url: orders.redisUrl } };
    programs = orders.programs;
  }
  const { createLogger } = await loggerModule;
  const logger = createLogger({ level: config.logLevel, name: 'sweepq-worker', pretty: config.logPretty });
  const { runWorkerProcess } = await runWorker;
  await runWorkerProcess({
    config,
    logger,
    slots,
    ...(programs ? { programs: { allow: null } } : {}),
    ...(startedByRun ? { onJobEnded: notifyParentJobEnded } : {}),
  });
  // Closed: `sweepq run` may stop its Redis while this process exits.
  if (startedByRun) await notifyParentClosed();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
