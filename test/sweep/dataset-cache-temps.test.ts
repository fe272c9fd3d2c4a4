/**
 * Workers on one machine share the dataset cache, and each removes crash leftovers at start-up: a
 * worker starting while another downloads must leave that download's temp file alone (it used to
 * delete it, failing the other worker's trial attempt with ENOENT at its rename).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalObjectStore } from '../../shared/store/local-object-store.js';
import { DatasetCache } from '../../shared/sweep/dataset-cache.js';

describe('DatasetCache.removeTempFiles', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-dataset-temps-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('removes temp files untouched for minutes and keeps one being written, and the datasets', async () => {
    const cacheDir = path.join(dir, 'datasets');
    const cache = new DatasetCache(new LocalObjectStore(path.join(dir, 'store')), cacheDir);
    await cache.selfCheck(); // creates the folder
    const hash = 'a'.repeat(64);
    await writeFile(path.join(cacheDir, `${hash}.csv`), 'x,y\n');
    await writeFile(path.join(cacheDir, `${hash}.csv.0123456789ab.tmp`), 'partial'); // a download in flight
    const leftover = path.join(cacheDir, `${hash}.csv.ba9876543210.tmp`);
    await writeFile(leftover, 'partial');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(leftover, hourAgo, hourAgo);

    assert.equal(await cache.removeTempFiles(), 1);
    assert.deepEqual((await readdir(cacheDir)).sort(), [`${hash}.csv`, `${hash}.csv.0123456789ab.tmp`]);
  });
});
