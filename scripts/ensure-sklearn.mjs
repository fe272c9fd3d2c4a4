#!/usr/bin/env node
// Makes sure /usr/bin/python3 can import scikit-learn and pandas, for the benchmarks' side-by-side
// runs (bench/sklearn/sklearn_trials.py). Installs Debian's python3-sklearn and python3-pandas when
// missing. Never fails the benchmark: without them it says so, and the benchmarks fall back to the
// published scikit-learn figures (labelled "published").
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';

const PYTHON = '/usr/bin/python3';

function hasSklearn() {
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn, pandas'], { stdio: 'ignore', timeout: 60_000 });
  return probe.error === undefined && probe.status === 0;
}

function install() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!existsSync('/usr/bin/apt-get') || (!isRoot && !sudo)) return false;
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['apt-get', 'update'],
    ['apt-get', 'install', '-y', '--no-install-recommends', 'python3-sklearn', 'python3-pandas'],
  ]) {
    const all = [...prefix, ...args];
    console.error(`ensure-sklearn: ${all.join(' ')}`);
    const result = spawnSync(all[0], all.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 20 * 60_000 });
    if (result.status !== 0) return false;
  }
  return hasSklearn();
}

if (process.argv.includes('--no-sklearn') || hasSklearn() || install()) process.exit(0);
console.error('ensure-sklearn: scikit-learn is not available and could not be installed; benchmarks use the published figures');
