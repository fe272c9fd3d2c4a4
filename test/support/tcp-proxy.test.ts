/**
 * The fault proxy does what the multi-host and fencing tests rely on: it relays bytes in order, delays
 * them, drops connections, holds a matched request until released, and a blackhole delivers nothing
 * until it is lifted. Against a real TCP echo server on loopback.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TcpProxy, type ProxyFaults } from './tcp-proxy.js';

/** An echo server that counts the connections it accepted. */
async function startEcho(): Promise<{ port: number; accepted: () => number; close(): Promise<void> }> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Connects, sends `text`, and resolves what came back once `expected` bytes arrived (or the socket closed / errored). */
function roundTrip(port: number, text: string, expected = text.length): Promise<{ reply: string; error: string | undefined; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    let done = false;
    const finish = (error?: string): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ reply, error, ms: Date.now() - started });
    };
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.length >= expected) finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.on('close', () => finish('closed'));
  });
}

describe('TcpProxy', () => {
  let echo: Awaited<ReturnType<typeof startEcho>>;
  const proxies: TcpProxy[] = [];

  before(async () => {
    echo = await startEcho();
  });
  after(async () => {
    for (const proxy of proxies) await proxy.close();
    await echo.close();
  });

  async function proxy(faults: Partial<ProxyFaults> = {}): Promise<TcpProxy> {
    const started = await TcpProxy.start({ host: '127.0.0.1', upstream: { host: '127.0.0.1', port: echo.port }, faults });
    proxies.push(started);
    return started;
  }

  it('relays bytes unchanged and in order', async () => {
    const p = await proxy();
    const text = 'x'.repeat(100_000) + 'end';
    const { reply, error } = await roundTrip(p.port, text);
    assert.equal(error, undefined);
    assert.equal(reply, text);
    assert.equal(p.stats.bytesUp, text.length);
  });

  it('delays each direction by latencyMs: a round trip takes at least twice that', async () => {
    const p = await proxy({ latencyMs: 150 });
    const { reply, ms } = await roundTrip(p.port, 'ping');
    assert.equal(reply, 'ping');
    assert.ok(ms >= 300, `round trip took ${ms} ms`);
  });

  it('resets every connection at dropRate 1, before a byte reaches the server', async () => {
    const p = await proxy({ dropRate: 1 });
    const before = echo.accepted();
    const { reply, error } = await roundTrip(p.port, 'hello');
    assert.equal(reply, '');
    assert.ok(error === 'ECONNRESET' || error === 'closed', String(error));
    assert.equal(p.stats.dropped, 1);
    assert.equal(echo.accepted(), before, 'the upstream never saw the connection');
  });

  it('holds the connection whose bytes match until release, then delivers them', async () => {
    const p = await proxy();
    const held = p.holdWhen(/^PUT \/bucket\//m);
    const pending = roundTrip(p.port, 'GET /a\nPUT /bucket/key\nbody');
    await held;
    const early = await Promise.race([pending, new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 300))]);
    assert.equal(early, 'held', 'nothing came back while the request was held');
    p.release();
    assert.equal((await pending).reply, 'GET /a\nPUT /bucket/key\nbody');
  });

  it('delivers nothing through a blackhole, and everything once it is lifted', async () => {
    const p = await proxy({ blackhole: true });
    const pending = roundTrip(p.port, 'through the hole');
    const early = await Promise.race([pending, new Promise<'silent'>((resolve) => setTimeout(() => resolve('silent'), 300))]);
    assert.equal(early, 'silent');
    p.setFaults({ blackhole: false });
    assert.equal((await pending).reply, 'through the hole');
  });

  it('cuts established connections mid-stream at cutPerSecond 1', async () => {
    const p = await proxy({ cutPerSecond: 1 });
    const socket = net.connect(p.port, '127.0.0.1');
    const outcome = await new Promise<string>((resolve) => {
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      socket.on('close', () => resolve('closed'));
    });
    assert.ok(outcome === 'ECONNRESET' || outcome === 'closed', outcome);
    assert.equal(p.stats.cut, 1);
  });
});
