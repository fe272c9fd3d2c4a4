#!/usr/bin/env node
// Makes sure a `redis-server` binary exists (embedded mode and the test runner spawn it themselves).
// Installs Debian's package when missing; never starts or enables redis as a system service.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['redis-server', '/usr/bin/redis-server', '/usr/local/bin/redis-server'];

/** @returns {string | undefined} the first redis-server that runs `--version`. */
export function findRedisServer() {
  for (const candidate of CANDIDATES) {
    const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore', timeout: 5000 });
    if (probe.error === undefined && probe.status === 0) return candidate;
  }
  return undefined;
}

function run(command, args) {
  console.error(`ensure-redis: ${[command, ...args].join(' ')}`);
  // RUNLEVEL=1 makes Debian's policy-rc.d/invoke-rc.d skip starting the service after install.
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' },
    timeout: 15 * 60_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/**
 * Returns the path of redis-server, installing it with apt-get (via sudo when not root) if needed.
 * @returns {Promise<string>}
 */
export async function ensureRedis() {
  const found = findRedisServer();
  if (found !== undefined) return found;
  if (!existsSync('/usr/bin/apt-get')) {
    throw new Error(
      'redis-server is not installed and apt-get is not available: install Redis >= 6.2 (https://redis.io/docs/latest/operate/oss_and_stack/install/) or set REDIS_URL.',
    );
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!isRoot && !sudo) {
    throw new Error('redis-server is not installed, and installing it needs root: run `sudo apt-get install -y redis-server` or set REDIS_URL.');
  }
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const command = (args) => (prefix.length === 0 ? run(args[0], args.slice(1)) : run(prefix[0], [...prefix.slice(1), ...args]));
  command(['apt-get', 'update']);
  command(['apt-get', 'install', '-y', '--no-install-recommends', 'redis-server']);
  const installed = findRedisServer();
  if (installed === undefined) throw new Error('apt-get install redis-server finished but redis-server still does not run.');
  return installed;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(await ensureRedis());
  } catch (error) {
    console.error(`ensure-redis: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
