import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SweepqError } from '../../shared/errors/index.js';
import { MinioObjectStore } from '../../shared/store/minio-object-store.js';
import { startMinioServer, uniquePrefix, type TestMinioServer } from '../support/servers.js';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function isStoreUnavailable(error: unknown): boolean {
  return error instanceof SweepqError && error.code === 'STORE_UNAVAILABLE';
}

describe('MinioObjectStore during a MinIO outage', () => {
  let minio: TestMinioServer;
  let store: MinioObjectStore;

  before(async () => {
    minio = await startMinioServer();
    store = new MinioObjectStore({ ...minio, bucket: uniquePrefix('outage'), requestTimeoutMs: 2000, retryDeadlineMs: 60_000 });
    await store.ensureReady();
  });
  after(async () => {
    await store.close();
    await minio.stop();
  });

  it('completes a put and a get issued while MinIO is down for 10 s', async () => {
    await store.put('before/outage.json', '{"ok":true}');
    await minio.kill('SIGKILL');
    const started = Date.now();
    const restarted = new Promise<void>((resolve, reject) => {
      setTimeout(() => void minio.restart().then(resolve, reject), 10_000);
    });
    const put = store.put('during/outage.json', '{"written":"during"}');
    const get = store.get('before/outage.json');
    await put;
    assert.equal((await get).toString(), '{"ok":true}');
    await restarted;
    assert.ok(Date.now() - started >= 9_000, 'calls really waited for the restart');
    assert.equal((await store.get('during/outage.json')).toString(), '{"written":"during"}');
  });

  it('fails with STORE_UNAVAILABLE once the retry deadline passes', async () => {
    await minio.kill('SIGKILL');
    try {
      const short = new MinioObjectStore({ ...minio, bucket: uniquePrefix('down'), requestTimeoutMs: 500, retryDeadlineMs: 2000 });
      const started = Date.now();
      await assert.rejects(short.put('k', 'v'), isStoreUnavailable);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 1000 && elapsed < 5000, `gave up after ${elapsed} ms`);
      await short.close();
    } finally {
      await minio.restart();
    }
  });
});

describe('MinioObjectStore against misbehaving servers', () => {
  it('times out an attempt on a server that accepts connections but never answers', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    const port = await listen(server);
    try {
      const store = new MinioObjectStore({
        endpoint: `http://127.0.0.1:${port}`,
        accessKey: 'access-key',
        secretKey: 'secret-key-123',
        bucket: 'b-silent',
        requestTimeoutMs: 300,
        retryDeadlineMs: 1500,
      });
      const started = Date.now();
      await assert.rejects(store.get('k'), (error: unknown) => isStoreUnavailable(error) && /made no progress/.test(String((error as Error).message)));
      assert.ok(Date.now() - started < 4000);
      await store.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await close(server);
    }
  });

  it('retries HTTP 503 answers and succeeds when the server recovers', async () => {
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        if (requests <= 2) {
          res.writeHead(503, { 'content-type': 'application/xml' });
          res.end('<?xml version="1.0"?><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>');
          return;
        }
        res.writeHead(200, { etag: '"0123456789abcdef"' });
        res.end();
      });
    });
    const port = await listen(server);
    try {
      const store = new MinioObjectStore({
        endpoint: `http://127.0.0.1:${port}`,
        accessKey: 'access-key',
        secretKey: 'secret-key-123',
        bucket: 'b-flaky',
        requestTimeoutMs: 1000,
        retryDeadlineMs: 5000,
        initialBackoffMs: 10,
      });
      await store.put('k', 'v');
      assert.equal(requests, 3);
      await store.close();
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });

  it('does not retry a permanent error such as AccessDenied', async () => {
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>');
    });
    const port = await listen(server);
    try {
      const store = new MinioObjectStore({
        endpoint: `http://127.0.0.1:${port}`,
        accessKey: 'access-key',
        secretKey: 'secret-key-123',
        bucket: 'b-denied',
        requestTimeoutMs: 1000,
        retryDeadlineMs: 5000,
      });
      await assert.rejects(store.put('k', 'v'), isStoreUnavailable);
      assert.equal(requests, 1);
      await store.close();
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });
});
