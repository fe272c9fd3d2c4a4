/**
 * The SweepService behind the HTTP API, with a bound on every Redis command: a Redis that stops
 * answering (paused, partitioned, swapping) must turn into a prompt 503 INDEX_UNAVAILABLE, not into
 * requests that hang until the client gives up while their commands pile up.
 *
 * This mirrors createSweepService (shared/sweep/sweep-service.ts) except for the connection's
 * `commandTimeout` (SWEEPQ_API_REDIS_TIMEOUT_MS). It is set once start-up (index version check,
 * possibly a migration under a lock) is done, so a long migration is not cut short.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../../shared/config/config.js';
import { SweepqError } from '../../shared/errors/index.js';
import { ensureIndexVersion } from '../../shared/index/index.js';
import type { Logger } from '../../shared/logger/logger.js';
import { createRedisConnection } from '../../shared/queue/index.js';
import { createObjectStore } from '../../shared/store/index.js';
import { SweepService } from '../../shared/sweep/sweep-service.js';

export async function createApiSweepService(options: { config: Config; logger: Logger }): Promise<SweepService> {
  const { config, logger } = options;
  const url = config.redis.url;
  if (!url) throw new SweepqError('INVALID_ARGUMENT', 'no Redis configured: set REDIS_URL (or use `sweepq run`, which starts its own)');
  const redis: Redis = createRedisConnection(url, { name: 'sweepq-api', logger });
  const store = await createObjectStore(config, logger);
  try {
    await ensureIndexVersion(redis, config.redis.prefix, (message) => logger.warn(message));
    await store.ensureReady();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  // ioredis reads the option on every command it sends, so setting it now bounds every later command.
  redis.options.commandTimeout = config.api.redisCommandTimeoutMs;
  return new SweepService({
    config,
    logger,
    redis,
    store,
    onClose: async () => {
      await redis.quit().catch(() => undefined);
      await store.close?.();
    },
  });
}
