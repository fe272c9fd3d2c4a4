/**
 * Structured logging (pino). One root logger per process; components take child loggers:
 * `logger.child({ component: 'worker' })`, with ids as fields (`sweepId`, `trialId`), never secrets.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from '../config/config.js';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear (one level of wildcard, plus the usual top-level spots).
 * Belt and braces: callers should not log secrets in the first place.
 */
const REDACT_PATHS: string[] = [
  'secretKey',
  '*.secretKey',
  '*.*.secretKey',
  'accessKey',
  '*.accessKey',
  '*.*.accessKey',
  'token',
  '*.token',
  '*.*.token',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'S3_SECRET_KEY',
  '*.S3_SECRET_KEY',
  'S3_ACCESS_KEY',
  '*.S3_ACCESS_KEY',
  'SWEEPQ_API_TOKEN',
  '*.SWEEPQ_API_TOKEN',
];

export interface CreateLoggerOptions {
  level: LogLevel;
  /** Logger name (process role), e.g. `scheduler`. */
  name?: string;
  /**
   * true → human-readable, false → JSON lines. Undefined → pretty only when stdout is a TTY.
   * Pass `config.logPretty` so NODE_ENV=production always gets JSON.
   */
  pretty?: boolean;
}

/** Creates the process's root logger: JSON lines by default, pino-pretty on an interactive terminal. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '***' },
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const usePretty = options.pretty ?? process.stdout.isTTY === true;
  if (!usePretty) return pino(pinoOptions);
  // In-process synchronous stream rather than a transport worker thread: nothing is lost on process.exit.
  return pino(pinoOptions, pretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l' }));
}
