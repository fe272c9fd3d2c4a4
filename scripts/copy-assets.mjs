#!/usr/bin/env node
// Build step after tsc: copies the non-TypeScript files the compiled code reads at run time (the
// index's Lua scripts) from the sources into dist/, keeping their relative paths.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ASSET = /\.lua$/;
// Stale assets (a script renamed or removed in the sources) must not survive in dist/.
const dist = path.join(root, 'dist');
if (existsSync(dist)) {
  for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && ASSET.test(entry.name)) rmSync(path.join(entry.parentPath ?? entry.path, entry.name));
  }
}
let copied = 0;
for (const top of ['shared', 'services']) {
  for (const entry of readdirSync(path.join(root, top), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !ASSET.test(entry.name)) continue;
    const source = path.join(entry.parentPath ?? entry.path, entry.name);
    cpSync(source, path.join(root, 'dist', path.relative(root, source)));
    copied++;
  }
}
if (process.argv.includes('--verbose')) console.log(`copy-assets: ${copied} file(s)`);
// Then the bundles of the process entry points (issue 13, fixed costs). Here rather than in a step of
// its own, so every build that runs this script — `npm run build`, and `npx tsc -p tsconfig.json &&
// node scripts/copy-assets.mjs` — leaves bin/sweepq.js a bundle of the code it just compiled.
await import('./bundle-entry-points.mjs');
