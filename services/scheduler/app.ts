/**
 * The scheduler's HTTP API as a fastify instance, built from a SweepClient (normally SweepService).
 * Kept separate from main.ts so tests drive it with `app.inject` and no socket.
 *
 * Routes are declared with zod schemas (fastify-type-provider-zod): one declaration validates the
 * request, types the handler and, through @fastify/swagger, writes the OpenAPI document served at
 * `/openapi.json`, so the description cannot drift from the code.
 */
import { createRequire } from 'node:module';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger/logger.js';
import { ApiErrorBodySchema, HealthSchema } from '../../shared/schemas/api.schema.js';
import { ResolvedSweepSpecSchema } from '../../shared/schemas/sweep-spec.schema.js';
import type { SweepClient } from '../../shared/sweep/sweep-client.js';
import { registerAuth } from './auth.js';
import { registerErrorHandlers } from './error-handler.js';
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

/** JSON Schema of the sweep spec for the OpenAPI components (what `POST /sweeps` accepts). */
function sweepSpecJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ResolvedSweepSpecSchema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
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

  app.setValidatorCompiler(validatorCompiler);
  // Answers are built by typed code from the same schemas; re-validating every page of 1,000 trials on
  // the way out would cost more than the query. Plain JSON.stringify.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerErrorHandlers(app);
  registerAuth(app, {
    token: config.api.token,
    requireAuthForReads: config.api.requireAuthForReads,
    publicPaths: ['/healthz'],
  });

  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'sweepq API',
        version: packageVersion(),
        description: `Submit hyperparameter sweeps, follow them and query their trials. Errors are ${JSON.stringify(Object.keys(ApiErrorBodySchema.shape))} objects with a stable code.`,
      },
      components: {
        schemas: { SweepSpec: sweepSpecJsonSchema() },
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: config.api.token === undefined ? [] : [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  void app.register(async (instance) => {
    const typed = instance.withTypeProvider<import('fastify-type-provider-zod').ZodTypeProvider>();
    typed.get('/healthz', { schema: { summary: 'liveness', tags: ['health'], response: { 200: HealthSchema } } }, async () => ({ status: 'ok' as const }));
    typed.get('/openapi.json', { schema: { hide: true } }, async () => instance.swagger());
    registerSweepRoutes(instance, {
      service,
      datasetBodyLimitBytes: config.limits.datasetBodyLimitBytes,
      sweepBodyLimitBytes: config.limits.sweepBodyLimitBytes,
      readCacheMs: config.api.readCacheMs,
    });
  });
  return app;
}
