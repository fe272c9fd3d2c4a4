/** Picks the ObjectStore implementation from the config: MinIO/S3 when configured, else a local folder. */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { LocalObjectStore } from './local-object-store.js';
import type { ObjectStore } from './object-store.js';

/**
 * `config.s3` set → {@link MinioObjectStore} (per-attempt timeout `limits.netTimeoutMs`, retry deadline
 * `s3.retryDeadlineMs`); otherwise {@link LocalObjectStore} in `<stateDir>/objects`.
 * Call `ensureReady()` on the result before use.
 */
export async function createObjectStore(config: Pick<Config, 's3' | 'stateDir' | 'limits'>, logger?: Logger): Promise<ObjectStore> {
  if (config.s3 === undefined) return new LocalObjectStore(path.join(config.stateDir, 'objects'));
  // Loaded on demand: the minio client takes ~0.2 s to import, paid by every worker and CLI start
  // even when the store is the local folder.
  const { MinioObjectStore } = await import('./minio-object-store.js');
  return new MinioObjectStore({
    endpoint: config.s3.endpoint,
    accessKey: config.s3.accessKey,
    secretKey: config.s3.secretKey,
    bucket: config.s3.bucket,
    region: config.s3.region,
    requestTimeoutMs: config.limits.netTimeoutMs,
    retryDeadlineMs: config.s3.retryDeadlineMs,
    ...(logger === undefined ? {} : { logger: logger.child({ component: 'object-store' }) }),
  });
}
