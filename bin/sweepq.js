#!/usr/bin/env node
// The package's `bin`: runs the CLI. `npm ci` builds dist/ through the `prepare` script, including the
// bundle (scripts/bundle-entry-points.mjs: one file to load, through V8's code cache, instead of
// hundreds of modules). Without a bundle, or with one older than the last compile (`npx tsc` run
// alone after a build), the compiled modules run the same commands: never stale code.
//
// CommonJS (bin/package.json), not an ES module: node starts a CommonJS main file without its ES
// module loader, and the bundled path below loads one more CommonJS file, the CLI's launcher
// (dist/bundle/cli.start.cjs: cached-bundle.ts and run-worker-spawn.ts bundled in), instead of a graph
// of six ES modules (issue 13, fixed costs, round 7). `sweepq run FILE` starts its first worker in
// that launcher, before the CLI's bundle loads (the worker's start is the longer path to a first
// trial; see dist/services/cli/run-worker-spawn.js).
'use strict';
const { statSync } = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const launcher = path.join(dist, 'bundle', 'cli.start.cjs');

/** The launcher is written after the bundle it runs: one stat tells both that they exist and how old they are. */
function bundleIsCurrent() {
  const bundled = statSync(launcher, { throwIfNoEntry: false });
  if (bundled === undefined) return false;
  const compiled = statSync(path.join(dist, '.tsbuildinfo'), { throwIfNoEntry: false });
  return compiled === undefined || compiled.mtimeMs <= bundled.mtimeMs;
}

async function runCompiled() {
  if (process.argv[2] === 'run') {
    const { startEarlyRunWorker } = await import('../dist/services/cli/run-worker-spawn.js');
    startEarlyRunWorker(process.argv.slice(2), path.join(dist, 'services', 'worker', 'main.js'));
  }
  await import('../dist/services/cli/main.js');
}

if (bundleIsCurrent()) require(launcher);
else
  runCompiled().catch((error) => {
    console.error(error);
    process.exit(1);
  });
