/**
 * The scheduler's HTTP API as a fastify instance, built from a SweepClient (normally SweepService).
 * Kept separate from main.ts so tests drive it with `app.inject` and no socket.
 */
import { createRequire } from 'node:module';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger/logger.js';
import type { SweepClient } from '../../shared/sweep/sweep-client.js';
import { registerAuth } from './auth.js';
import { registerErrorHandlers } from './error-handler.js';
import { buildOpenApiDocument } from './openapi.js';
import { registerSweepRoutes } from './sweep.routes.js';

export interface BuildAppOptions {
  service: SweepClient;
  config: Pick<Config, 'api' | 'limits'>;
  logger: Logger;
}

/** Time to receive the request headers and body of one request (slow-loris bound). */
const REQUEST_TIMEOUT_MS = 120_000;
/** Idle time before a fresh connection that sent nothing is closed. */
const CONNECTION_TIMEOUT_MS = 30_000;

function packageVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    // dist/services/scheduler/app.js → the package root is three levels up; same depth from the sources.
    const pkg = require('../../../package.json') as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Builds the API. The caller owns `service` (the app never closes it) and calls `listen`/`close`. */
export function buildApp(options: BuildAppOptions): FastifyInstance {
  const { service, config, logger } = options;
  const app = Fastify({
    loggerInstance: logger.child({ component: 'api' }),
    // Default for routes without their own limit; uploads raise it per route.
    bodyLimit: config.limits.sweepBodyLimitBytes,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Ids never need more; long paths are garbage or probes.
    routerOptions: { maxParamLength: 100 },
    return503OnClosing: true,
    // Two JSON log lines per request cost more CPU than a status query itself; polling clients would
    // spend the scheduler's CPU on logging. Errors are still logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;

  if (config.api.token === undefined) {
    logger.warn({ component: 'api' }, 'SWEEPQ_API_TOKEN is not set: the API accepts unauthenticated submissions; set it before exposing the port');
  }

  registerErrorHandlers(app);
  registerAuth(app, {
    token: config.api.token,
    requireAuthForReads: config.api.requireAuthForReads,
    publicPaths: ['/healthz'],
  });

  const openapi = buildOpenApiDocument({ version: packageVersion(), readsNeedAuth: config.api.requireAuthForReads });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/openapi.json', async () => openapi);

  registerSweepRoutes(app, {
    service,
    datasetBodyLimitBytes: config.limits.datasetBodyLimitBytes,
    sweepBodyLimitBytes: config.limits.sweepBodyLimitBytes,
    readCacheMs: config.api.readCacheMs,
  });
  return app;
}
