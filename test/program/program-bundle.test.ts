/**
 * Program bundles (issue 14): a folder read, uploaded content-addressed, and unpacked on a worker
 * once, with every path kept inside its folder and every file checked against its hash.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidInputError, SweepqError } from '../../shared/errors/index.js';
import { BundleCache, bundleKey, readLocalBundle, uploadBundle } from '../../shared/program/program-bundle.js';
import { LocalObjectStore } from '../../shared/store/local-object-store.js';

describe('program bundles', () => {
  let dir: string;
  let store: LocalObjectStore;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-bundle-'));
    store = new LocalObjectStore(path.join(dir, 'store'));
    await store.ensureReady();
    await mkdir(path.join(dir, 'code', 'pkg'), { recursive: true });
    await mkdir(path.join(dir, 'code', '.git'), { recursive: true });
    await writeFile(path.join(dir, 'code', 'train.py'), 'print("hi")\n');
    await writeFile(path.join(dir, 'code', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(path.join(dir, 'code', 'pkg', 'util.py'), 'X = 1\n');
    await writeFile(path.join(dir, 'code', '.git', 'HEAD'), 'ref\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('uploads a folder once, by content, and unpacks it with its files and modes', async () => {
    const bundle = await readLocalBundle(path.join(dir, 'code'));
    assert.equal((await readLocalBundle(path.join(dir, 'code'))).sha256, bundle.sha256, 'the same folder is the same bundle');
    await uploadBundle(store, bundle);
    const cache = new BundleCache(store, path.join(dir, 'cache'));
    const target = path.join(dir, 'trial-1');
    await cache.copyTo(bundle.sha256, target);
    assert.equal(await readFile(path.join(target, 'pkg', 'util.py'), 'utf8'), 'X = 1\n');
    assert.equal((await stat(path.join(target, 'run.sh'))).mode & 0o777, 0o755);
    assert.equal((await stat(path.join(target, 'train.py'))).mode & 0o777, 0o644);
    await assert.rejects(stat(path.join(target, '.git')), 'version control folders stay out');
  });

  it('refuses a symbolic link in the folder', async () => {
    const linked = path.join(dir, 'linked');
    await mkdir(linked);
    await symlink('/etc/passwd', path.join(linked, 'passwd'));
    await assert.rejects(readLocalBundle(linked), (error: unknown) => error instanceof InvalidInputError && /symbolic link/.test(error.message));
  });

  /** Stores a hand-made manifest, as a hostile client with store access could. */
  async function storeManifest(files: unknown[]): Promise<string> {
    const text = JSON.stringify({ format: 'sweepq.bundle', v: 1, files });
    const sha = createHash('sha256').update(text).digest('hex');
    await store.put(bundleKey(sha), text);
    return sha;
  }

  const escaping = ['../escape.py', '/etc/cron.d/x', 'a/../../b', 'a//b', 'a\\..\\b'];
  for (const bad of escaping) {
    it(`refuses to unpack a manifest naming ${JSON.stringify(bad)}, writing nothing`, async () => {
      const blob = createHash('sha256').update('x').digest('hex');
      const sha = await storeManifest([{ path: bad, sha256: blob, bytes: 1, executable: false }]);
      const cache = new BundleCache(store, path.join(dir, 'cache-bad'));
      await assert.rejects(cache.unpacked(sha), (error: unknown) => error instanceof SweepqError && error.code === 'INVALID_ARTIFACT');
      await assert.rejects(stat(path.join(dir, 'escape.py')));
    });
  }

  it('refuses a file whose content does not match its hash', async () => {
    const claimed = createHash('sha256').update('expected').digest('hex');
    await store.put(`bundles/blobs/${claimed}`, 'tampered');
    const sha = await storeManifest([{ path: 'a.py', sha256: claimed, bytes: 8, executable: false }]);
    const cache = new BundleCache(store, path.join(dir, 'cache-tampered'));
    await assert.rejects(cache.unpacked(sha), /does not match its hash/);
    await assert.rejects(stat(path.join(dir, 'cache-tampered', sha)), 'nothing half-unpacked is left');
  });
});
