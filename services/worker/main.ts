/** Worker process entry point: only wires config and logger into the one worker life (run-worker.ts). */
import { loadConfig } from '../../shared/config/config.js';
import { createLogger } from '../../shared/logger/logger.js';
import { warmTrainingSlots } from './warm-training-slots.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'sweepq-worker', pretty: config.logPretty });
  // The training processes load the learners while this one loads BullMQ (imported only now).
  const slots = warmTrainingSlots(config);
  const { runWorkerProcess } = await import('./run-worker.js');
  // `--programs`: started by `sweepq run` for a sweep of the user's own program (issue 14).
  await runWorkerProcess({ config, logger, slots, ...(process.argv.includes('--programs') ? { programs: { allow: null } } : {}) });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
