#!/usr/bin/env node
// Test runner: node scripts/run-tests.mjs [all|unit|faults]   (run `npm run build` first; `npm test` does)
//
// Starts ONE shared redis-server and ONE MinIO server on free loopback ports in a temp folder, exports
// TEST_REDIS_URL / TEST_S3_ENDPOINT / TEST_S3_ACCESS_KEY / TEST_S3_SECRET_KEY, then runs the compiled
// tests with node's runner. Tests isolate themselves with unique prefixes, queue names and buckets, so
// the unit files run concurrently; fault tests (which kill and restart their own servers, and are
// timing-sensitive) run afterwards, one file at a time. Servers are stopped in `finally` and on signals.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureIproute2 } from './ensure-iproute2.mjs';
import { ensureMinio } from './ensure-minio.mjs';
import { ensurePython } from './ensure-python.mjs';
import { ensureRedis } from './ensure-redis.mjs';
import { ensureVersitygw } from './ensure-versitygw.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distTest = path.join(root, 'dist', 'test');
const mode = process.argv[2] ?? 'all';
if (!['all', 'unit', 'faults'].includes(mode)) {
  console.error('usage: node scripts/run-tests.mjs [all|unit|faults]');
  process.exit(2);
}

/** Compiled test files, split into fault tests (dist/test/faults/**) and the rest. */
function findTests() {
  if (!existsSync(distTest)) {
    console.error(`run-tests: ${distTest} does not exist; run \`npm run build\` first.`);
    process.exit(2);
  }
  const unit = [];
  const faults = [];
  for (const entry of readdirSync(distTest, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.test.js')) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const relative = path.relative(distTest, file);
    (relative.startsWith(`faults${path.sep}`) ? faults : unit).push(file);
  }
  return { unit: unit.sort(), faults: faults.sort() };
}

let currentChild;
/** Lines of a batch's "failing tests" digest reprinted at the very end: CI logs keep only their tail. */
const FAILURE_DIGEST_LINES = 80;

/**
 * Runs one `node --test` batch, streaming its output, counting `ℹ pass N` / `ℹ fail N` and keeping the
 * spec reporter's closing "failing tests" section (each failure's name, location and error).
 */
function runBatch(label, files, concurrency, timeoutMs, env) {
  return new Promise((resolve) => {
    if (files.length === 0) {
      console.log(`run-tests: no ${label} test files`);
      resolve({ label, code: 0, pass: 0, fail: 0, failures: [] });
      return;
    }
    console.log(`run-tests: ${label}: ${files.length} file(s), concurrency ${concurrency}`);
    const args = ['--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`, ...files];
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    currentChild = child;
    let pass = 0;
    let fail = 0;
    let pending = '';
    const failures = [];
    let inFailures = false;
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^[ℹ#]\s+(pass|fail)\s+(\d+)\s*$/u.exec(line.trim());
        if (match?.[1] === 'pass') pass = Number(match[2]);
        if (match?.[1] === 'fail') fail = Number(match[2]);
        if (/^✖ failing tests:/u.test(line.trim())) inFailures = true;
        // Stack frames outside the project's compiled files are runner internals: left out of the digest.
        else if (inFailures && failures.length < FAILURE_DIGEST_LINES && !(/^\s+at /u.test(line) && !line.includes('/dist/'))) failures.push(line);
      }
    });
    child.on('exit', (code, signal) => {
      currentChild = undefined;
      resolve({ label, code: code ?? (signal ? 1 : 0), pass, fail, failures });
    });
  });
}

const servers = [];
let stopping;
let interrupted = false;
function stopServers() {
  stopping ??= Promise.allSettled(servers.map((server) => server.stop()));
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`run-tests: ${signal}: stopping tests and servers`);
    currentChild?.kill('SIGTERM');
    void stopServers().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

let exitCode;
try {
  await ensureRedis();
  await ensureMinio();
  // Tests start their own versitygw (the second S3 server) and network namespaces; only the binaries are needed here.
  await ensureVersitygw();
  await ensureIproute2();
  // The interop, ONNX-parity and program tests need the pinned venv: installed here, up front, so a
  // failed install fails the run instead of letting those tests skip (SWEEPQ_TEST_REQUIRE_PYTHON).
  ensurePython();
  const tests = findTests();
  // The helpers are the compiled test support module, so tests and runner start servers the same way.
  const support = await import(pathToFileURL(path.join(distTest, 'support', 'servers.js')).href);
  const redis = await support.startRedisServer();
  servers.push(redis);
  const minio = await support.startMinioServer();
  servers.push(minio);
  console.log(`run-tests: redis ${redis.url}, minio ${minio.endpoint}`);
  const env = {
    ...process.env,
    TEST_REDIS_URL: redis.url,
    TEST_S3_ENDPOINT: minio.endpoint,
    TEST_S3_ACCESS_KEY: minio.accessKey,
    TEST_S3_SECRET_KEY: minio.secretKey,
    SWEEPQ_TEST_REQUIRE_PYTHON: '1',
  };

  const results = [];
  if (mode !== 'faults') {
    results.push(await runBatch('unit', tests.unit, Math.max(1, Math.min(4, os.availableParallelism())), 120_000, env));
  }
  if (mode !== 'unit' && !interrupted) {
    results.push(await runBatch('faults', tests.faults, 1, 300_000, env));
  }
  let pass = 0;
  let fail = 0;
  exitCode = 0;
  for (const result of results) {
    pass += result.pass;
    fail += result.fail;
    if (result.code !== 0) exitCode = result.code;
  }
  for (const result of results) {
    if (result.failures.length === 0) continue;
    console.log(`\nrun-tests: failures in the ${result.label} batch (first ${FAILURE_DIGEST_LINES} lines of its digest):`);
    for (const line of result.failures) console.log(line);
  }
  if (!interrupted) console.log(`${pass} passed, ${fail} failed`);
} catch (error) {
  console.error(`run-tests: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  await stopServers();
}
// A signal handler may still be finishing; it exits with 128 + signal number itself.
if (!interrupted) process.exit(exitCode);
