/** Scheduler process entry point: only wires config and logger into the scheduler's life (run-server.ts). */
import { loadConfig } from '../../shared/config/config.js';
import { SweepqError, formatLocation } from '../../shared/errors/index.js';
import { createLogger } from '../../shared/logger/logger.js';
import { runServer } from './run-server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'scheduler', ...(config.logPretty === undefined ? {} : { pretty: config.logPretty }) });
  await runServer({ config, logger });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // The logger may not exist yet (bad environment), so the last word goes to stderr directly.
    if (error instanceof SweepqError) {
      const where = formatLocation(error.location);
      process.stderr.write(`scheduler: ${error.message}${where === '' ? '' : ` (${where})`}\n`);
    } else {
      process.stderr.write(`scheduler: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  },
);
