#!/usr/bin/env node
// `npm start`: the example sweep end to end on the embedded default. Installs redis-server when it is
// missing (Debian package), then runs `sweepq run sweeps/loan-default.yaml` (private Redis on a free
// loopback port, artefacts in ./.sweepq/objects, one worker process per CPU). Extra arguments are
// passed to `sweepq run`, e.g. `npm start -- --workers 1 --json`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { ensureRedis } from './ensure-redis.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await ensureRedis();
const args = process.argv.slice(2);
const sweepFile = args.find((a) => a.endsWith('.yaml') || a.endsWith('.yml') || a.endsWith('.json')) ?? 'sweeps/loan-default.yaml';
const rest = args.filter((a) => a !== sweepFile);
const child = spawn(process.execPath, [path.join(root, 'bin/sweepq.js'), 'run', sweepFile, ...rest], { stdio: 'inherit', cwd: root });
// The CLI handles Ctrl-C itself (it stops its workers and Redis); just wait for it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
