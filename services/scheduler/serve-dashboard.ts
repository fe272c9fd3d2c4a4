/**
 * The dashboard beside a running `sweepq run --ui`: the scheduler app (API + UI) over the run's own
 * SweepService on a loopback port, and a login link for the browser. Closed by the run when it ends.
 */
import { ensureApiToken } from '../../shared/config/api-token.js';
import type { Config } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger/logger.js';
import type { SweepService } from '../../shared/sweep/sweep-service.js';
import { buildApp } from './app.js';
import { requestLoginLink } from './login-link.js';

export interface ServedDashboard {
  /** The one-time login link (opens /ui/ with a write session). */
  loginUrl: string;
  close(): Promise<void>;
}

export async function serveDashboard(options: { service: SweepService; config: Config; logger: Logger; port?: number }): Promise<ServedDashboard> {
  const { token } = await ensureApiToken(options.config);
  const config: Config = { ...options.config, api: { ...options.config.api, token } };
  const app = buildApp({ service: options.service, config, logger: options.logger, dashboard: { service: options.service } });
  try {
    const address = await app.listen({ port: options.port ?? 0, host: config.api.host });
    return { loginUrl: await requestLoginLink(address, token), close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  }
}
