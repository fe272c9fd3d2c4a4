#!/usr/bin/env node
// Makes sure Debian's `chromium` exists for the dashboard's browser tests and `npm run bench:ui`
// (driven by playwright-core, which downloads no browser of its own). Installs the package when missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser'];

/** @returns {string | undefined} the first chromium that answers `--version`. */
export function findChromium() {
  for (const candidate of CANDIDATES) {
    if (!existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['--headless', '--no-sandbox', '--version'], { stdio: 'ignore', timeout: 20_000 });
    if (probe.error === undefined && probe.status === 0) return candidate;
  }
  return undefined;
}

function run(command, args) {
  console.error(`ensure-chromium: ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' },
    timeout: 20 * 60_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/**
 * Returns the path of chromium, installing Debian's package (via sudo when not root) if needed.
 * @returns {Promise<string>}
 */
export async function ensureChromium() {
  const found = findChromium();
  if (found !== undefined) return found;
  if (!existsSync('/usr/bin/apt-get'))
    throw new Error('chromium is not installed and apt-get is not available: install Chromium and put it at /usr/bin/chromium.');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!isRoot && !sudo) throw new Error('chromium is not installed, and installing it needs root: run `sudo apt-get install -y chromium`.');
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const command = (args) => (prefix.length === 0 ? run(args[0], args.slice(1)) : run(prefix[0], [...prefix.slice(1), ...args]));
  command(['apt-get', 'update']);
  // Fonts so screenshots show text; no recommends keeps the install small.
  command(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium', 'fonts-dejavu-core']);
  const installed = findChromium();
  if (installed === undefined) throw new Error('apt-get install chromium finished but chromium still does not run.');
  return installed;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(await ensureChromium());
  } catch (error) {
    console.error(`ensure-chromium: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
