/**
 * A private sweepq configuration per test: its own Redis prefix, queue name, state folder and (when
 * asked) its own MinIO bucket, so tests never share state. `env` is the same configuration as
 * environment variables, for the worker and CLI processes a test spawns.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../shared/config/config.js';
import { createLogger, type Logger } from '../../shared/logger/logger.js';
import { testEnv, uniquePrefix } from './servers.js';

export interface TestSetup {
  config: Config;
  env: Record<string, string>;
  logger: Logger;
  stateDir: string;
  cleanup(): Promise<void>;
}

export async function makeTestSetup(label: string, options: { s3?: boolean; env?: Record<string, string> } = {}): Promise<TestSetup> {
  const shared = testEnv();
  if (!shared.redisUrl) throw new Error('TEST_REDIS_URL is not set: run tests through `npm test` (scripts/run-tests.mjs)');
  const prefix = uniquePrefix(label);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), `sweepq-${label}-`));
  const env: Record<string, string> = {
    REDIS_URL: shared.redisUrl,
    SWEEPQ_PREFIX: prefix,
    SWEEPQ_QUEUE_NAME: prefix,
    SWEEPQ_STATE_DIR: stateDir,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // Tests assert the mechanics of whole trials (one job, its attempts); `cv.split_folds: auto` would
    // split their long forests into fold jobs. Tests of fold jobs ask for them (`split_folds: always`
    // or their own threshold); test/faults/fold-jobs.test.ts covers their faults.
    SWEEPQ_FOLD_SPLIT_MIN_COST: String(Number.MAX_SAFE_INTEGER),
    ...options.env,
  };
  if (options.s3) {
    if (!shared.s3) throw new Error('TEST_S3_ENDPOINT is not set: run tests through `npm test`');
    Object.assign(env, {
      S3_ENDPOINT: shared.s3.endpoint,
      S3_ACCESS_KEY: shared.s3.accessKey,
      S3_SECRET_KEY: shared.s3.secretKey,
      S3_BUCKET: prefix,
    });
  }
  const config = loadConfig(env);
  const logger = createLogger({ level: 'warn', name: label, pretty: false });
  return {
    config,
    env,
    logger,
    stateDir,
    cleanup: () => rm(stateDir, { recursive: true, force: true }),
  };
}
