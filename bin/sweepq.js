#!/usr/bin/env node
// The package's `bin`: runs the CLI. `npm ci` builds dist/ through the `prepare` script, including the
// bundle (scripts/bundle-entry-points.mjs: one file to load, through V8's code cache, instead of
// hundreds of modules); without it (a build that stopped after tsc) the compiled modules run the same
// commands.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/cli.cjs', import.meta.url);
if (existsSync(bundle)) {
  const { runCachedBundle } = await import('../dist/shared/runtime/cached-bundle.js');
  runCachedBundle(bundle);
} else {
  await import('../dist/services/cli/main.js');
}
