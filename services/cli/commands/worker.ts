/** `sweepq worker`: a worker in this process until SIGTERM/SIGINT, then a graceful close. */
import { loadConfig } from '../../../shared/config/config.js';
import { createLogger } from '../../../shared/logger/logger.js';
import { intOption, type Command } from '../command.js';

export const workerCommand: Command = {
  async run({ values }) {
    const concurrency = intOption(values, 'concurrency', 1, 256);
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel, name: 'sweepq-worker', ...(config.logPretty === undefined ? {} : { pretty: config.logPretty }) });
    // The training processes load the learners while this one loads the worker runtime and BullMQ.
    const { warmTrainingSlots } = await import('../../worker/warm-training-slots.js');
    const slots = warmTrainingSlots(config, concurrency);
    const { runWorkerProcess } = await import('../../worker/run-worker.js');
    await runWorkerProcess({ config, logger, slots });
    return 0;
  },
};
