/**
 * Scheduler process entry point: only wires. Config → logger → SweepService → HTTP API → listen; on
 * SIGTERM/SIGINT the API stops accepting requests, drains, and the service closes its connections.
 */
import { ensureApiToken } from '../../shared/config/api-token.js';
import { loadConfig } from '../../shared/config/config.js';
import { SweepqError, formatLocation } from '../../shared/errors/index.js';
import { createLogger, type Logger } from '../../shared/logger/logger.js';
import { createSweepService } from '../../shared/sweep/sweep-service.js';
import { buildApp } from './app.js';

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

async function main(): Promise<void> {
  const loaded = loadConfig();
  const { token, generatedAt } = await ensureApiToken(loaded);
  const config = { ...loaded, api: { ...loaded.api, token } };
  const logger: Logger = createLogger({ level: config.logLevel, name: 'scheduler', ...(config.logPretty === undefined ? {} : { pretty: config.logPretty }) });
  if (generatedAt !== undefined) logger.warn({ tokenFile: generatedAt }, 'SWEEPQ_API_TOKEN is not set: generated a token for this run (clients on this machine read it from the file)');
  const signal = waitForSignal();
  const service = await createSweepService({ config, logger });
  try {
    const app = buildApp({ service, config, logger });
    try {
      const address = await app.listen({ port: config.api.port, host: config.api.host });
      logger.info({ address }, 'scheduler API listening');
      const received = await signal;
      logger.info({ signal: received }, 'shutting down');
    } finally {
      await app.close();
    }
  } finally {
    await service.close();
  }
}

main().catch((error: unknown) => {
  // The logger may not exist yet (bad environment), so the last word goes to stderr directly.
  if (error instanceof SweepqError) {
    const where = formatLocation(error.location);
    process.stderr.write(`scheduler: ${error.message}${where === '' ? '' : ` (${where})`}\n`);
  } else {
    process.stderr.write(`scheduler: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
