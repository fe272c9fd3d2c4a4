/**
 * A private sweepq installation for one benchmark: its own redis-server (embedded mode, AOF as in
 * production) under a temp state folder, the local object store (no S3), a config and the same
 * configuration as environment variables for the worker processes the benchmark spawns.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../shared/config/config.js';
import { createLogger, type Logger } from '../../shared/logger/logger.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../shared/runtime/embedded-redis.js';
import { defer } from './cleanup-stack.js';

/** Variables a benchmark never inherits: it must not reach a real Redis, MinIO or scheduler. */
const STRIPPED_VARIABLES = [
  'REDIS_URL',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY',
  'S3_SECRET_KEY',
  'S3_BUCKET',
  'SWEEPQ_API_URL',
  'SWEEPQ_API_TOKEN',
  'SWEEPQ_PREFIX',
  'SWEEPQ_STATE_DIR',
  'WORKER_CONCURRENCY',
];

/** process.env without sweepq's connection variables: the base for every child a benchmark spawns. */
export function cleanParentEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of STRIPPED_VARIABLES) delete env[name];
  return env;
}

export interface BenchEnvironment {
  redis: EmbeddedRedis;
  stateDir: string;
  /** sweepq variables for this installation (REDIS_URL, prefix, state dir, log level, extra). */
  env: Record<string, string>;
  config: Config;
  logger: Logger;
  /** Stops redis-server and removes the state folder (also registered with the cleanup stack). */
  stop(): Promise<void>;
}

/** Makes a temp state folder and starts redis-server in it. `extraEnv` adds sweepq variables (e.g. SWEEPQ_MAX_TRIALS). */
export async function startBenchEnvironment(label: string, extraEnv: Record<string, string> = {}): Promise<BenchEnvironment> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), `sweepq-bench-${label}-`));
  const removeDir = defer(`rm ${stateDir}`, () => rm(stateDir, { recursive: true, force: true }));
  const redis = await startEmbeddedRedis({ stateDir });
  const stopRedis = defer(`redis ${redis.url}`, () => redis.stop());
  const env: Record<string, string> = {
    REDIS_URL: redis.url,
    SWEEPQ_PREFIX: `bench-${label}`,
    SWEEPQ_STATE_DIR: stateDir,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...extraEnv,
  };
  const config = loadConfig(env);
  const logger = createLogger({ level: 'warn', name: `bench-${label}`, pretty: false });
  let stopping: Promise<void> | null = null;
  return {
    redis,
    stateDir,
    env,
    config,
    logger,
    stop() {
      stopping ??= (async () => {
        stopRedis();
        removeDir();
        await redis.stop();
        await rm(stateDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
