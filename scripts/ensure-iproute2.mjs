#!/usr/bin/env node
// Makes sure `ip` (iproute2) exists for the multi-host fault tests, which put workers in network
// namespaces (test/support/netns-lab.ts). Installs Debian's package when missing and we are root;
// otherwise says so and returns undefined: those tests then skip with the reason, nothing else needs `ip`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip', 'ip'];

/** @returns {string | undefined} the first `ip` that runs `-V`. */
export function findIp() {
  for (const candidate of CANDIDATES) {
    const probe = spawnSync(candidate, ['-V'], { stdio: 'ignore', timeout: 5000 });
    if (probe.error === undefined && probe.status === 0) return candidate;
  }
  return undefined;
}

function run(command, args) {
  console.error(`ensure-iproute2: ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 15 * 60_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/**
 * Returns the path of `ip`, installing iproute2 with apt-get when it is missing and we are root.
 * Without root there is no use for it (namespaces need root), so nothing is installed.
 * @returns {Promise<string | undefined>}
 */
export async function ensureIproute2() {
  const found = findIp();
  if (found !== undefined) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error('ensure-iproute2: `ip` is missing and cannot be installed here (needs root and apt-get); the multi-host fault tests will skip.');
    return undefined;
  }
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'iproute2']);
  const installed = findIp();
  if (installed === undefined) throw new Error('apt-get install iproute2 finished but `ip` still does not run.');
  return installed;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log((await ensureIproute2()) ?? 'ip unavailable');
  } catch (error) {
    console.error(`ensure-iproute2: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
