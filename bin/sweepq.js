#!/usr/bin/env node
// The package's `bin`: runs the CLI. `npm ci` builds dist/ through the `prepare` script, including the
// bundle (scripts/bundle-entry-points.mjs: one file to load instead of hundreds of modules); without
// it (a build that stopped after tsc) the compiled modules run the same commands.
import { existsSync } from 'node:fs';

const bundled = new URL('../dist/bundle/cli.js', import.meta.url);
await import(existsSync(bundled) ? bundled.href : '../dist/services/cli/main.js');
