/**
 * A real scheduler app with the dashboard, on a free loopback port, for the browser tests and the UI
 * benchmark: the same buildApp as `sweepq server`, over a caller's SweepService (real Redis, real store).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../services/scheduler/app.js';
import { loadConfig } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger/logger.js';
import type { SweepService } from '../../shared/sweep/sweep-service.js';

export interface DashboardServer {
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/** Starts the app; `env` is the test's sweepq environment (tokens, auth switches included). */
export async function startDashboardServer(service: SweepService, env: Record<string, string>, logger: Logger): Promise<DashboardServer> {
  const config = loadConfig(env);
  // Live pages see changes within 200 ms instead of a second: tests wait less.
  const app = buildApp({ service, config, logger, dashboard: { service, eventIntervalMs: 200 } });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: address, close: () => app.close() };
}
