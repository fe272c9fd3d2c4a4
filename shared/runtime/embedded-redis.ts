/**
 * Embedded mode: when REDIS_URL is unset, sweepq runs its own `redis-server` child on a free loopback
 * port with its data in `<stateDir>/redis`. Persistence is AOF (fsync every second) so queued and
 * finished trials survive a restart; `noeviction` because BullMQ must never lose keys to memory pressure.
 * Nothing global is registered (no exit hooks): the owner calls `stop()` in its `finally`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { SweepqError } from '../errors/index.js';
import { findFreePort } from './free-port.js';

export interface EmbeddedRedisOptions {
  /** sweepq state folder; redis data goes to `<stateDir>/redis`. */
  stateDir: string;
  logger?: Logger;
  /** Fixed port; default: a free one chosen at start. */
  port?: number;
  /** How long to wait for the first PONG (AOF replay included), default 30000 ms. */
  startTimeoutMs?: number;
  /** `requirepass`: clients must AUTH with it (the state folder's generated secret). */
  password?: string;
  /**
   * SIGTERM the redis-server when this process dies, however it dies (setpriv --pdeathsig): Redis
   * flushes its AOF and exits instead of outliving its owner.
   */
  stopWithParent?: boolean;
  /**
   * Called once the redis-server process is spawned, before it answers: `sweepq run` holds its
   * heavier start-up work until then, so Redis boots while it runs (issue 13, fixed costs).
   */
  onSpawn?: () => void;
}

export interface EmbeddedRedis {
  /** `redis://[:password@]127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The redis-server's process id. */
  readonly pid: number;
  /** SIGTERM (redis flushes the AOF on shutdown), wait for exit; SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
/** How long a stop waits for the server to go after `SHUTDOWN` before it sends SIGTERM. */
const SHUTDOWN_WAIT_MS = 1000;
const CANDIDATE_BINARIES = ['redis-server', '/usr/bin/redis-server', '/usr/local/bin/redis-server'];
const INSTALL_HINT = 'Install it with `node scripts/ensure-redis.mjs` (Debian/Ubuntu: apt-get install redis-server) or set REDIS_URL to an existing Redis.';

let resolvedBinary: string | undefined;
let setpriv: boolean | undefined;

/** True when util-linux's setpriv can give a child a parent-death signal here. */
function setprivWorks(): boolean {
  setpriv ??= spawnSync('setpriv', ['--pdeathsig', 'TERM', '--', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return setpriv;
}

/**
 * Both probes in one process, `setpriv … -- redis-server --version`: each probe is a process start on
 * the way to Redis (a few ms each, tens of ms on a busy machine; issue 13, fixed costs). Only a
 * success is taken; a failure leaves each probe to run alone.
 */
function probeTogether(): void {
  if (resolvedBinary !== undefined || setpriv !== undefined) return;
  const [first] = CANDIDATE_BINARIES;
  const probe = spawnSync('setpriv', ['--pdeathsig', 'TERM', '--', first!, '--version'], { stdio: 'ignore', timeout: 5000 });
  if (probe.error !== undefined || probe.status !== 0) return;
  resolvedBinary = first;
  setpriv = true;
}

/** The redis-server to start, probed (with setpriv when `withSetpriv`). @throws when there is none. */
function probedBinary(withSetpriv: boolean): string {
  if (withSetpriv) probeTogether();
  const binary = findRedisServer();
  if (binary === undefined) throw new SweepqError('INTERNAL', `redis-server was not found on PATH or in /usr/bin. ${INSTALL_HINT}`);
  return binary;
}

/** The first redis-server that runs (`--version`), or undefined. Spawning resolves PATH for us. */
export function findRedisServer(): string | undefined {
  if (resolvedBinary !== undefined) return resolvedBinary;
  for (const candidate of CANDIDATE_BINARIES) {
    const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore', timeout: 5000 });
    if (probe.error === undefined && probe.status === 0) {
      resolvedBinary = candidate;
      return candidate;
    }
  }
  return undefined;
}

/** Command-line of a loopback-only, AOF-persistent redis-server in the foreground. */
export function redisServerArgs(options: { dir: string; port: number; appendonly?: boolean; configFile?: string }): string[] {
  return [
    // The password lives in a 0600 config file, never on the command line (ps shows it to every user).
    ...(options.configFile === undefined ? [] : [options.configFile]),
    '--port',
    String(options.port),
    '--bind',
    HOST,
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--dir',
    options.dir,
    '--pidfile',
    path.join(options.dir, 'redis.pid'),
    '--appendonly',
    options.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--logfile',
    '',
  ];
}

/**
 * One raw RESP `PING` over TCP (after `AUTH` when a password is given); true only on `+PONG` (a
 * replaying server answers `-LOADING`, a wrong password `-WRONGPASS`).
 */
export function pingRedis(port: number, host = HOST, timeoutMs = 1000, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host, port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => {
      if (password !== undefined) socket.write(`*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`);
      socket.write('PING\r\n');
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (password !== undefined) {
        // Two replies: AUTH's, then PING's.
        const lines = reply.split('\r\n');
        if (lines.length < 3) return;
        finish(lines[0] === '+OK' && lines[1]!.startsWith('+PONG'));
        return;
      }
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

/**
 * Polls PING until PONG, the process exits, or the timeout passes.
 * @returns 'ready' | 'exited' | 'timeout'
 */
export async function waitForRedis(port: number, child: ChildProcess, timeoutMs: number, password?: string): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return 'exited';
    if (await pingRedis(port, HOST, 1000, password)) return 'ready';
    // A fresh redis-server answers within a few ms: a long pause here is start-up time of every run.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return 'timeout';
}

/**
 * Sends `SHUTDOWN` over a raw connection (after `AUTH` when a password is given) and resolves when the
 * server closes it — it does at once, having fsynced its AOF — or on an error or `timeoutMs`.
 */
function requestShutdown(port: number, password: string | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: HOST, port });
    const finish = (): void => {
      socket.destroy();
      resolve();
    };
    socket.setTimeout(timeoutMs, finish);
    socket.once('error', finish);
    socket.once('close', finish);
    socket.once('connect', () => {
      if (password !== undefined) socket.write(`*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`);
      socket.write('SHUTDOWN\r\n');
    });
    // A reply means SHUTDOWN was refused (or only AUTH answered): the close or the timeout ends the wait.
    socket.on('data', () => undefined);
  });
}

/**
 * Stops our redis-server: `SHUTDOWN` first, since a SIGTERM only takes effect at the server's next
 * cron tick (up to 100 ms at the default `hz` 10, on the way out of every run; issue 13, fixed
 * costs); SIGTERM, then SIGKILL, when the server is not gone within a second of it.
 */
async function stopServer(child: ChildProcess, port: number, password: string | undefined): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await requestShutdown(port, password, SHUTDOWN_WAIT_MS);
  if (!(await settlesWithin(exited, SHUTDOWN_WAIT_MS))) await terminateChild(child);
}

/** Whether `exited` settles within `ms`. */
async function settlesWithin(exited: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return settled;
}

/** Sends `signal`, waits for exit; escalates to SIGKILL after `graceMs`. */
export async function terminateChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  if (!(await settlesWithin(exited, graceMs))) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * A redis-server left running on this data folder by a crashed owner would fight ours over the AOF.
 * Stop it first (it flushes its AOF on SIGTERM); only a process that is verifiably redis-server is touched.
 */
export async function stopStaleInstance(dir: string, logger: Logger | undefined): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(path.join(dir, 'redis.pid'), 'utf8')).trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return;
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    await rm(path.join(dir, 'redis.pid'), { force: true });
    return;
  }
  if (!cmdline.includes('redis-server')) return;
  logger?.warn({ pid, dir }, 'stopping a stale embedded redis-server left on this state folder');
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new SweepqError('INTERNAL', `A redis-server (pid ${pid}) still holds ${dir}; stop it and retry.`);
}

/**
 * Starts a private redis-server for embedded mode and waits until it answers PING.
 * Retries with another port if the chosen one was taken in the meantime.
 * @throws SweepqError('INTERNAL') when redis-server is not installed or does not come up.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  // Unprobed, a first start runs `setpriv … redis-server` at once (issue 13, fixed costs, round 5: the
  // probe was a process start of its own, ~5–10 ms on the way to Redis and to everything `sweepq run`
  // does after it): the server answering is the proof both work. Only a first try that does not come
  // up probes, as every start did before, and starts again with what the probes found.
  let unprobed = options.stopWithParent === true && resolvedBinary === undefined && setpriv === undefined;
  let binary = unprobed ? CANDIDATE_BINARIES[0]! : probedBinary(options.stopWithParent === true);
  const dir = path.resolve(options.stateDir, 'redis');
  await mkdir(dir, { recursive: true });
  await stopStaleInstance(dir, options.logger);
  let configFile: string | undefined;
  if (options.password !== undefined) {
    configFile = path.join(dir, 'auth.conf');
    await writeFile(configFile, `requirepass ${options.password}\n`, { mode: 0o600 });
    await chmod(configFile, 0o600);
  }
  const logger = options.logger;
  const maxTries = options.port === undefined ? 3 : 1;
  let lastOutput: string[] = [];

  for (let attempt = 1; attempt <= maxTries; attempt++) {
    const port = options.port ?? (await findFreePort(HOST));
    // detached: redis-server gets its own process group, so a terminal Ctrl-C (SIGINT to the
    // foreground group) reaches only our owner, which cancels the sweep and stops its workers while
    // Redis is still up, and only then stops Redis through stop(). In the owner's group, Redis died
    // first and the orderly shutdown ran against a dead server. We keep the handle (no unref), and
    // stop() signals this pid directly, so being detached never leaves it running.
    const args = redisServerArgs({ dir, port, ...(configFile === undefined ? {} : { configFile }) });
    const child =
      options.stopWithParent === true && (unprobed || setprivWorks())
        ? spawn('setpriv', ['--pdeathsig', 'TERM', '--', binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
        : spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    options.onSpawn?.();
    const output: string[] = [];
    const onLine = (chunk: Buffer): void => {
      const lines = chunk.toString('utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = (lines[i] as string).trim();
        if (line === '') continue;
        output.push(line);
        if (output.length > 40) output.shift();
        logger?.debug({ port }, `redis: ${line}`);
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    child.once('error', (error) => output.push(`spawn error: ${error.message}`));

    const state = await waitForRedis(port, child, options.startTimeoutMs ?? 30_000, options.password);
    if (state === 'ready' && unprobed) {
      resolvedBinary = binary;
      setpriv = true;
    }
    if (state === 'ready') {
      logger?.info({ port, dir, pid: child.pid }, 'embedded redis-server started');
      let stopping: Promise<void> | undefined;
      const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
      return {
        url: `redis://${auth}${HOST}:${port}`,
        port,
        pid: child.pid ?? 0,
        stop: () => {
          stopping ??= stopServer(child, port, options.password).then(() => logger?.info({ port }, 'embedded redis-server stopped'));
          return stopping;
        },
      };
    }
    await terminateChild(child, 'SIGKILL', 1000);
    lastOutput = output;
    if (state === 'timeout') break;
    if (unprobed) {
      // Not up (no setpriv, no redis-server on PATH, or the port taken): probe, and start again from the first try.
      unprobed = false;
      binary = probedBinary(true);
      attempt = 0;
    }
  }
  throw new SweepqError('INTERNAL', `Embedded redis-server did not start (data dir ${dir}). Last output:\n${lastOutput.join('\n')}\n${INSTALL_HINT}`);
}
