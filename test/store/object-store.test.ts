import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidInputError, SweepqError } from '../../shared/errors/index.js';
import { assertObjectKey, LocalObjectStore, type ObjectStore } from '../../shared/store/index.js';
import { MinioObjectStore } from '../../shared/store/minio-object-store.js';
import { startVersitygwServer, testEnv, uniquePrefix, versitygwUnavailableReason } from '../support/servers.js';

const INVALID_KEYS = [
  '../../etc/passwd',
  '/abs',
  'a//b',
  'a:b',
  '',
  'a/',
  '.',
  'a/./b',
  'a/../b',
  'a\\b',
  'spa ce',
  'caf\u00e9',
  'x'.repeat(513),
  'x'.repeat(238),
];
const VALID_KEYS = ['datasets/3f2a.csv', 'artifacts/s-1/t_2.json', 'a', '.hidden', 'a..b', 'x'.repeat(237), `${'a'.repeat(237)}/${'b'.repeat(237)}`];

describe('assertObjectKey', () => {
  for (const key of VALID_KEYS) {
    it(`accepts ${JSON.stringify(key.slice(0, 40))}`, () => assertObjectKey(key));
  }
  for (const key of INVALID_KEYS) {
    it(`rejects ${JSON.stringify(key.slice(0, 40))} with INVALID_ARGUMENT`, () => {
      assert.throws(
        () => assertObjectKey(key),
        (error: unknown) => error instanceof InvalidInputError && error.code === 'INVALID_ARGUMENT',
      );
    });
  }
});

interface StoreCase {
  name: string;
  skip: string | false;
  create(): Promise<{ store: ObjectStore; cleanup(): Promise<void> }>;
}

const s3 = testEnv().s3;
const versitygwMissing = await versitygwUnavailableReason();
const cases: StoreCase[] = [
  {
    name: 'LocalObjectStore',
    skip: false,
    async create() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-store-'));
      return { store: new LocalObjectStore(path.join(dir, 'objects')), cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'MinioObjectStore',
    skip: s3 === undefined ? 'TEST_S3_ENDPOINT not set (run through scripts/run-tests.mjs)' : false,
    async create() {
      assert.ok(s3 !== undefined);
      const store = new MinioObjectStore({ ...s3, bucket: uniquePrefix('store'), requestTimeoutMs: 5000, retryDeadlineMs: 10_000 });
      return { store, cleanup: () => store.close() };
    },
  },
  {
    // A second, independent S3 server (issue 8: MinIO's community edition is in maintenance mode):
    // the same client against Versity's gateway on its posix backend, started for this suite alone.
    name: 'MinioObjectStore on versitygw (posix backend)',
    skip: versitygwMissing ?? false,
    async create() {
      const server = await startVersitygwServer();
      const { endpoint, accessKey, secretKey } = server;
      const store = new MinioObjectStore({ endpoint, accessKey, secretKey, bucket: uniquePrefix('store'), requestTimeoutMs: 5000, retryDeadlineMs: 10_000 });
      return {
        store,
        async cleanup() {
          await store.close();
          await server.stop();
        },
      };
    },
  },
];

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof SweepqError && error.code === code);
}

for (const testCase of cases) {
  describe(testCase.name, { skip: testCase.skip }, () => {
    let store: ObjectStore;
    let cleanup: () => Promise<void>;

    before(async () => {
      ({ store, cleanup } = await testCase.create());
      await store.ensureReady();
    });
    after(async () => cleanup());

    it('is ready again when ensureReady runs twice, also concurrently, and keeps what it stored', async () => {
      await store.put('ready/marker.json', '{"kept":true}');
      const results = await Promise.allSettled([store.ensureReady(), store.ensureReady()]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled'],
      );
      await store.ensureReady();
      assert.equal((await store.get('ready/marker.json')).toString('utf8'), '{"kept":true}', 'a repeated ensureReady does not recreate the bucket or folder');
    });

    it('returns the exact bytes that were put', async () => {
      const body = randomBytes(64 * 1024);
      await store.put('datasets/blob.bin', body);
      assert.deepEqual(await store.get('datasets/blob.bin'), body);
    });

    it('stores strings as UTF-8', async () => {
      await store.put('artifacts/s1/t1.json', '{"α":1}', { contentType: 'application/json' });
      assert.equal((await store.get('artifacts/s1/t1.json')).toString('utf8'), '{"α":1}');
    });

    it('stores a fresh key (in place) and a non-durable one like any other, folders made as needed', async () => {
      await store.put('artifacts/s2/t1/a.diagnostics.json', '{"d":1}', { fresh: true, durable: false });
      await store.put('artifacts/s2/t1/a.json', '{"p":1}', { fresh: true });
      await store.put('plain/not-durable.txt', 'x', { durable: false });
      assert.equal((await store.get('artifacts/s2/t1/a.diagnostics.json')).toString(), '{"d":1}');
      assert.equal((await store.get('artifacts/s2/t1/a.json')).toString(), '{"p":1}');
      assert.equal((await store.get('plain/not-durable.txt')).toString(), 'x');
    });

    it('stores a group of new objects in several folders, durable and not, in one call', async () => {
      const group = [];
      for (let t = 0; t < 3; t++) {
        group.push({ key: `artifacts/s3/t${t}/a.diagnostics.json`, body: `{"d":${t}}`, contentType: 'application/json', durable: false });
        group.push({ key: `artifacts/s3/t${t}/a.json`, body: Buffer.from(`{"p":${t}}`), contentType: 'application/json' });
      }
      await store.putGroup(group);
      await store.putGroup([]);
      for (const o of group) assert.equal((await store.get(o.key)).toString(), o.body.toString());
      await assert.rejects(store.putGroup([{ key: '../escape.json', body: 'x' }]), { code: 'INVALID_ARGUMENT' });
    });

    it('finds, copies out, deletes and counts objects stored as a group', async () => {
      const keys = ['grouped/s/t0.a.json', 'grouped/s/t0.a.diagnostics.json', 'grouped/s/t1.b.json'];
      await store.putGroup(keys.map((key, i) => ({ key, body: `{"i":${i}}`, durable: i !== 1 })));
      assert.equal(await store.exists(keys[2]!), true);
      assert.equal(await store.exists('grouped/s/t2.c.json'), false);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-store-copy-'));
      try {
        await store.getToFile(keys[0]!, path.join(dir, 'copy.json'));
        assert.equal(await readFile(path.join(dir, 'copy.json'), 'utf8'), '{"i":0}');
        await expectCode(store.getToFile('grouped/s/t2.c.json', path.join(dir, 'missing.json')), 'NOT_FOUND');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      await store.delete(keys[1]!);
      assert.equal(await store.exists(keys[1]!), false);
      await expectCode(store.get(keys[1]!), 'NOT_FOUND');
      assert.equal(await store.deleteFolder('grouped'), 2);
      assert.equal(await store.exists(keys[0]!), false);
    });

    it('replaces the object on a second put of the same key', async () => {
      await store.put('over/write.txt', 'first');
      await store.put('over/write.txt', 'second');
      assert.equal((await store.get('over/write.txt')).toString(), 'second');
    });

    it('round-trips an empty object and a 5 MiB object', async () => {
      await store.put('sizes/empty', Buffer.alloc(0));
      assert.equal((await store.get('sizes/empty')).length, 0);
      const big = randomBytes(5 * 1024 * 1024);
      await store.put('sizes/big', big);
      assert.ok((await store.get('sizes/big')).equals(big));
    });

    it('reports existence before and after delete', async () => {
      await store.put('exists/yes', 'x');
      assert.equal(await store.exists('exists/yes'), true);
      assert.equal(await store.exists('exists/no'), false);
      await store.delete('exists/yes');
      assert.equal(await store.exists('exists/yes'), false);
    });

    it('throws NOT_FOUND when getting a missing key', async () => {
      await expectCode(store.get('missing/key.json'), 'NOT_FOUND');
    });

    it('treats deleting a missing key as done', async () => {
      await assert.doesNotReject(store.delete('missing/never-there'));
      assert.equal(await store.exists('missing/never-there'), false);
    });

    it('deletes a folder: every object under it at any depth, nothing beside it, again as a no-op', async () => {
      for (let i = 0; i < 5; i++) await store.put(`folder/a/t${i}/x.json`, String(i));
      await store.put('folder/a/top.json', 'top');
      await store.put('folder/ab/keep.json', 'sibling with a common prefix');
      assert.equal(await store.deleteFolder('folder/a'), 6);
      assert.equal(await store.exists('folder/a/t0/x.json'), false);
      assert.equal(await store.exists('folder/a/top.json'), false);
      assert.equal((await store.get('folder/ab/keep.json')).toString(), 'sibling with a common prefix');
      assert.equal(await store.deleteFolder('folder/a'), 0);
      await expectCode(store.deleteFolder('../etc'), 'INVALID_ARGUMENT');
    });

    // Every key the gate accepts must be storable: MinIO (XMinioInvalidObjectName) and versitygw
    // (KeyTooLongError) refuse segments over 255 bytes, the local store over 237 (its temp file adds
    // 18 characters), so the gate caps segments at 237.
    for (const key of VALID_KEYS) {
      it(`stores and reads back the accepted key ${JSON.stringify(key.slice(0, 40))}`, async () => {
        await store.put(key, 'v');
        assert.equal((await store.get(key)).toString(), 'v');
        await store.delete(key);
      });
    }

    for (const key of ['../../etc/passwd', '/abs', 'a//b', 'a:b']) {
      it(`rejects key ${JSON.stringify(key)} in every method before any I/O`, async () => {
        await expectCode(store.put(key, 'x'), 'INVALID_ARGUMENT');
        await expectCode(store.get(key), 'INVALID_ARGUMENT');
        await expectCode(store.exists(key), 'INVALID_ARGUMENT');
        await expectCode(store.delete(key), 'INVALID_ARGUMENT');
      });
    }
  });
}

describe('LocalObjectStore on disk', () => {
  it('leaves no temp files behind and keeps objects under rootDir', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-store-'));
    try {
      const store = new LocalObjectStore(dir);
      await store.ensureReady();
      await Promise.all([store.put('a/b.json', '1'), store.put('a/b.json', '2'), store.put('a/c.json', '3')]);
      assert.deepEqual((await readdir(path.join(dir, 'a'))).sort(), ['b.json', 'c.json']);
      await store.put('fresh/t/a.json', '4', { fresh: true });
      assert.deepEqual(await readdir(path.join(dir, 'fresh', 't')), ['a.json'], 'a fresh key is written under its own name');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('LocalObjectStore packs (putGroup)', () => {
  it('appends groups in flight to one pack per folder, which a second store object (another process) reads', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-store-'));
    try {
      const writer = new LocalObjectStore(dir);
      const groups = [];
      for (let g = 0; g < 4; g++) {
        const group = [];
        for (let t = 0; t < 8; t++) group.push({ key: `artifacts/s/t${g * 8 + t}.x.json`, body: randomBytes(1 + t * 100) });
        groups.push(group);
      }
      await Promise.all(groups.map((group) => writer.putGroup(group)));
      const files = await readdir(path.join(dir, 'artifacts', 's'));
      assert.equal(files.length, 1, `one pack, no file per object: ${files.join(', ')}`);
      const reader = new LocalObjectStore(dir);
      for (const o of groups.flat()) assert.ok((await reader.get(o.key)).equals(o.body), o.key);
      // Objects appended after the reader indexed the pack are found too.
      await writer.putGroup([{ key: 'artifacts/s/late.x.json', body: 'late' }]);
      assert.equal((await reader.get('artifacts/s/late.x.json')).toString(), 'late');
      await writer.delete('artifacts/s/t0.x.json');
      assert.equal(await new LocalObjectStore(dir).exists('artifacts/s/t0.x.json'), false, 'a tombstone hides it from every reader');
      await writer.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a pack in chunks: records larger than a chunk and records across chunk boundaries are all found', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-store-'));
    try {
      const writer = new LocalObjectStore(dir);
      // 4 MiB chunks: a 5 MiB object, then ~1.5 MiB objects that straddle the next boundaries.
      const objects = [
        { key: 'big/t0.json', body: randomBytes(5 * 1024 * 1024) },
        ...Array.from({ length: 6 }, (_, i) => ({ key: `big/t${i + 1}.json`, body: randomBytes(1_500_000 + i) })),
      ];
      for (const o of objects) await writer.putGroup([o]);
      await writer.close();
      const reader = new LocalObjectStore(dir);
      for (const o of [...objects].reverse()) assert.ok((await reader.get(o.key)).equals(o.body), o.key);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ignores a torn record at the end of a pack (a crash mid-write): what was complete stays readable', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-store-'));
    try {
      const writer = new LocalObjectStore(dir);
      await writer.putGroup([{ key: 'a/t0.json', body: 'zero' }]);
      const [pack] = await readdir(path.join(dir, 'a'));
      // Half a record: its header promises more bytes than follow.
      const torn = Buffer.alloc(20);
      torn.writeUInt32BE(0x5351504b, 0);
      torn.writeUInt32BE(9, 4);
      torn.writeUInt32BE(1000, 8);
      await appendFile(path.join(dir, 'a', pack!), torn);
      const reader = new LocalObjectStore(dir);
      assert.equal((await reader.get('a/t0.json')).toString(), 'zero');
      await expectCode(reader.get('a/t1.json'), 'NOT_FOUND');
      // A corrupt record (checksum) ends the pack for readers as well.
      await appendFile(path.join(dir, 'a', pack!), Buffer.alloc(1100, 1));
      assert.equal(await new LocalObjectStore(dir).exists('a/t1.json'), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
