#!/usr/bin/env node
// The package's `bin`: runs the CLI. `npm ci` builds dist/ through the `prepare` script, including the
// bundle (scripts/bundle-entry-points.mjs: one file to load, through V8's code cache, instead of
// hundreds of modules). Without a bundle, or with one older than the last compile (`npx tsc` run
// alone after a build), the compiled modules run the same commands: never stale code.
// `sweepq run FILE` starts its first worker here, before the CLI loads (the worker's start is the
// longer path to a first trial; see dist/services/cli/run-worker-spawn.js).
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/bundle/cli.cjs', import.meta.url);
const lastCompile = new URL('../dist/.tsbuildinfo', import.meta.url);

function bundleIsCurrent() {
  const bundled = statSync(bundle, { throwIfNoEntry: false });
  if (bundled === undefined) return false;
  const compiled = statSync(lastCompile, { throwIfNoEntry: false });
  return compiled === undefined || compiled.mtimeMs <= bundled.mtimeMs;
}

const bundled = bundleIsCurrent();
if (process.argv[2] === 'run') {
  const { startEarlyRunWorker } = await import('../dist/services/cli/run-worker-spawn.js');
  const worker = new URL(bundled ? '../dist/bundle/worker.start.cjs' : '../dist/services/worker/main.js', import.meta.url);
  startEarlyRunWorker(process.argv.slice(2), fileURLToPath(worker));
}
if (bundled) {
  const { runCachedBundle } = await import('../dist/shared/runtime/cached-bundle.js');
  runCachedBundle(bundle);
} else {
  await import('../dist/services/cli/main.js');
}
