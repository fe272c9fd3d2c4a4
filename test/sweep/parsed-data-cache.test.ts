/**
 * A dataset's parsed train/test pair kept beside its content-addressed file: read back equal to a
 * fresh parse (numeric NaN, categorical codes and missing -1, classification and regression targets),
 * keyed by the read settings, ignored when damaged, never written for files that are not
 * content-addressed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keepParsedData, loadTrainTestCached, parsedDataPath } from '../../shared/sweep/parsed-data-cache.js';
import { loadTrainTest, type DataReadSpec } from '../../shared/sweep/sweep-data.js';

const CSV = [
  'x,color,size,label',
  '1.5,red,0.1,yes',
  ',blue,0.2,no',
  '3.25,,0.30000000000000004,yes',
  '-4e-3,red,0.4,no',
  '5,green,0.5,yes',
  '6,blue,0.6,no',
  '7,red,0.7,yes',
  '8,green,0.8,no',
  '9,blue,0.9,yes',
  '10,red,1.0,no',
].join('\n');
const SPLIT = { test_size: 0.3, random_state: 1, stratify: false };

describe('loadTrainTestCached', () => {
  let dir: string;
  let file: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-parsed-data-'));
    file = path.join(dir, `${createHash('sha256').update(CSV).digest('hex')}.csv`);
    await writeFile(file, CSV);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cases: Array<{ name: string; read: DataReadSpec }> = [
    { name: 'classification with a categorical column', read: { target: 'label' } },
    { name: 'regression', read: { target: 'size', task: 'regression' } },
  ];
  for (const { name, read } of cases) {
    it(`reads back what parsing gives (${name}), from its own cache file`, async () => {
      const parsed = await loadTrainTest(read, SPLIT, { train: file, test: null });
      const first = await loadTrainTestCached(read, SPLIT, { train: file, test: null }, 0);
      const cached = parsedDataPath(read, SPLIT, { train: file, test: null });
      assert.ok(cached !== null);
      await readFile(cached); // written by the first call
      const second = await loadTrainTestCached(read, SPLIT, { train: file, test: null }, 0);
      assert.deepEqual(first, parsed);
      assert.deepEqual(second, parsed);
      assert.ok(second.train.columns.some((c) => c.type === 'categorical'));
    });
  }

  it('keys the cache by the read settings and the split', () => {
    const files = { train: file, test: null };
    const base = parsedDataPath({ target: 'label' }, SPLIT, files);
    assert.notEqual(parsedDataPath({ target: 'size', task: 'regression' }, SPLIT, files), base);
    assert.notEqual(parsedDataPath({ target: 'label' }, { ...SPLIT, random_state: 2 }, files), base);
    assert.notEqual(parsedDataPath({ target: 'label', delimiter: ';' }, SPLIT, files), base);
    assert.equal(parsedDataPath({ target: 'label' }, SPLIT, files), base);
  });

  it('parses again (and rewrites the copy) when the cached copy is damaged', async () => {
    const read = { target: 'label' };
    const files = { train: file, test: null };
    const parsed = await loadTrainTest(read, SPLIT, files);
    await loadTrainTestCached(read, SPLIT, files, 0);
    const cached = parsedDataPath(read, SPLIT, files)!;
    const bytes = await readFile(cached);
    bytes[3] = bytes[3]! ^ 0xff; // a flipped byte in the first column
    await writeFile(cached, bytes);
    assert.deepEqual(await loadTrainTestCached(read, SPLIT, files, 0), parsed);
    await writeFile(cached, bytes.subarray(0, 20)); // truncated
    assert.deepEqual(await loadTrainTestCached(read, SPLIT, files, 0), parsed);
    assert.equal((await readFile(cached)).length, bytes.length, 'the damaged copy is replaced by a whole one');
  });

  it('does not cache data under the size threshold (1 MiB by default)', async () => {
    const read = { target: 'label', task: 'classification' as const };
    const files = { train: file, test: null };
    await loadTrainTestCached(read, SPLIT, files);
    await assert.rejects(readFile(parsedDataPath(read, SPLIT, files)!), { code: 'ENOENT' });
  });

  it('reads a copy the submit left for small data instead of parsing the file', async () => {
    const read = { target: 'label', task: 'classification' as const };
    // Its own folder and file: the copy is written where the file will be, before it is there.
    const folder = path.join(dir, 'kept');
    const kept = path.join(folder, path.basename(file));
    const parsed = await loadTrainTest(read, SPLIT, { train: file, test: null });
    await keepParsedData(read, SPLIT, { train: kept, test: null }, parsed);
    // No data file at all: only the copy can answer.
    assert.deepEqual(await loadTrainTestCached(read, SPLIT, { train: kept, test: null }), parsed);
    // A damaged copy is a miss: the file is parsed, and no copy of small data is written back.
    const copy = parsedDataPath(read, SPLIT, { train: kept, test: null })!;
    await writeFile(copy, 'not a table');
    await copyFile(file, kept);
    assert.deepEqual(await loadTrainTestCached(read, SPLIT, { train: kept, test: null }), parsed);
    assert.equal(await readFile(copy, 'utf8'), 'not a table');
  });

  it('never caches files that are not content-addressed', async () => {
    const plain = path.join(dir, 'plain', 'data.csv');
    await mkdir(path.dirname(plain));
    await writeFile(plain, CSV);
    assert.equal(parsedDataPath({ target: 'label' }, SPLIT, { train: plain, test: null }), null);
    await loadTrainTestCached({ target: 'label' }, SPLIT, { train: plain, test: null }, 0);
    assert.deepEqual(await readdir(path.dirname(plain)), ['data.csv']);
  });
});
