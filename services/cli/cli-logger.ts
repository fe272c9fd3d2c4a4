/**
 * The CLI's logger, in a module of its own: `sweepq run` creates it first thing, without loading the
 * HTTP client that connect.ts also holds (issue 13, fixed costs).
 */
import { pino } from 'pino';
import type { Config } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger/logger.js';

/**
 * The CLI's logger writes to stderr (stdout carries results and `--json` documents). Its floor is
 * `warn` unless LOG_LEVEL asks for more detail: the commands report progress themselves, and the
 * service's `info` lines would drown the tables.
 */
export function createCliLogger(config: Pick<Config, 'logLevel'>): Logger {
  const level = config.logLevel === 'debug' || config.logLevel === 'trace' || config.logLevel === 'silent' ? config.logLevel : 'warn';
  return pino(
    {
      level,
      name: 'sweepq',
      redact: { paths: ['token', '*.token', 'password', '*.password', 'secretKey', '*.secretKey', 'accessKey', '*.accessKey'], censor: '***' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
