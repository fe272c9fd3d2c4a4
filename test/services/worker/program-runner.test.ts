/**
 * A worker started with `--allow-programs` runs only the operator's own executables of those names: a
 * sweep cannot substitute a file of its own (a path, a PATH of its own, a file in the trial's working
 * folder) under an allowed name.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BundleCache } from '../../../shared/program/program-bundle.js';
import { ProgramContextSchema, type ProgramContext } from '../../../shared/schemas/program-spec.schema.js';
import { LocalObjectStore } from '../../../shared/store/local-object-store.js';
import { ProgramRunner, resolveOnPath } from '../../../services/worker/program/program-runner.js';

function context(command: string[], env: Record<string, string> = {}): ProgramContext {
  return ProgramContextSchema.parse({
    v: 1,
    kind: 'program',
    program: { command, env, workdir: null },
    limits: { memory_mb: 512, timeout_s: 60 },
  });
}

describe('ProgramRunner permissions', () => {
  let dir: string;
  let binDir: string;
  const runner = (allow: string[] | null, workerPath: string): ProgramRunner => {
    const store = new LocalObjectStore(path.join(dir, 'store'));
    return new ProgramRunner(
      { allow: allow === null ? null : new Set(allow) },
      store,
      path.join(dir, 'runs'),
      { PATH: workerPath },
      new BundleCache(store, path.join(dir, 'bundles')),
    );
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-program-runner-'));
    binDir = path.join(dir, 'bin');
    await mkdir(binDir);
    await writeFile(path.join(binDir, 'trainer'), '#!/bin/sh\nexit 0\n');
    await chmod(path.join(binDir, 'trainer'), 0o755);
    await writeFile(path.join(binDir, 'not-executable'), 'data');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('lets a worker with --programs run any command, paths included', () => {
    assert.equal(runner(null, binDir).refusal(context(['./anything', 'x'])), null);
  });

  it('runs an allowed name found on the worker PATH, and refuses names not on the list', () => {
    const allowed = runner(['trainer'], binDir);
    assert.equal(allowed.refusal(context(['trainer', '--lr', '0.1'])), null);
    assert.match(allowed.refusal(context(['python3', 'train.py']))!, /python3 is not among this worker's allowed programs \(trainer\)/);
  });

  it('refuses a path whose file name is allowed: ./trainer from a bundle, or an absolute path', () => {
    const allowed = runner(['trainer'], binDir);
    assert.match(allowed.refusal(context(['./trainer']))!, /"\.\/trainer" is a path/);
    assert.match(allowed.refusal(context([path.join(binDir, 'trainer')]))!, /is a path/);
  });

  it('refuses a sweep that sets PATH to find its own file under an allowed name', () => {
    assert.match(runner(['trainer'], binDir).refusal(context(['trainer'], { PATH: '.' }))!, /sets PATH in program\.env/);
  });

  it('never resolves an allowed name in a relative or empty PATH entry (the trial folder)', () => {
    // Only '.' and '' lead to bin/: relative to the cwd they would find it; the runner must not.
    const previous = process.cwd();
    process.chdir(binDir);
    try {
      assert.equal(resolveOnPath('trainer', `.${path.delimiter}${path.delimiter}bin`), null);
      assert.match(runner(['trainer'], `.${path.delimiter}`).refusal(context(['trainer']))!, /not installed on this worker's PATH/);
    } finally {
      process.chdir(previous);
    }
  });

  it('resolves only executable files, first PATH entry first', () => {
    assert.equal(resolveOnPath('trainer', `/nonexistent${path.delimiter}${binDir}`), path.join(binDir, 'trainer'));
    assert.equal(resolveOnPath('not-executable', binDir), null);
    assert.equal(resolveOnPath('bin', dir), null, 'a folder is not an executable');
  });
});
