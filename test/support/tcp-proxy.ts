/**
 * A userspace TCP proxy for fault tests: it relays one listening address to one upstream and can add
 * what this kernel cannot (it has no `netem` qdisc): latency, dropped connections, a blackhole, and a
 * hold on a request matched by its bytes. Every connection it accepted is reset by {@link close}.
 *
 * Faults (change them any time with {@link setFaults}):
 * - `latencyMs`: each chunk is delivered that long after it arrived, in both directions, in order
 *   (so a request/response round trip costs twice as much).
 * - `dropRate`: the share of new connections reset (RST) at once, before a byte passes.
 * - `cutPerSecond`: for each second an established connection lives, the chance that it is reset
 *   mid-stream (requests and replies in flight are lost). Long-lived clients (ioredis, keep-alive
 *   HTTP) would otherwise almost never meet a dropped connection.
 * - `blackhole`: connections are accepted but nothing is delivered either way until it is lifted, when
 *   the queued bytes arrive (a partition that neither refuses nor resets, like TCP retransmitting
 *   across a cut link: clients find out only through their own timeouts).
 * Randomness comes from a seeded generator, so a failing run can be replayed with its seed.
 */
import net from 'node:net';
import { seededRandom } from './seeded-random.js';

export interface ProxyFaults {
  latencyMs: number;
  dropRate: number;
  cutPerSecond: number;
  blackhole: boolean;
}

export interface TcpProxyOptions {
  /** Address to listen on (a loopback address or a test host's address). */
  host: string;
  /** Port to listen on; default a free one. */
  port?: number;
  upstream: { host: string; port: number };
  faults?: Partial<ProxyFaults>;
  /** Seed of the fault generator (default 1). */
  seed?: number;
}

export interface ProxyStats {
  accepted: number;
  /** Reset at accept (`dropRate`). */
  dropped: number;
  /** Reset mid-stream (`cutPerSecond`). */
  cut: number;
  bytesUp: number;
  bytesDown: number;
}

/** One direction of a relayed connection: an ordered queue of chunks, each due `latencyMs` after arrival. */
class Lane {
  private readonly queue: Array<{ due: number; chunk: Buffer | null }> = [];
  private timer: NodeJS.Timeout | undefined;
  /** A held lane queues what arrives and delivers it on release. */
  held = false;

  constructor(
    private readonly to: net.Socket,
    private readonly latency: () => number,
    private readonly blackholed: () => boolean,
  ) {}

  push(chunk: Buffer | null): void {
    this.queue.push({ due: Date.now() + this.latency(), chunk });
    this.pump();
  }

  release(): void {
    this.held = false;
    this.pump();
  }

  /** Delivers what is due (after a blackhole is lifted). */
  pump(): void {
    if (this.timer !== undefined || this.held || this.blackholed()) return;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const wait = head.due - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.queue.shift();
      if (this.to.destroyed) continue;
      if (head.chunk === null) this.to.end();
      else this.to.write(head.chunk);
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }
}

interface Hold {
  pattern: RegExp;
  trigger: () => void;
}

/** One relayed client connection. */
class Relay {
  readonly up: Lane;
  readonly down: Lane;
  /** The last bytes sent upstream, so a hold pattern may span two chunks. */
  private recent = '';
  private cutTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly client: net.Socket,
    readonly upstream: net.Socket,
    private readonly proxy: TcpProxy,
  ) {
    const latency = (): number => proxy.faults.latencyMs;
    const blackholed = (): boolean => proxy.faults.blackhole;
    this.up = new Lane(upstream, latency, blackholed);
    this.down = new Lane(client, latency, blackholed);
  }

  onClientData(chunk: Buffer): void {
    this.proxy.stats.bytesUp += chunk.length;
    const hold = this.proxy.pendingHold;
    if (hold !== undefined && !this.up.held) {
      const text = this.recent + chunk.toString('latin1');
      this.recent = text.slice(-512);
      if (hold.pattern.test(text)) {
        this.up.held = true;
        this.proxy.heldRelays.add(this);
        hold.trigger();
      }
    }
    this.up.push(chunk);
  }

  onUpstreamData(chunk: Buffer): void {
    this.proxy.stats.bytesDown += chunk.length;
    this.down.push(chunk);
  }

  /** Draws, once a second, whether this connection is cut now. */
  scheduleCuts(random: () => number): void {
    this.cutTimer = setInterval(() => {
      const rate = this.proxy.faults.cutPerSecond;
      if (rate > 0 && random() < rate) {
        this.proxy.stats.cut++;
        this.reset();
      }
    }, 1000);
    this.cutTimer.unref();
  }

  /** RST both sides: in-flight data is lost, as when a middlebox or host drops the connection. */
  reset(): void {
    clearInterval(this.cutTimer);
    this.up.stop();
    this.down.stop();
    if (!this.client.destroyed) this.client.resetAndDestroy();
    if (!this.upstream.destroyed) this.upstream.resetAndDestroy();
  }
}

export class TcpProxy {
  readonly stats: ProxyStats = { accepted: 0, dropped: 0, cut: 0, bytesUp: 0, bytesDown: 0 };
  faults: ProxyFaults;
  /** @internal */
  pendingHold: Hold | undefined;
  /** @internal */
  readonly heldRelays = new Set<Relay>();
  private readonly relays = new Set<Relay>();
  private readonly random: () => number;

  private constructor(
    private readonly server: net.Server,
    readonly host: string,
    readonly port: number,
    private readonly upstream: { host: string; port: number },
    faults: ProxyFaults,
    seed: number,
  ) {
    this.faults = faults;
    this.random = seededRandom(seed);
    server.on('connection', (client) => this.accept(client));
  }

  static async start(options: TcpProxyOptions): Promise<TcpProxy> {
    // Half-open sockets: a FIN travels through the lane behind the data sent before it, instead of
    // Node ending our side at once and losing what the lane still delays.
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as net.AddressInfo).port;
    const faults: ProxyFaults = { latencyMs: 0, dropRate: 0, cutPerSecond: 0, blackhole: false, ...options.faults };
    return new TcpProxy(server, options.host, port, options.upstream, faults, options.seed ?? 1);
  }

  /** `host:port` clients connect to. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  setFaults(faults: Partial<ProxyFaults>): void {
    this.faults = { ...this.faults, ...faults };
    if (!this.faults.blackhole) {
      for (const relay of this.relays) {
        relay.up.pump();
        relay.down.pump();
      }
    }
  }

  /**
   * Holds the client→upstream lane of the first connection whose outgoing bytes match `pattern`
   * (the matching chunk included) until {@link release}; resolves when that happens. Other
   * connections and the reply lane keep flowing.
   */
  holdWhen(pattern: RegExp): Promise<void> {
    return new Promise((resolve) => {
      this.pendingHold = {
        pattern,
        trigger: () => {
          this.pendingHold = undefined;
          resolve();
        },
      };
    });
  }

  /** Delivers what the held connections queued and lets them flow again. */
  release(): void {
    for (const relay of this.heldRelays) relay.up.release();
    this.heldRelays.clear();
  }

  /** Resets every open connection (clients see ECONNRESET), keeping the listener. */
  resetAll(): void {
    for (const relay of this.relays) relay.reset();
  }

  /** Stops listening and resets every connection. */
  async close(): Promise<void> {
    this.pendingHold = undefined;
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.stats.accepted++;
    client.on('error', () => undefined);
    if (this.random() < this.faults.dropRate) {
      this.stats.dropped++;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: this.upstream.host, port: this.upstream.port, allowHalfOpen: true });
    upstream.on('error', () => undefined);
    const relay = new Relay(client, upstream, this);
    this.relays.add(relay);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => relay.onClientData(chunk));
    upstream.on('data', (chunk: Buffer) => relay.onUpstreamData(chunk));
    // A half-close travels through the lane, behind the data sent before it.
    client.on('end', () => relay.up.push(null));
    upstream.on('end', () => relay.down.push(null));
    // A reset (or an error) on one side resets the other; a graceful close waits for the other side's FIN.
    let open = 2;
    const closed = (hadError: boolean): void => {
      if (hadError || --open === 0) {
        relay.reset();
        this.relays.delete(relay);
      }
    };
    client.on('close', closed);
    upstream.on('close', closed);
    upstream.once('connect', () => {
      client.resume();
      relay.scheduleCuts(this.random);
    });
  }
}
