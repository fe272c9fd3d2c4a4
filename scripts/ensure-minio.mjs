#!/usr/bin/env node
// Finds (or builds once) a MinIO server binary for tests and local S3 use:
// $SWEEPQ_MINIO_BIN → `minio` on PATH → ${XDG_CACHE_HOME:-$HOME/.cache}/sweepq/gobin/minio →
// `GOBIN=<that dir> go install github.com/minio/minio@latest` (several minutes the first time).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** @returns {string} folder holding the cached go-built binary. */
export function minioCacheDir() {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(process.env.HOME || os.homedir(), '.cache');
  return path.join(cacheHome, 'sweepq', 'gobin');
}

function runs(binary, args = ['--version']) {
  const probe = spawnSync(binary, args, { stdio: 'ignore', timeout: 20_000 });
  return probe.error === undefined && probe.status === 0;
}

/** @returns {string | undefined} a runnable MinIO binary without building. */
export function findMinio() {
  const fromEnv = process.env.SWEEPQ_MINIO_BIN;
  if (fromEnv) {
    if (!runs(fromEnv)) throw new Error(`SWEEPQ_MINIO_BIN=${fromEnv} does not run (\`${fromEnv} --version\` failed).`);
    return fromEnv;
  }
  if (runs('minio')) return 'minio';
  const cached = path.join(minioCacheDir(), 'minio');
  if (existsSync(cached) && runs(cached)) return cached;
  return undefined;
}

/**
 * Returns the path of a MinIO server binary, building it with `go install` if none is available.
 * @returns {Promise<string>}
 */
export async function ensureMinio() {
  const found = findMinio();
  if (found !== undefined) return found;
  const go = ['go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go'].find((candidate) => runs(candidate, ['version']));
  if (go === undefined) {
    throw new Error(
      'No MinIO binary found and no Go toolchain to build one: set SWEEPQ_MINIO_BIN, put `minio` on PATH (https://min.io/download), or install Go >= 1.24.',
    );
  }
  const gobin = minioCacheDir();
  mkdirSync(gobin, { recursive: true });
  console.error(`ensure-minio: building MinIO with ${go} install github.com/minio/minio@latest into ${gobin} (takes a few minutes the first time)`);
  const result = spawnSync(go, ['install', 'github.com/minio/minio@latest'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: gobin },
    timeout: 60 * 60_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`go install github.com/minio/minio@latest failed with ${result.status ?? result.signal}`);
  const built = path.join(gobin, 'minio');
  if (!runs(built)) throw new Error(`go install finished but ${built} does not run.`);
  return built;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(await ensureMinio());
  } catch (error) {
    console.error(`ensure-minio: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
