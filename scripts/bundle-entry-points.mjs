#!/usr/bin/env node
// Build step after tsc and copy-assets (issue 13, fixed costs): bundles the three process entry points
// of `sweepq run` — the CLI, the worker and the worker's training process — with esbuild into
// dist/bundle/, so each process reads a handful of files instead of ~600 modules (node resolves,
// reads and compiles every ES module one by one: ~1,500 files for one trivial trial before this).
// Code reached only through `import()` (fastify, the HTTP client, other commands) goes to chunks that
// load on demand, as before. dist/ keeps the unbundled modules: tests, benches, threads and
// `node dist/services/...` use them, and bin/sweepq.js falls back to them when no bundle was built.
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const outdir = path.join(dist, 'bundle');

/** Output name → compiled entry module. Keep in sync with shared/runtime/process-entry.ts. */
const ENTRIES = {
  cli: 'services/cli/main.js',
  worker: 'services/worker/main.js',
  'training-process': 'services/worker/training-process.js',
};

/**
 * Modules bundled with other contents. queue-library.ts loads BullMQ and ioredis with `require`
 * (cheaper than importing CommonJS from an ES module, see its comment); a bundle has no such cost, and
 * a static import lets esbuild bundle both packages instead of leaving ~300 files to `require`.
 */
const SUBSTITUTES = {
  'shared/queue/queue-library.js': [
    "export { Queue, Worker, DelayedError, UnrecoverableError } from 'bullmq';",
    "export { Redis } from 'ioredis';",
  ].join('\n'),
};

/**
 * Every compiled module keeps finding its files (Lua scripts, thread entry points, package.json) next
 * to its own place in dist/: `import.meta.url` becomes the module's original URL, computed from the
 * bundle's at run time so the installed folder may move.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + path.sep)) return undefined;
      const relative = path.relative(dist, args.path).split(path.sep).join('/');
      const substitute = SUBSTITUTES[relative];
      if (substitute !== undefined) return { contents: substitute, loader: 'js', resolveDir: path.dirname(args.path) };
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromBundle = path.relative(outdir, args.path).split(path.sep).join('/');
      const moduleUrl = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', moduleUrl), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(dist, file)])),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS packages inside an ES module bundle call `require` for node's own modules.
  banner: { js: "import { createRequire as __sweepqCreateRequire } from 'node:module'; const require = __sweepqCreateRequire(import.meta.url);" },
  define: { SWEEPQ_BUNDLED: 'true' },
  chunkNames: '[name]-[hash]',
  plugins: [keepModuleUrls],
  // Optional native/peer modules some packages probe for with `require` inside try/catch.
  external: [],
  logLevel: 'warning',
  metafile: true,
});

if (process.argv.includes('--verbose')) {
  const outputs = Object.entries(result.metafile.outputs);
  let bytes = 0;
  for (const [, output] of outputs) bytes += output.bytes;
  console.log(`bundle-entry-points: ${outputs.length} file(s), ${(bytes / 1e6).toFixed(1)} MB in ${pathToFileURL(outdir).href}`);
}
