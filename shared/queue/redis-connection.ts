import { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  /**
   * Blocking BullMQ workers need `maxRetriesPerRequest: null` (commands wait for a reconnect
   * instead of failing); request/response clients (API, CLI) fail fast after a few retries so a
   * user sees an error instead of a hang.
   */
  blocking?: boolean;
  connectTimeoutMs?: number;
  name?: string;
}

/**
 * An ioredis connection that reconnects by itself (capped exponential backoff), so workers, the
 * scheduler and the CLI survive a Redis restart.
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  return new Redis(url, {
    connectionName: options.name,
    maxRetriesPerRequest: options.blocking ? null : 3,
    enableReadyCheck: true,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  });
}
