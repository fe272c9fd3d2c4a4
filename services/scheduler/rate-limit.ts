/**
 * Request budgets (@fastify/rate-limit, in-memory store): per client — the role of the token a request
 * authenticates with (sessions share their token's budget), else its IP, so wrong tokens count against
 * the address that sends them — and separately for reads (GET/HEAD) and writes, per window. An
 * exhausted budget answers 429 RATE_LIMITED in the API's error shape with `Retry-After`. Routes with
 * `config: { rateLimit: false }` (/healthz) are exempt.
 *
 * The hook is added to the root instance after the Host check and before the role check, so refused
 * credentials are counted too (registerRateLimit must be called before any route is registered).
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimitConfig } from '../../shared/config/config.js';
import { SweepqError } from '../../shared/errors/index.js';
import { clientKeyOf, isSafeMethod, registerRoleCheck, type ApiAuth } from './auth.js';

type Budget = 'reads' | 'writes';

function budgetOf(request: FastifyRequest): Budget {
  return isSafeMethod(request.method) ? 'reads' : 'writes';
}

/** Registers the limiter and then the role check (in that order: see the file comment). */
export function registerRateLimitAndRoleCheck(app: FastifyInstance, auth: ApiAuth, limits: RateLimitConfig): void {
  void app.register(fastifyRateLimit, { global: false });
  app.after(() => {
    app.addHook(
      'onRequest',
      app.rateLimit({
        timeWindow: limits.windowMs,
        keyGenerator: (request) => `${budgetOf(request)}|${clientKeyOf(auth, request)}`,
        max: (request) => limits[budgetOf(request)],
        allowList: (request) => request.routeOptions.config.rateLimit === false || limits[budgetOf(request)] === 0,
        errorResponseBuilder: (request, context) => {
          const budget = budgetOf(request);
          return new SweepqError(
            'RATE_LIMITED',
            `too many ${budget === 'reads' ? 'read' : 'write'} requests: at most ${context.max} per ${limits.windowMs / 1000} s for one client; retry in ${context.after}`,
          );
        },
      }),
    );
    registerRoleCheck(app, auth);
  });
}
