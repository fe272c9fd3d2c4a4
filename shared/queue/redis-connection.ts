import type { Redis as RedisClient } from 'ioredis';
import { Redis } from './queue-library.js';
import type { Logger } from '../logger/logger.js';

/** While Redis is down every reconnect attempt errors; one log line per this period is enough. */
const ERROR_LOG_INTERVAL_MS = 10_000;

export interface RedisConnectionOptions {
  /**
   * Blocking BullMQ workers need `maxRetriesPerRequest: null` (commands wait for a reconnect
   * instead of failing); request/response clients (API, CLI) fail fast after a few retries so a
   * user sees an error instead of a hang.
   */
  blocking?: boolean;
  connectTimeoutMs?: number;
  name?: string;
  /** Where connection errors go (throttled); without a listener ioredis prints each one with a stack. */
  logger?: Logger;
}

/**
 * An ioredis connection that reconnects by itself (capped exponential backoff), so workers, the
 * scheduler and the CLI survive a Redis restart.
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): RedisClient {
  const redis = new Redis(url, {
    connectionName: options.name,
    maxRetriesPerRequest: options.blocking ? null : 3,
    enableReadyCheck: true,
    // ioredis otherwise reads its package.json and sends two CLIENT SETINFO (which Redis < 7.2 refuses)
    // before each connection is ready: a round trip and a file read on every start (issue 13, fixed costs).
    disableClientInfo: true,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  });
  let lastLogged = 0;
  redis.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < ERROR_LOG_INTERVAL_MS) return;
    lastLogged = now;
    options.logger?.warn({ connection: options.name, err: error.message }, 'redis connection error; reconnecting');
  });
  return redis;
}
