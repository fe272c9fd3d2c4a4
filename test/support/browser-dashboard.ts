/**
 * The browser tests' shared setup (issue 10): a private sweepq configuration, a SweepService, a real
 * worker, the sweeps a file needs submitted and finished, the scheduler app with the dashboard on a free
 * loopback port, and Debian's chromium (./chromium.ts). `close()` stops them in reverse order, and a
 * setup that fails half-way stops what it had started before rethrowing.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../../services/scheduler/app.js';
import { startWorker, type RunningWorker, type StartWorkerOptions } from '../../services/worker/worker-runtime.js';
import { loadConfig } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger/logger.js';
import { createSweepService, type SweepService } from '../../shared/sweep/sweep-service.js';
import { launchChromium, SCREENSHOT_DIR } from './chromium.js';
import { makeTestSetup, type TestSetup } from './test-config.js';
import { waitForSweep } from './wait-for-sweep.js';

/** How long a seeded sweep may take to finish on a loaded 2-core machine. */
const SEED_TIMEOUT_MS = 90_000;

export interface DashboardServer {
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/**
 * The same buildApp as `sweepq server`, over a caller's SweepService (real Redis, real store), on a free
 * loopback port. `env` is the test's sweepq environment (tokens, auth switches included).
 */
export async function startDashboardServer(service: SweepService, env: Record<string, string>, logger: Logger): Promise<DashboardServer> {
  const config = loadConfig(env);
  // Live pages see changes within 200 ms instead of a second: tests wait less.
  const app = buildApp({ service, config, logger, dashboard: { service, eventIntervalMs: 200 } });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: address, close: () => app.close() };
}

export interface BrowserDashboardOptions {
  /** Names the Redis prefix, queue and state folder (./test-config.ts). */
  label: string;
  /** Extra sweepq environment: tokens, auth switches. */
  env: Record<string, string>;
  /** Sent as a bearer token by `api()`. */
  readToken: string;
  /** Sweep documents submitted, in order, and waited for before the server starts. */
  sweeps: unknown[];
  /** The worker's options beyond its configuration (default: one trial at a time). */
  worker?: Omit<StartWorkerOptions, 'config' | 'logger'>;
}

export interface BrowserDashboard {
  setup: TestSetup;
  service: SweepService;
  worker: RunningWorker;
  server: DashboardServer;
  browser: Browser;
  /** The ids of `options.sweeps`, finished, in the same order. */
  sweepIds: string[];
  /** GET `urlPath` from the server with the read token; asserts a 200 and returns the JSON body. */
  api<T>(urlPath: string): Promise<T>;
  /** Keeps a full-page screenshot of `page` as test-results/ui/<name>.png. */
  shot(page: Page, name: string): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startBrowserDashboard(options: BrowserDashboardOptions): Promise<BrowserDashboard> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async (): Promise<void> => {
    while (closers.length > 0) await closers.pop()!();
  };
  try {
    const setup = await makeTestSetup(options.label, { env: options.env });
    closers.push(() => setup.cleanup());
    const service = await createSweepService({ config: setup.config, logger: setup.logger });
    closers.push(() => service.close());
    const worker = await startWorker({ concurrency: 1, ...options.worker, config: setup.config, logger: setup.logger });
    closers.push(() => worker.close(1000));
    const sweepIds: string[] = [];
    for (const document of options.sweeps) {
      const { sweepId } = await service.submit(document);
      await waitForSweep(service, sweepId, SEED_TIMEOUT_MS);
      sweepIds.push(sweepId);
    }
    const server = await startDashboardServer(service, setup.env, setup.logger);
    closers.push(() => server.close());
    const browser = await launchChromium();
    closers.push(() => browser.close());
    const api = async <T>(urlPath: string): Promise<T> => {
      const response = await fetch(`${server.url}${urlPath}`, { headers: { authorization: `Bearer ${options.readToken}` } });
      assert.equal(response.status, 200, `${urlPath}: ${response.status}`);
      return (await response.json()) as T;
    };
    const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    return { setup, service, worker, server, browser, sweepIds, api, shot, close };
  } catch (error) {
    await close();
    throw error;
  }
}
