/**
 * bin/sweepq.js (issue 13, fixed costs, round 7): a CommonJS file that requires the CLI's bundled
 * launcher (dist/bundle/cli.start.cjs) when the bundle is current, without node's ES module loader,
 * and falls back to the compiled ES modules when the bundle is missing or older than the last compile.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = process.cwd();

/** Runs `node [...nodeArgs] <root>/bin/sweepq.js ...args`: its stdout and stderr. */
function runBin(root: string, args: string[], nodeArgs: string[] = []): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...nodeArgs, path.join(root, 'bin/sweepq.js'), ...args], { cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

describe('bin/sweepq.js', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-cli-launcher-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('starts this build’s CLI bundle as CommonJS, without node’s ES module loader', async (t) => {
    const launcher = statSync(path.join(ROOT, 'dist/bundle/cli.start.cjs'), { throwIfNoEntry: false });
    const compiled = statSync(path.join(ROOT, 'dist/.tsbuildinfo'), { throwIfNoEntry: false });
    if (launcher === undefined || (compiled !== undefined && compiled.mtimeMs > launcher.mtimeMs)) {
      t.skip('no current bundle (tsc ran after the last full build): bin/sweepq.js runs the compiled modules');
      return;
    }
    // A preloaded CommonJS file reports, at exit, the CommonJS modules loaded and node's ES module loader parts.
    const report = path.join(dir, 'report.cjs');
    writeFileSync(
      report,
      "process.once('exit', () => console.error('LOADED ' + JSON.stringify({ cjs: Object.keys(require.cache), esm: process.moduleLoadList.filter((m) => m.includes('esm/')) })));\n",
    );
    const { stdout, stderr } = await runBin(ROOT, ['--version'], ['--require', report]);
    assert.match(stdout, /^\d+\.\d+\.\d+/);
    const loaded = JSON.parse(stderr.slice(stderr.indexOf('LOADED ') + 'LOADED '.length)) as { cjs: string[]; esm: string[] };
    assert.ok(loaded.cjs.includes(path.join(ROOT, 'bin/sweepq.js')), 'bin/sweepq.js is loaded as CommonJS');
    assert.ok(loaded.cjs.includes(path.join(ROOT, 'dist/bundle/cli.start.cjs')), 'the CLI runs from its bundled launcher');
    assert.deepEqual(
      loaded.esm.filter((m) => m.endsWith('esm/module_job') || m.endsWith('esm/translators')),
      [],
      'no ES module was loaded on the way to the CLI',
    );
  });

  it('runs the launcher when it is newer than the last compile, the compiled CLI otherwise', async () => {
    // A stand-in install: the real bin/, a launcher and a compiled CLI that only say which one ran.
    const root = path.join(dir, 'install');
    mkdirSync(path.join(root, 'bin'), { recursive: true });
    mkdirSync(path.join(root, 'dist/bundle'), { recursive: true });
    mkdirSync(path.join(root, 'dist/services/cli'), { recursive: true });
    copyFileSync(path.join(ROOT, 'bin/sweepq.js'), path.join(root, 'bin/sweepq.js'));
    copyFileSync(path.join(ROOT, 'bin/package.json'), path.join(root, 'bin/package.json'));
    writeFileSync(path.join(root, 'dist/services/cli/main.js'), "console.log('compiled');\n");
    const compiled = path.join(root, 'dist/.tsbuildinfo');
    const launcher = path.join(root, 'dist/bundle/cli.start.cjs');
    writeFileSync(compiled, '{}');

    assert.equal((await runBin(root, ['--version'])).stdout, 'compiled\n', 'no bundle: the compiled CLI');
    writeFileSync(launcher, "console.log('bundled', typeof require);\n");
    const now = Date.now() / 1000;
    utimesSync(compiled, now - 60, now - 60);
    utimesSync(launcher, now, now);
    assert.equal((await runBin(root, ['--version'])).stdout, 'bundled function\n', 'a current bundle: its launcher, as CommonJS');
    utimesSync(compiled, now + 60, now + 60);
    assert.equal((await runBin(root, ['--version'])).stdout, 'compiled\n', 'a compile newer than the bundle: the compiled CLI, never stale code');
  });
});
