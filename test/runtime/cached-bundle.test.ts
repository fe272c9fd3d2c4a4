import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CODE_CACHE_WRITER } from '../../shared/runtime/code-cache-checkpoint.js';

const LOADER = pathToFileURL(path.join(process.cwd(), 'dist/shared/runtime/cached-bundle.js')).href;

/** Runs `bundle` through runCachedBundle in a fresh node: its output, then the cache outcome. */
function runBundle(bundle: string): Promise<string[]> {
  const script = `import { runCachedBundle } from ${JSON.stringify(LOADER)}; const outcome = runCachedBundle(new URL(${JSON.stringify(pathToFileURL(bundle).href)})); console.log(outcome);`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout.trim().split('\n'));
    });
  });
}

describe('runCachedBundle', () => {
  let dir: string;
  let bundle: string;
  const cacheFiles = (): string[] => readdirSync(dir).filter((name) => name.startsWith('entry.cjs.') && name.endsWith('.v8-cache'));
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-cached-bundle-'));
    bundle = path.join(dir, 'entry.cjs');
    // What a CommonJS main module has: require, module, __filename, __dirname.
    await writeFile(
      bundle,
      "const { basename } = require('node:path');\nmodule.exports = 42;\nconsole.log(basename(__filename), basename(__dirname) === basename(require('node:path').dirname(__filename)));\n",
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('runs a CommonJS bundle as a main module and writes its code cache at exit', async () => {
    assert.deepEqual(await runBundle(bundle), ['entry.cjs true', 'miss']);
    assert.equal(cacheFiles().length, 1);
  });

  it('uses the cache the run before wrote', async () => {
    assert.deepEqual(await runBundle(bundle), ['entry.cjs true', 'hit']);
  });

  it('writes the cache when a process that never exits asks for it (a training process is killed)', async () => {
    const killed = path.join(dir, 'killed.cjs');
    await writeFile(
      killed,
      `console.log('trained');\nglobalThis[Symbol.for(${JSON.stringify(CODE_CACHE_WRITER.description)})]?.();\nprocess.kill(process.pid, 'SIGKILL');\n`,
    );
    await assert.rejects(runBundle(killed), /Command failed/);
    assert.equal(readdirSync(dir).filter((name) => name.startsWith('killed.cjs.') && name.endsWith('.v8-cache')).length, 1);
  });

  it('runs the bundle with zod set to parse without its JIT, before any zod loads', async () => {
    const zodConfig = path.join(dir, 'zod-config.cjs');
    await writeFile(zodConfig, 'console.log(JSON.stringify(globalThis.__zod_globalConfig));\n');
    assert.deepEqual(await runBundle(zodConfig), ['{"jitless":true}', 'miss']);
  });

  it('runs the same with a cache V8 refuses, and replaces it', async () => {
    await writeFile(path.join(dir, cacheFiles()[0]!), 'not a code cache');
    assert.deepEqual(await runBundle(bundle), ['entry.cjs true', 'rejected']);
    assert.deepEqual(await runBundle(bundle), ['entry.cjs true', 'hit']);
  });
});
