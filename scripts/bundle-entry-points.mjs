#!/usr/bin/env node
// Build step after tsc (run by copy-assets.mjs; issue 13, fixed costs): bundles the three process
// entry points of `sweepq run` — the CLI, the worker and the worker's training process — with esbuild
// into dist/bundle/, so each process reads one file instead of ~600 modules (node resolves, reads
// and compiles every ES module one by one: ~1,500 files for one trivial trial before this).
//
// Each bundle is CommonJS (`<name>.cjs`) so that it can run through V8's code cache, which Node 20
// offers only to `vm.Script` (shared/runtime/cached-bundle.ts); `<name>.start.cjs` is the file each
// process starts from: a worker or training process (shared/runtime/process-entry.ts), and the CLI
// through bin/sweepq.js. Code reached only through `import()`
// (fastify, the HTTP client, other commands) stays inside lazily run wrappers: parsed from the cache,
// never run by `sweepq run`. dist/ keeps the unbundled modules: tests, benches, threads and
// `node dist/services/...` use them, and bin/sweepq.js falls back to them when no bundle was built.
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const outdir = path.join(dist, 'bundle');

/**
 * Bundle name → compiled entry module. Keep in sync with shared/runtime/process-entry.ts. A training
 * process is killed rather than exiting, so it writes its code cache once it is ready (see
 * shared/runtime/code-cache-checkpoint.ts).
 */
const ENTRIES = {
  cli: 'services/cli/main.js',
  worker: 'services/worker/main.js',
  'training-process': 'services/worker/training-process.js',
};

/**
 * Modules bundled with other contents. queue-library.ts loads BullMQ and ioredis with `require`
 * (cheaper than importing CommonJS from an ES module, see its comment); in a bundle a plain import
 * costs nothing more, and lets esbuild bundle both packages instead of leaving ~300 files to `require`.
 */
const SUBSTITUTES = {
  'shared/queue/queue-library.js': ["export { Queue, Worker, DelayedError, UnrecoverableError } from 'bullmq';", "export { Redis } from 'ioredis';"].join('\n'),
};

/**
 * zod's `z` imported as a namespace (issue 13, fixed costs, round 4). `import { z } from 'zod'` takes
 * the whole `z` namespace object as one value, so esbuild keeps every export of zod — its 40-odd
 * locales, JSON Schema conversion both ways — and each process ran their module code at start (~0.6 of
 * zod's 0.8 MB in every bundle). `import * as z` is the same object to the code, and lets esbuild keep
 * only what is used. Done here rather than in the sources: the same code, one place to keep it.
 */
const ZOD_NAMED_IMPORT = "import { z } from 'zod';";
const ZOD_NAMESPACE_IMPORT = "import * as z from 'zod';";

/**
 * Every compiled module keeps finding its files (Lua scripts, thread entry points, package.json) next
 * to its own place in dist/: `import.meta.url` (empty in CommonJS) becomes the module's original URL,
 * computed from the bundle's own path at run time so the installed folder may move.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + path.sep)) return undefined;
      const relative = path.relative(dist, args.path).split(path.sep).join('/');
      const substitute = SUBSTITUTES[relative];
      if (substitute !== undefined) return { contents: substitute, loader: 'js', resolveDir: path.dirname(args.path) };
      let source = await readFile(args.path, 'utf8');
      const original = source;
      source = source.replaceAll(ZOD_NAMED_IMPORT, ZOD_NAMESPACE_IMPORT);
      if (source.includes('import.meta.url')) {
        const fromBundle = path.relative(outdir, args.path).split(path.sep).join('/');
        const moduleUrl = `new URL(${JSON.stringify(fromBundle)}, require('node:url').pathToFileURL(__filename)).href`;
        source = source.replaceAll('import.meta.url', moduleUrl);
      }
      return source === original ? undefined : { contents: source, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * Left to `require` at run time from node_modules: the servers' packages (`sweepq server`, `ui`,
 * `serve`, the MinIO store) — never on the path of `sweepq run` on the local store, and some read
 * their own files next to `__dirname`, which a bundle moves.
 */
const EXTERNAL = ['fastify', '@fastify/*', 'fastify-type-provider-zod', '@bull-board/*', 'prom-client', 'minio'];

/**
 * msgpackr's optional native extension, left out: msgpackr loads it when BullMQ loads (detect-libc's
 * process report and a dlopen, 15–30 ms of every process start; issue 13, fixed costs), and it only
 * speeds up unpacking strings, while BullMQ only packs (the arguments of its Lua scripts). msgpackr
 * takes a missing extension as "none" and packs the same.
 */
const withoutMsgpackrExtension = {
  name: 'without-msgpackr-extension',
  setup(build) {
    build.onResolve({ filter: /^msgpackr-extract$/ }, () => ({ path: 'msgpackr-extract', namespace: 'sweepq-absent' }));
    build.onLoad({ filter: /.*/, namespace: 'sweepq-absent' }, () => ({ contents: 'module.exports = undefined;', loader: 'js' }));
  },
};

/**
 * cron-parser (and luxon under it), left out: BullMQ imports it for repeatable jobs and job schedulers,
 * which sweepq never creates, and the bundles ran luxon's module code at every start (~4 ms of CPU in
 * the CLI and in each worker, and 0.3 MB of each bundle; issue 13, fixed costs, round 7). A call to it
 * would mean that BullMQ repeats a job: it fails loudly instead of silently scheduling nothing.
 */
const withoutCronParser = {
  name: 'without-cron-parser',
  setup(build) {
    build.onResolve({ filter: /^cron-parser$/ }, () => ({ path: 'cron-parser', namespace: 'sweepq-absent-cron' }));
    build.onLoad({ filter: /.*/, namespace: 'sweepq-absent-cron' }, () => ({
      contents:
        "exports.parseExpression = () => { throw new Error('repeatable jobs are not supported: cron-parser is left out of the sweepq bundles (scripts/bundle-entry-points.mjs)'); };",
      loader: 'js',
    }));
  },
};

// The learner code's hash (result-cache keys), built in: computed from the compiled modules this bundle
// is made of, so a bundled worker need not read them all again at every start.
const { learnerCodeHash } = await import(pathToFileURL(path.join(dist, 'shared/ml/learner-code-hash.js')).href);

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, module]) => [name, path.join(dist, module)])),
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // A package's ES module build before its CommonJS one (BullMQ ships both, without an `exports` map):
  // esbuild drops what an ES module build's importers never use (BullMQ's flows, job schedulers…).
  mainFields: ['module', 'main'],
  external: EXTERNAL,
  define: { SWEEPQ_BUNDLED: 'true', SWEEPQ_LEARNER_CODE_HASH: JSON.stringify(learnerCodeHash()) },
  plugins: [keepModuleUrls, withoutMsgpackrExtension, withoutCronParser],
  logLevel: 'warning',
});
/**
 * The launchers of the processes sweepq starts itself (shared/runtime/process-entry.ts): each is one
 * small CommonJS file, `<name>.start.cjs`, with cached-bundle.ts (and the CLI's or worker's prelude) bundled in,
 * that runs `<name>.cjs` through V8's code cache. CommonJS, not an ES module: node starts a CommonJS
 * main file without its ES module loader, and one file instead of a module graph (issue 13, fixed
 * costs, round 5: ~9 ms less CPU before the bundle loads, in each worker and training process).
 * The worker's prelude starts its first training process before the worker's bundle loads (loading it
 * first put the training process's own start last on the way to a first trial; see
 * services/worker/early-training-process.ts).
 */
const LAUNCHERS = {
  // bin/sweepq.js (CommonJS) requires this one: for `sweepq run FILE` it starts the run's first worker
  // before the CLI's bundle loads (services/cli/run-worker-spawn.ts; round 7: this took six ES modules
  // and node's ES module loader in bin/sweepq.js before).
  cli: [
    `import { startEarlyRunWorker } from ${JSON.stringify(path.join(dist, 'services/cli/run-worker-spawn.js'))};`,
    "startEarlyRunWorker(process.argv.slice(2), require('node:path').join(__dirname, 'worker.start.cjs'));",
  ],
  worker: [
    `import { startEarlyTrainingProcess } from ${JSON.stringify(path.join(dist, 'services/worker/early-training-process.js'))};`,
    "startEarlyTrainingProcess(require('node:path').join(__dirname, 'training-process.start.cjs'));",
  ],
  'training-process': [],
};
for (const [name, prelude] of Object.entries(LAUNCHERS)) {
  const contents = [
    `import { runCachedBundle } from ${JSON.stringify(path.join(dist, 'shared/runtime/cached-bundle.js'))};`,
    ...prelude,
    `runCachedBundle(require('node:url').pathToFileURL(require('node:path').join(__dirname, '${name}.cjs')));`,
  ].join('\n');
  await esbuild.build({
    stdin: { contents, resolveDir: outdir, sourcefile: `${name}.start.js`, loader: 'js' },
    outfile: path.join(outdir, `${name}.start.cjs`),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    banner: { js: `// Generated by scripts/bundle-entry-points.mjs: starts the ${name} bundle through V8's code cache.` },
    logLevel: 'warning',
  });
}
if (process.argv.includes('--verbose')) console.log(`bundle-entry-points: ${Object.keys(ENTRIES).join(', ')} in ${outdir}`);
