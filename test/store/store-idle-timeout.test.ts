/**
 * The MinIO store's per-attempt timeout is an idle timeout (issue 8, finding 10): a transfer that
 * keeps moving is never cut off however long it takes, while a stalled one still fails fast. Before,
 * the timeout covered the whole transfer, so an artefact larger than timeout × bandwidth could never
 * be stored. The link is a throttling TCP proxy in front of the test MinIO.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MinioObjectStore } from '../../shared/store/minio-object-store.js';
import { testEnv, uniquePrefix } from '../support/servers.js';

/** A TCP proxy forwarding at most `bytesPerTick` bytes per 10 ms tick in each direction; `stall()` stops forwarding. */
async function throttlingProxy(target: URL, bytesPerTick: number): Promise<{ url: string; stall(): void; close(): Promise<void> }> {
  let stalled = false;
  const sockets = new Set<net.Socket>();
  const pump = (from: net.Socket, to: net.Socket): void => {
    const queue: Buffer[] = [];
    from.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      from.pause();
    });
    const timer = setInterval(() => {
      if (stalled) return;
      let budget = bytesPerTick;
      while (budget > 0 && queue.length > 0) {
        const head = queue[0]!;
        const part = head.subarray(0, budget);
        to.write(part);
        budget -= part.length;
        if (part.length === head.length) queue.shift();
        else queue[0] = head.subarray(part.length);
      }
      if (queue.length === 0) from.resume();
    }, 10);
    from.on('close', () => {
      clearInterval(timer);
      to.end();
    });
    from.on('error', () => to.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    pump(client, upstream);
    pump(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stall: () => {
      stalled = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const s3 = testEnv().s3;

describe('MinioObjectStore idle timeout', { skip: s3 === undefined && 'TEST_S3_ENDPOINT is not set' }, () => {
  let proxy: Awaited<ReturnType<typeof throttlingProxy>>;
  let store: MinioObjectStore;

  before(async () => {
    // ~2 MB/s: a 6 MB object takes ~3 s, ten times the 300 ms idle timeout.
    proxy = await throttlingProxy(new URL(s3!.endpoint), 20_000);
    store = new MinioObjectStore({ ...s3!, endpoint: proxy.url, bucket: uniquePrefix('idle'), requestTimeoutMs: 300, retryDeadlineMs: 2000 });
    await store.ensureReady();
  });
  after(async () => {
    await store.close();
    await proxy.close();
  });

  it('stores and reads back an object whose transfer takes far longer than the timeout, while bytes keep moving', async () => {
    const body = randomBytes(6 * 1024 * 1024);
    const started = Date.now();
    await store.put('artifacts/large.bin', body);
    const putMs = Date.now() - started;
    assert.ok(putMs > 1000, `the link is slow (${putMs} ms)`);
    assert.ok((await store.get('artifacts/large.bin')).equals(body));
  });

  it('still fails a transfer that stops making progress', async () => {
    proxy.stall();
    const started = Date.now();
    await assert.rejects(store.get('artifacts/large.bin'), { code: 'STORE_UNAVAILABLE' });
    assert.ok(Date.now() - started < 10_000);
  });
});
