/**
 * Which SweepClient the CLI talks to: a running scheduler over HTTP (SWEEPQ_API_URL), Redis directly
 * through an in-process SweepService (REDIS_URL), or — with neither — the local state folder
 * (SWEEPQ_STATE_DIR, default ./.sweepq), where `sweepq run` keeps its results: its live Redis is
 * attached to, or started for the length of the command (see shared/runtime/state-folder.ts).
 */
import path from 'node:path';
import { readApiTokens } from '../../shared/config/api-token.js';
import type { Config } from '../../shared/config/config.js';
import { SweepqError } from '../../shared/errors/index.js';
import type { Logger } from '../../shared/logger/logger.js';
import { createCliLogger } from './cli-logger.js';
import type { SweepClient } from '../../shared/sweep/sweep-client.js';

/** Connects to the configured sweepq. The caller closes the client. */
export async function connect(config: Config, logger: Logger): Promise<SweepClient> {
  if (config.api.url !== undefined) {
    // Loaded on demand too: the HTTP client brings the API's schemas, which `sweepq run` (it imports
    // this module for its commands' helpers) and the Redis mode never use (issue 13, fixed costs).
    const { HttpSweepClient } = await import('../../shared/sweep/http-sweep-client.js');
    // Reads go with the read token when there is one (least privilege), writes with the write token.
    const tokens = await readApiTokens(config);
    return new HttpSweepClient({ baseUrl: config.api.url, token: tokens.write, readToken: tokens.read, timeoutMs: config.limits.netTimeoutMs });
  }
  // Loaded on demand: the HTTP mode (and commands like `predict`) never load BullMQ and ioredis.
  const { createSweepService } = await import('../../shared/sweep/sweep-service.js');
  if (config.redis.url !== undefined) return createSweepService({ config, logger });
  const { openStateFolder } = await import('../../shared/runtime/state-folder.js');
  const folder = await openStateFolder(config.stateDir, { logger });
  try {
    const service = await createSweepService({ config, logger, redisUrl: folder.url });
    return withRelease(service, () => folder.release());
  } catch (error) {
    await folder.release();
    throw error;
  }
}

/** A client whose close() also runs `release` (the state folder's Redis, when this process owns it). */
function withRelease(client: SweepClient, release: () => Promise<void>): SweepClient {
  const close = client.close.bind(client);
  client.close = async () => {
    try {
      await close();
    } finally {
      await release();
    }
  };
  return client;
}

/** Runs `fn` with a connected client and closes the client afterwards, whatever happens. */
export async function withClient<T>(config: Config, fn: (client: SweepClient) => Promise<T>): Promise<T> {
  const logger = createCliLogger(config);
  const client = await connect(config, logger);
  try {
    return await fn(client);
  } catch (error) {
    throw withStateFolderHint(config, error);
  } finally {
    await client.close();
  }
}

/**
 * A sweep "that does not exist" in the local state folder is most often one that `sweepq run` kept in
 * another folder: ./.sweepq is relative to where the command runs. Says which folder was searched.
 */
function withStateFolderHint(config: Config, error: unknown): unknown {
  if (config.api.url !== undefined || config.redis.url !== undefined) return error;
  // Not for a trial: a sweep that is here but lacks the trial says so itself (the hint would mislead).
  if (!(error instanceof SweepqError) || error.code !== 'NOT_FOUND' || !/^(sweep \S+ does not exist|experiment .* has no sweeps)/.test(error.message))
    return error;
  const hint = `looked in the state folder ${path.resolve(config.stateDir)}: run sweepq in the folder where \`sweepq run\` ran, or set SWEEPQ_STATE_DIR; \`sweepq sweeps\` lists what is there`;
  return new SweepqError(error.code, `${error.message} (${hint})`, { cause: error, ...(error.location === undefined ? {} : { location: error.location }) });
}
