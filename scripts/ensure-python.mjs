#!/usr/bin/env node
// Makes sure the project's one Python virtualenv exists at ~/.cache/sweepq/py with exactly the pins
// of scripts/python-requirements.txt (peers for benchmarks, the MLflow client and onnxruntime for
// interop tests). Idempotent and cheap when up to date: the requirements file's hash is stored in the
// venv, and a changed pin rebuilds it. Prints the venv's python path on stdout.
//
//   node scripts/ensure-python.mjs            → installs when missing, prints the interpreter path
//   import { ensurePython } from './ensure-python.mjs'
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requirements = path.join(root, 'scripts', 'python-requirements.txt');

/** Where the virtualenv lives (SWEEPQ_PY_VENV overrides, for CI caches). */
export function venvDir() {
  return process.env.SWEEPQ_PY_VENV ?? path.join(os.homedir(), '.cache', 'sweepq', 'py');
}

export function venvPython() {
  return path.join(venvDir(), 'bin', 'python');
}

function run(command, args, options = {}) {
  console.error(`ensure-python: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], timeout: 30 * 60_000, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

/** A python3 (≥ 3.10) that can create virtualenvs. */
function basePython() {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import sys, venv, ensurepip; assert sys.version_info >= (3, 10)'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  throw new Error('no python3 ≥ 3.10 with the venv module (install python3-venv)');
}

/** Creates or refreshes the venv; returns the interpreter path. */
export function ensurePython() {
  const dir = venvDir();
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  const stamp = path.join(dir, '.sweepq-requirements.sha256');
  if (existsSync(venvPython()) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted) return venvPython();
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  run(basePython(), ['-m', 'venv', dir]);
  const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  run(venvPython(), ['-m', 'pip', 'install', '--quiet', '-r', requirements], { env });
  writeFileSync(stamp, `${wanted}\n`);
  return venvPython();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensurePython());
  } catch (error) {
    console.error(`ensure-python: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
