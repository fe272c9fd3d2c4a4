/**
 * The scheduler's HTTP API as a fastify instance, built from a SweepClient (normally SweepService).
 * Kept separate from main.ts so tests drive it with `app.inject` and no socket.
 *
 * Routes are declared with zod schemas (fastify-type-provider-zod): one declaration validates the
 * request, types the handler and, through @fastify/swagger, writes the OpenAPI document served at
 * `/openapi.json`, so the description cannot drift from the code.
 *
 * Every request goes through, in order: the Host allowlist (421), the rate limit (429), the role
 * its route declares (401/403, CSRF for cookies) — all before the body is read (auth.ts). Route
 * plugins registered later (the UI) get the same: they declare `config: { role }` and may use
 * `app.sweepqAuth` (principals, `requireRole`, `createLoginLink`).
 */
import { createRequire } from 'node:module';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger/logger.js';
import { ScoringPool } from '../../shared/serving/index.js';
import { ApiErrorBodySchema, HealthSchema } from '../../shared/schemas/api.schema.js';
import { ResolvedSweepSpecSchema } from '../../shared/schemas/sweep-spec.schema.js';
import type { SweepClient } from '../../shared/sweep/sweep-client.js';
import { SweepParsePool } from '../../shared/sweep/sweep-parse-pool.js';
import type { ClusterTelemetry } from '../../shared/telemetry/index.js';
import { ApiAuth, registerAuth } from './auth.js';
import { registerAuthRoutes } from './auth.routes.js';
import { registerErrorHandlers } from './error-handler.js';
import { registerPredictRoutes } from './predict.routes.js';
import { registerMetricsRoutes } from './metrics.routes.js';
import { registerRateLimitAndRoleCheck } from './rate-limit.js';
import { registerSweepRoutes } from './sweep.routes.js';
import { registerMlflowRoutes } from './mlflow.routes.js';
import { registerBundleRoutes } from './bundle.routes.js';
import { MlflowTracking } from '../../shared/mlflow/mlflow-tracking.js';
import { SweepService } from '../../shared/sweep/sweep-service.js';
import { SweepAnalytics } from '../../shared/analytics/sweep-analytics.js';
import { registerUi } from '../ui/ui.plugin.js';
import { registerDashboardRoutes } from './dashboard.routes.js';
import { registerQueueBoard } from './queue-board.js';

export interface BuildAppOptions {
  service: SweepClient;
  config: Pick<Config, 'api' | 'limits' | 'serving'>;
  logger: Logger;
  /** Serves `/metrics` and `/metrics/queue` when given (the caller owns and closes it). */
  telemetry?: ClusterTelemetry | undefined;
  /**
   * The dashboard: its API (charts, aggregates, diagnostics, live events), the UI under /ui/ and the
   * read-only queue view at /admin/queues. Needs the in-process service (the read model and store).
   */
  dashboard?: {
    service: SweepService;
    /** The built UI (default dist/ui). */
    uiRoot?: string;
    /** Status poll interval of live event streams (ms, default 1000). */
    eventIntervalMs?: number;
  };
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
    // run-server.ts always has one (generated when unset); an in-process API without one refuses writes.
    logger.warn({ component: 'api' }, 'no SWEEPQ_API_TOKEN: the API accepts no writes');
  }

  app.setValidatorCompiler(validatorCompiler);
  // Answers are built by typed code from the same schemas; re-validating every page of 1,000 trials on
  // the way out would cost more than the query. Plain JSON.stringify.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerErrorHandlers(app);
  const auth = new ApiAuth({
    tokens: { read: config.api.readToken, write: config.api.token, program: config.api.programToken },
    metricsToken: config.api.metricsToken,
    requireAuthForReads: config.api.requireAuthForReads,
    bindHost: config.api.host,
    bindPort: config.api.port,
    allowedHosts: config.api.allowedHosts,
    sessionTtlMs: config.api.sessionTtlMs,
    loginTicketTtlMs: config.api.loginTicketTtlMs,
  });
  registerAuth(app, auth);
  registerRateLimitAndRoleCheck(app, auth, config.api.rateLimit);
  const parser = new SweepParsePool({ timeoutMs: config.api.parseTimeoutMs, limits: { datasetBodyLimitBytes: config.limits.datasetBodyLimitBytes } });
  app.addHook('onClose', () => parser.close());

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
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'SWEEPQ_API_READ_TOKEN (reads), SWEEPQ_API_TOKEN (writes and reads), SWEEPQ_METRICS_TOKEN (/metrics and /metrics/queue only)',
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'sweepq_session',
            description: 'browser session from POST /auth/session or a login link; POSTs also need x-csrf-token',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  void app.register(async (instance) => {
    const typed = instance.withTypeProvider<import('fastify-type-provider-zod').ZodTypeProvider>();
    // Liveness answers whatever the Host (probes address pods by IP), needs no token and no budget.
    typed.get(
      '/healthz',
      {
        config: { role: 'public', anyHost: true, rateLimit: false },
        schema: { summary: 'liveness', tags: ['health'], security: [], response: { 200: HealthSchema } },
      },
      async () => ({ status: 'ok' as const }),
    );
    typed.get('/openapi.json', { config: { role: 'read' }, schema: { hide: true } }, async () => instance.swagger());
    registerSweepRoutes(instance, {
      service,
      datasetBodyLimitBytes: config.limits.datasetBodyLimitBytes,
      sweepBodyLimitBytes: config.limits.sweepBodyLimitBytes,
      readCacheMs: config.api.readCacheMs,
      readCacheMaxBytes: config.api.readCacheMaxBytes,
      parser,
      authorizeProgram: (request) => auth.authorize(request, { role: 'program' }),
    });
    if (options.telemetry !== undefined) registerMetricsRoutes(instance, options.telemetry);
  });
  // Its own context: the sweep routes replace the JSON body parser, these keep fastify's.
  void app.register(async (instance) => registerAuthRoutes(instance, auth));
  // Its own context too: scoring reads every body as bytes. The thread starts on the first request.
  const scoring = new ScoringPool({ timeoutMs: config.serving.timeoutMs, cacheModels: config.serving.cacheModels });
  app.addHook('onClose', () => scoring.close());
  void app.register(async (instance) =>
    registerPredictRoutes(instance, { service, pool: scoring, maxRows: config.serving.maxRows, bodyLimitBytes: config.serving.bodyLimitBytes }),
  );
  // The MLflow tracking API needs the index and the store behind the service (not the HTTP client's view).
  if (service instanceof SweepService) void app.register(async (instance) => registerMlflowRoutes(instance, new MlflowTracking(service, service.store)));
  // Bundle uploads write to the store behind the service (program role; issue 14).
  if (service instanceof SweepService) void app.register(async (instance) => registerBundleRoutes(instance, service.bundleIntake));
  const dashboard = options.dashboard;
  if (dashboard !== undefined) {
    const analytics = new SweepAnalytics(dashboard.service);
    void app.register(async (instance) =>
      registerDashboardRoutes(instance, {
        analytics,
        service,
        logger,
        ...(dashboard.eventIntervalMs === undefined ? {} : { eventIntervalMs: dashboard.eventIntervalMs }),
      }),
    );
    void app.register(async (instance) => registerUi(instance, dashboard.uiRoot === undefined ? {} : { root: dashboard.uiRoot }));
    void app.register(async (instance) => registerQueueBoard(instance, dashboard.service.jobQueue));
  }
  return app;
}
