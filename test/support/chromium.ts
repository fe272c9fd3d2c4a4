/**
 * Debian's chromium driven by playwright-core (which downloads no browser): the path comes from
 * scripts/ensure-chromium.mjs, which installs the package when it is missing.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the browser tests keep their screenshots (one PNG per view; not committed). */
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'ui');

export async function launchChromium(): Promise<Browser> {
  const { ensureChromium } = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'ensure-chromium.mjs')).href)) as { ensureChromium(): Promise<string> };
  const executablePath = await ensureChromium();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // --no-sandbox: test machines run as root in containers, where chromium's sandbox cannot start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/**
 * How long one UI wait or action may take. The browser tests check what the dashboard shows, not how
 * fast: in `npm test` they share 2 cores with three other test files, where Playwright's 30 s default
 * was once too short.
 */
const UI_WAIT_MS = 60_000;

/** A browser context whose waits and actions use UI_WAIT_MS. */
export async function newTestContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(UI_WAIT_MS);
  return context;
}
