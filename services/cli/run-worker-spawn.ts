/**
 * Starting a worker process of `sweepq run`, shared by the run command's pool and bin/sweepq.js. The
 * first worker is on the path to the first trial (its node start, its training process, BullMQ), so
 * bin/sweepq.js starts it before the CLI's own bundle loads (issue 13, fixed costs: the CLI's start-up
 * used to come first); the pool adopts it, with the messages it sent meanwhile, or stops it when the
 * run turned out to need another one. Light on purpose: bin/sweepq.js loads this module unbundled,
 * first thing, so it imports node's modules only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_STATE_DIR } from '../../shared/config/default-state-dir.js';
import { workerMayUseTls } from '../../shared/runtime/extra-ca-certs.js';
import { START_UP_V8_FLAGS } from '../../shared/runtime/start-up-v8-flags.js';
import { AWAIT_PARENT_FLAG } from '../worker/await-parent-flag.js';
/** Where bin/sweepq.js leaves the worker it started; a registered symbol, since the CLI's bundle has its own copy of this module. */
const EARLY_WORKER = Symbol.for('sweepq.earlyRunWorker');

/** A worker started before the pool existed: the messages it sent until the pool took it. */
export interface EarlyRunWorker {
  readonly child: ChildProcess;
  readonly stateDir: string;
  readonly messages: unknown[];
  readonly collect: (message: unknown) => void;
}

/**
 * Starts one worker of a run: `entryFile` (bundled or compiled worker main) waiting for its orders,
 * its output appended to `logFile`. Detached: a terminal Ctrl-C reaches only the CLI, which then stops
 * the workers in order (cancel the sweep, SIGTERM, wait) instead of every process racing to shut
 * down. The IPC channel ties the worker's life to the CLI's: if the CLI dies (kill -9, a closed
 * terminal), the channel closes and the worker stops on its own.
 */
export function spawnRunWorker(entryFile: string, env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(process.execPath, [...START_UP_V8_FLAGS, entryFile, AWAIT_PARENT_FLAG], { env, stdio: ['ignore', log, log, 'ipc'], detached: true });
    child.channel?.unref();
    child.once('error', () => undefined);
    return child;
  } finally {
    closeSync(log);
  }
}

/**
 * The environment of a run's workers: this process's, with the state folder and key prefix the run
 * uses, one trial per process (parallelism comes from the process count), and never the API: the run's
 * workers use its own Redis. Without NODE_EXTRA_CA_CERTS unless they may open a TLS connection (node
 * parses that file at every start; shared/runtime/extra-ca-certs.ts).
 */
export function runWorkerEnv(base: NodeJS.ProcessEnv, stateDir: string, prefix: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, SWEEPQ_STATE_DIR: stateDir, WORKER_CONCURRENCY: '1' };
  if (prefix !== undefined) env.SWEEPQ_PREFIX = prefix;
  delete env.SWEEPQ_API_URL;
  if (!workerMayUseTls(env)) delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** The log file of the `n`th worker (from 1) of a run on `stateDir`. */
export function runWorkerLogFile(stateDir: string, n: number): string {
  return path.join(stateDir, 'logs', `worker-${n}.log`);
}

/**
 * bin/sweepq.js, for `sweepq run FILE`: starts the run's first worker now, before the CLI loads, for
 * the state folder the CLI's config will name (the same environment and working folder give the same
 * one; the pool checks). Not for help, nor when SWEEPQ_STATE_DIR is empty (the config refuses it),
 * nor when its log cannot be opened. A worker nobody adopted is killed when this process exits.
 */
export function startEarlyRunWorker(argv: readonly string[], entryFile: string): void {
  if (argv[0] !== 'run' || argv.length < 2 || argv.includes('--help') || argv.includes('-h')) return;
  const setting = process.env.SWEEPQ_STATE_DIR;
  if (setting === '') return;
  const stateDir = path.resolve(setting ?? DEFAULT_STATE_DIR);
  let child: ChildProcess;
  try {
    child = spawnRunWorker(entryFile, runWorkerEnv(process.env, stateDir, undefined), runWorkerLogFile(stateDir, 1));
  } catch {
    // A state folder that cannot be made (say, no permission): the run reports it, with its own words.
    return;
  }
  const messages: unknown[] = [];
  const collect = (message: unknown): void => void messages.push(message);
  child.on('message', collect);
  const early: EarlyRunWorker = { child, stateDir, messages, collect };
  (globalThis as Record<symbol, unknown>)[EARLY_WORKER] = early;
  process.once('exit', () => {
    if ((globalThis as Record<symbol, unknown>)[EARLY_WORKER] === early) child.kill('SIGKILL');
  });
}

/**
 * The worker bin/sweepq.js started, handed over once: undefined when none was started, or when it
 * was started for another state folder (then it is killed: a run's workers share its folder).
 */
export function adoptEarlyRunWorker(stateDir: string): EarlyRunWorker | undefined {
  const slot = globalThis as Record<symbol, unknown>;
  const early = slot[EARLY_WORKER] as EarlyRunWorker | undefined;
  if (early === undefined) return undefined;
  delete slot[EARLY_WORKER];
  early.child.off('message', early.collect);
  if (early.stateDir === stateDir) return early;
  early.child.kill('SIGKILL');
  return undefined;
}
