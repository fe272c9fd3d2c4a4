/**
 * Which SweepClient the CLI talks to: a running scheduler over HTTP (SWEEPQ_API_URL), or Redis
 * directly through an in-process SweepService (REDIS_URL). `sweepq run` does not come here: it
 * brings up its own Redis and workers.
 */
import { pino } from 'pino';
import { readApiToken } from '../../shared/config/api-token.js';
import type { Config } from '../../shared/config/config.js';
import { InvalidInputError } from '../../shared/errors/index.js';
import type { Logger } from '../../shared/logger/logger.js';
import { HttpSweepClient } from '../../shared/sweep/http-sweep-client.js';
import type { SweepClient } from '../../shared/sweep/sweep-client.js';

/**
 * The CLI's logger writes to stderr (stdout carries results and `--json` documents). Its floor is
 * `warn` unless LOG_LEVEL asks for more detail: the commands report progress themselves, and the
 * service's `info` lines would drown the tables.
 */
export function createCliLogger(config: Pick<Config, 'logLevel'>): Logger {
  const level = config.logLevel === 'debug' || config.logLevel === 'trace' || config.logLevel === 'silent' ? config.logLevel : 'warn';
  return pino(
    { level, name: 'sweepq', redact: { paths: ['token', '*.token', 'password', '*.password', 'secretKey', '*.secretKey', 'accessKey', '*.accessKey'], censor: '***' } },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** Connects to the configured sweepq. The caller closes the client. */
export async function connect(config: Config, logger: Logger): Promise<SweepClient> {
  if (config.api.url !== undefined) {
    const token = await readApiToken(config);
    return new HttpSweepClient({ baseUrl: config.api.url, token, timeoutMs: config.limits.netTimeoutMs });
  }
  if (config.redis.url !== undefined) {
    // Loaded on demand: the HTTP mode (and commands like `predict`) never load BullMQ and ioredis.
    const { createSweepService } = await import('../../shared/sweep/sweep-service.js');
    return await createSweepService({ config, logger });
  }
  throw new InvalidInputError(
    'INVALID_ARGUMENT',
    'no sweepq to talk to: set SWEEPQ_API_URL to a running scheduler (e.g. http://127.0.0.1:8080) or REDIS_URL to its Redis, or use `sweepq run FILE` to run a sweep locally',
  );
}

/** Runs `fn` with a connected client and closes the client afterwards, whatever happens. */
export async function withClient<T>(config: Config, fn: (client: SweepClient) => Promise<T>): Promise<T> {
  const logger = createCliLogger(config);
  const client = await connect(config, logger);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
