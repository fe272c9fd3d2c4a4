/**
 * Monitoring routes: `GET /metrics` (Prometheus text) and `GET /metrics/queue` (JSON for KEDA's
 * `metrics-api` scaler). Both take the metrics token (SWEEPQ_METRICS_TOKEN) or any read credential,
 * and answer whatever the Host header (Prometheus scrapes pods by IP); without a credential only the
 * loopback rule for anonymous reads applies, as everywhere.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SweepqError } from '../../shared/errors/index.js';
import { ApiErrorBodySchema } from '../../shared/schemas/api.schema.js';
import { QueueMetricsSchema } from '../../shared/schemas/queue-metrics.schema.js';
import type { ClusterSnapshot, ClusterTelemetry } from '../../shared/telemetry/index.js';
import { isRedisUnavailableError } from './redis-unavailable.js';

const errors = { 401: ApiErrorBodySchema, 403: ApiErrorBodySchema, 429: ApiErrorBodySchema, 503: ApiErrorBodySchema };
/** Between two warnings about an unreadable Redis (Prometheus scrapes every few seconds). */
const WARN_INTERVAL_MS = 60_000;

export function registerMetricsRoutes(fastify: FastifyInstance, telemetry: ClusterTelemetry): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  let lastWarning = 0;

  app.get(
    '/metrics',
    {
      config: { role: 'read', metrics: true, anyHost: true },
      schema: {
        summary: 'Prometheus metrics: jobs per BullMQ state, trials per status, trial durations, workers, feed lag, Redis round trip',
        tags: ['metrics'],
        response: errors,
      },
    },
    async (request, reply) => {
      let snapshot: ClusterSnapshot | undefined;
      try {
        snapshot = await telemetry.snapshot();
      } catch (error) {
        // Redis down is something to report (sweepq_redis_up 0 with the process metrics), not a failed scrape.
        if (!isRedisUnavailableError(error) && !(error instanceof SweepqError && error.code === 'INDEX_UNAVAILABLE')) throw error;
        if (Date.now() - lastWarning > WARN_INTERVAL_MS) {
          lastWarning = Date.now();
          request.log.warn({ err: error }, 'metrics: Redis does not answer; reporting sweepq_redis_up 0');
        }
      }
      const body = await telemetry.prometheusText(snapshot);
      // Text, not JSON: the untyped reply (the response schema lists the error answers only).
      return (reply as FastifyReply).header('cache-control', 'no-store').type(telemetry.prometheusContentType).send(body);
    },
  );

  app.get(
    '/metrics/queue',
    {
      config: { role: 'read', metrics: true, anyHost: true },
      schema: {
        summary: 'work waiting for workers, for autoscalers (KEDA metrics-api: valueLocation demand)',
        tags: ['metrics'],
        response: { 200: QueueMetricsSchema, ...errors },
      },
    },
    async (_request, reply) => {
      const snapshot = await telemetry.snapshot();
      reply.header('cache-control', 'no-store');
      return telemetry.queueMetrics(snapshot);
    },
  );
}
