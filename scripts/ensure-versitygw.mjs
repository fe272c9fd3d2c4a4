#!/usr/bin/env node
// Finds (or builds once) a versitygw binary: a second, independent S3 server (Versity's gateway, here
// with its posix backend) that the store tests and one end-to-end sweep run against besides MinIO,
// whose community edition is in maintenance mode (issue 8).
// $SWEEPQ_VERSITYGW_BIN → `versitygw` on PATH → ${XDG_CACHE_HOME:-$HOME/.cache}/sweepq/gobin/versitygw →
// `GOBIN=<that dir> go install github.com/versity/versitygw/cmd/versitygw@<VERSITYGW_VERSION>` (~80 s on 2 cores).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** Pinned so every machine builds the same server; the newest the Go module proxy served on 2026-11-25. */
export const VERSITYGW_VERSION = 'v1.8.0';
const MODULE = 'github.com/versity/versitygw/cmd/versitygw';

/** @returns {string} folder holding the cached go-built binaries (shared with ensure-minio.mjs). */
function gobinDir() {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(process.env.HOME || os.homedir(), '.cache');
  return path.join(cacheHome, 'sweepq', 'gobin');
}

function runs(binary, args = ['--version']) {
  const probe = spawnSync(binary, args, { stdio: 'ignore', timeout: 20_000 });
  return probe.error === undefined && probe.status === 0;
}

/** @returns {string | undefined} a runnable versitygw binary without building. */
export function findVersitygw() {
  const fromEnv = process.env.SWEEPQ_VERSITYGW_BIN;
  if (fromEnv) {
    if (!runs(fromEnv)) throw new Error(`SWEEPQ_VERSITYGW_BIN=${fromEnv} does not run (\`${fromEnv} --version\` failed).`);
    return fromEnv;
  }
  if (runs('versitygw')) return 'versitygw';
  const cached = path.join(gobinDir(), 'versitygw');
  if (existsSync(cached) && runs(cached)) return cached;
  return undefined;
}

/**
 * Returns the path of a versitygw binary, building it with `go install` if none is available.
 * @returns {Promise<string>}
 */
export async function ensureVersitygw() {
  const found = findVersitygw();
  if (found !== undefined) return found;
  const go = ['go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go'].find((candidate) => runs(candidate, ['version']));
  if (go === undefined) {
    throw new Error('No versitygw binary found and no Go toolchain to build one: set SWEEPQ_VERSITYGW_BIN, put `versitygw` on PATH, or install Go >= 1.24.');
  }
  const gobin = gobinDir();
  mkdirSync(gobin, { recursive: true });
  console.error(
    `ensure-versitygw: building versitygw with ${go} install ${MODULE}@${VERSITYGW_VERSION} into ${gobin} (about a minute and a half the first time)`,
  );
  const result = spawnSync(go, ['install', `${MODULE}@${VERSITYGW_VERSION}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: gobin },
    timeout: 30 * 60_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`go install ${MODULE}@${VERSITYGW_VERSION} failed with ${result.status ?? result.signal}`);
  const built = path.join(gobin, 'versitygw');
  if (!runs(built)) throw new Error(`go install finished but ${built} does not run.`);
  return built;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(await ensureVersitygw());
  } catch (error) {
    console.error(`ensure-versitygw: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
