/**
 * Real servers for tests: redis-server and MinIO processes on loopback, each test owning what it starts.
 * Shared instances are started once by scripts/run-tests.mjs and reached through {@link testEnv};
 * tests that kill or restart a server start their own with these helpers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../shared/runtime/free-port.js';
import { findRedisServer, redisServerArgs, terminateChild, waitForRedis } from '../../shared/runtime/embedded-redis.js';

const HOST = '127.0.0.1';

/** Connection data of the servers the test runner started (unset when a test runs on its own). */
export interface TestEnv {
  redisUrl: string | undefined;
  s3: { endpoint: string; accessKey: string; secretKey: string } | undefined;
}

/** Reads TEST_REDIS_URL / TEST_S3_* set by scripts/run-tests.mjs: the one sanctioned env read in tests. */
export function testEnv(): TestEnv {
  const env = process.env;
  const endpoint = env.TEST_S3_ENDPOINT;
  const accessKey = env.TEST_S3_ACCESS_KEY;
  const secretKey = env.TEST_S3_SECRET_KEY;
  return {
    redisUrl: env.TEST_REDIS_URL || undefined,
    s3: endpoint && accessKey && secretKey ? { endpoint, accessKey, secretKey } : undefined,
  };
}

/** `t-<label>-<random>`: lowercase, so it is valid as a Redis prefix, queue name and S3 bucket name. */
export function uniquePrefix(label: string): string {
  const clean =
    label
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 30) || 'x';
  return `t-${clean}-${randomBytes(5).toString('hex')}`;
}

function collectOutput(child: ChildProcess, sink: string[]): void {
  const onData = (chunk: Buffer): void => {
    sink.push(chunk.toString('utf8'));
    if (sink.length > 50) sink.shift();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
}

async function tempDir(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `sweepq-${label}-`));
}

/** stop / kill / restart of a server process that `launch` (re)starts; `ownedDir` is removed on stop. */
function lifecycle(current: () => ChildProcess | undefined, launch: () => Promise<void>, ownedDir: string | undefined) {
  return {
    pid(): number | undefined {
      const child = current();
      return child !== undefined && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async stop(): Promise<void> {
      const child = current();
      if (child !== undefined) await terminateChild(child, 'SIGTERM', 10_000);
      if (ownedDir !== undefined) await rm(ownedDir, { recursive: true, force: true });
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
      const child = current();
      if (child !== undefined) await terminateChild(child, signal, 10_000);
    },
    async restart(): Promise<void> {
      const child = current();
      if (child !== undefined) await terminateChild(child, 'SIGTERM', 10_000);
      await launch();
    },
  };
}

export interface TestRedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** The running server's process id (undefined while it is down): for exit-time cleanup. */
  pid(): number | undefined;
  /** Graceful stop (SIGTERM, AOF flushed); removes the data folder if this helper created it. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL: a crash) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and data folder (stopping it first if it runs). */
  restart(): Promise<void>;
}

/**
 * Starts a redis-server on loopback, AOF on by default, in `dir` or a fresh temp folder. `bind` adds
 * listen addresses besides loopback (a test host network's server address, see netns-lab.ts).
 */
export async function startRedisServer(
  options: { dir?: string; port?: number; appendonly?: boolean; bind?: readonly string[] } = {},
): Promise<TestRedisServer> {
  const binary = findRedisServer();
  if (binary === undefined) throw new Error('redis-server not found: run `node scripts/ensure-redis.mjs`');
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await tempDir('redis'));
  await mkdir(dir, { recursive: true });
  const port = options.port ?? (await findFreePort(HOST));
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const output: string[] = [];
    const args = redisServerArgs({ dir, port, appendonly: options.appendonly ?? true });
    // A later `--bind` replaces the loopback-only one of redisServerArgs. Protected mode would refuse
    // every non-loopback client of a password-less server; the extra addresses are a test lab's,
    // reachable only from namespaces on this machine.
    if (options.bind !== undefined && options.bind.length > 0) args.push('--bind', HOST, ...options.bind, '--protected-mode', 'no');
    const next = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    collectOutput(next, output);
    child = next;
    const state = await waitForRedis(port, next, 30_000);
    if (state !== 'ready') {
      await terminateChild(next, 'SIGKILL', 1000);
      throw new Error(`redis-server on port ${port} did not start (${state}):\n${output.join('')}`);
    }
  };
  await launch();

  return {
    url: `redis://${HOST}:${port}`,
    port,
    dir,
    ...lifecycle(() => child, launch, ownsDir ? dir : undefined),
  };
}

export interface TestMinioServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly dir: string;
  /** The running server's process id (undefined while it is down): for exit-time cleanup. */
  pid(): number | undefined;
  /** Graceful stop; removes the data folder if this helper created it. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL) and waits for exit: an outage until {@link restart}. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts MinIO again on the same port, credentials and data (stopping it first if it runs). */
  restart(): Promise<void>;
}

/** GET with a hard timeout; resolves the status code or 0 on any error. */
function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

interface EnsureMinioModule {
  ensureMinio(): Promise<string>;
}

/**
 * Starts `minio server <dir>` with random root credentials on loopback, or on `host` (a test host
 * network's server address, see netns-lab.ts); waits for /minio/health/live.
 */
export async function startMinioServer(options: { dir?: string; host?: string } = {}): Promise<TestMinioServer> {
  // The .mjs helper is shared with the test runner; loaded by URL so tsc does not need its types.
  const helperUrl = new URL('../../../scripts/ensure-minio.mjs', import.meta.url).href;
  const { ensureMinio } = (await import(helperUrl)) as EnsureMinioModule;
  const binary = await ensureMinio();
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await tempDir('minio'));
  await mkdir(dir, { recursive: true });
  const host = options.host ?? HOST;
  const port = await findFreePort(host);
  const consolePort = await findFreePort(HOST);
  const accessKey = `ak${randomBytes(12).toString('hex')}`;
  const secretKey = `sk${randomBytes(16).toString('hex')}`;
  const endpoint = `http://${host}:${port}`;
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const output: string[] = [];
    const next = spawn(binary, ['server', dir, '--address', `${host}:${port}`, '--console-address', `${HOST}:${consolePort}`, '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Children inherit the environment (PATH, HOME); only the credentials are ours.
      env: { ...process.env, MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey, MINIO_UPDATE: 'off', MINIO_BROWSER: 'off' },
    });
    collectOutput(next, output);
    child = next;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (next.exitCode !== null || next.signalCode !== null) break;
      if ((await httpStatus(`${endpoint}/minio/health/live`, 1000)) === 200 && (await httpStatus(`${endpoint}/minio/health/ready`, 1000)) === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await terminateChild(next, 'SIGKILL', 1000);
    throw new Error(`MinIO on port ${port} did not become healthy:\n${output.join('')}`);
  };
  await launch();

  return {
    endpoint,
    accessKey,
    secretKey,
    dir,
    ...lifecycle(() => child, launch, ownsDir ? dir : undefined),
  };
}

interface EnsureVersitygwModule {
  ensureVersitygw(): Promise<string>;
  findVersitygw(): string | undefined;
}

async function versitygwHelper(): Promise<EnsureVersitygwModule> {
  const helperUrl = new URL('../../../scripts/ensure-versitygw.mjs', import.meta.url).href;
  return (await import(helperUrl)) as EnsureVersitygwModule;
}

/**
 * Why a versitygw server cannot be started without building one first (undefined: it can). The test
 * runner builds it (scripts/ensure-versitygw.mjs); a test file run on its own skips instead.
 */
export async function versitygwUnavailableReason(): Promise<string | undefined> {
  const { findVersitygw } = await versitygwHelper();
  return findVersitygw() === undefined
    ? 'no versitygw binary: run `node scripts/ensure-versitygw.mjs` (or the whole suite through scripts/run-tests.mjs)'
    : undefined;
}

/** A versitygw gateway: the same handle as MinIO's. */
export type TestVersitygwServer = TestMinioServer;

/**
 * Starts versitygw (Versity's S3 gateway, a second S3 implementation independent of MinIO) with its
 * posix backend on `dir`, random root credentials, on loopback or `host`; waits until it answers HTTP.
 */
export async function startVersitygwServer(options: { dir?: string; host?: string } = {}): Promise<TestVersitygwServer> {
  const binary = await (await versitygwHelper()).ensureVersitygw();
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await tempDir('versitygw'));
  await mkdir(dir, { recursive: true });
  const host = options.host ?? HOST;
  const port = await findFreePort(host);
  const accessKey = `ak${randomBytes(12).toString('hex')}`;
  const secretKey = `sk${randomBytes(16).toString('hex')}`;
  const endpoint = `http://${host}:${port}`;
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const output: string[] = [];
    // Credentials through the environment: the command line is visible to every user (ps).
    const next = spawn(binary, ['--port', `${host}:${port}`, '--quiet', 'posix', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ROOT_ACCESS_KEY: accessKey, ROOT_SECRET_KEY: secretKey },
    });
    collectOutput(next, output);
    child = next;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (next.exitCode !== null || next.signalCode !== null) break;
      // Any HTTP answer (an anonymous GET / is refused with 403) means it serves requests.
      if ((await httpStatus(`${endpoint}/`, 1000)) !== 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await terminateChild(next, 'SIGKILL', 1000);
    throw new Error(`versitygw on port ${port} did not start:\n${output.join('')}`);
  };
  await launch();

  return {
    endpoint,
    accessKey,
    secretKey,
    dir,
    ...lifecycle(() => child, launch, ownsDir ? dir : undefined),
  };
}
