/**
 * The scheduler's life, shared by its two entry points (`sweepq server` and
 * `node dist/services/scheduler/main.js`): token, Redis (REDIS_URL, or the local state folder), the
 * SweepService, the HTTP API; on SIGTERM/SIGINT the API stops accepting requests, drains, and
 * everything closes in reverse order.
 */
import { ensureApiToken } from '../../shared/config/api-token.js';
import type { Config } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger/logger.js';
import { openStateFolder } from '../../shared/runtime/state-folder.js';
import { createSweepService } from '../../shared/sweep/sweep-service.js';
import { ClusterTelemetry } from '../../shared/telemetry/index.js';
import { buildApp } from './app.js';

export async function runServer(options: {
  config: Config;
  logger: Logger;
  onListening?: (address: string, access: { token: string }) => void | Promise<void>;
}): Promise<void> {
  const { logger } = options;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const { token, generatedAt } = await ensureApiToken(options.config);
  let config: Config = { ...options.config, api: { ...options.config.api, token } };
  if (generatedAt !== undefined)
    logger.warn({ tokenFile: generatedAt }, 'SWEEPQ_API_TOKEN is not set: generated a token for this run (clients on this machine read it from the file)');
  const folder = config.redis.url === undefined ? await openStateFolder(config.stateDir, { logger, role: 'server' }) : undefined;
  if (folder !== undefined) config = { ...config, redis: { ...config.redis, url: folder.url } };
  try {
    const service = await createSweepService({ config, logger, commandTimeoutMs: config.api.redisCommandTimeoutMs });
    service.reconciler.start();
    service.retention.start();
    const telemetry = new ClusterTelemetry({ index: service.index, config, logger: logger.child({ component: 'metrics' }) });
    try {
      const app = buildApp({ service, config, logger, telemetry, dashboard: { service } });
      try {
        const address = await app.listen({ port: config.api.port, host: config.api.host });
        logger.info({ address, stateDir: folder === undefined ? undefined : config.stateDir }, 'scheduler API listening');
        await options.onListening?.(address, { token });
        const received = await signal;
        logger.info({ signal: received }, 'shutting down');
      } finally {
        await app.close();
      }
    } finally {
      await telemetry.close();
      await service.close();
    }
  } finally {
    await folder?.release();
  }
}
