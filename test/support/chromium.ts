/**
 * Debian's chromium driven by playwright-core (which downloads no browser): the path comes from
 * scripts/ensure-chromium.mjs, which installs the package when it is missing.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

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
