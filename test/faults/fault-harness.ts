/**
 * Shared machinery of the fault tests: real worker processes (`node dist/services/worker/main.js`)
 * that a test can kill, pause and signal, plus small polling and assertion helpers. Every process is
 * tracked by pid and killed in {@link WorkerFleet.killAll}, which each test calls in `after` (most through
 * `FaultCluster.close` in fault-cluster.ts, which also owns the service and Redis side of a test).
 * Not a test file itself (no `.test.` in the name), so the runner does not execute it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { MetricsIndex } from '../../shared/index/index.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import type { SweepService } from '../../shared/sweep/sweep-service.js';

/** Compiled worker entry point (tests run from the repo root). */
export const WORKER_MAIN = path.resolve(process.cwd(), 'dist/services/worker/main.js');
/** Compiled CLI entry point. */
export const CLI_BIN = path.resolve(process.cwd(), 'bin/sweepq.js');

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns a value other than undefined/false; throws with `what` after
 * `timeoutMs` (a function: evaluated then, so it can name what the probe last saw). Errors thrown by
 * the probe (e.g. Redis down for a moment) count as "not yet".
 */
export async function waitFor<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}${reason}`);
    }
    await sleep(intervalMs);
  }
}

/** True while the process exists (signal 0 probes without touching it). A zombie counts as gone. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — state Z is a zombie waiting to be reaped: already dead.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z';
  } catch {
    return false;
  }
}

/** Process group of `pid` (field 5 of /proc/<pid>/stat, after the parenthesised command name). */
export function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[2]);
}

/**
 * Pids of live processes that belong to a sweepq state dir: started with `SWEEPQ_STATE_DIR=<stateDir>`
 * in their environment (CLI, workers) or running in `<stateDir>/redis` (the embedded redis-server
 * chdirs to its data dir and rewrites its command line, so its arguments cannot be matched).
 */
export function pidsOfStateDir(stateDir: string): number[] {
  const out: number[] = [];
  const marker = `SWEEPQ_STATE_DIR=${stateDir}\0`;
  const redisDir = path.join(stateDir, 'redis');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let matches: boolean;
    try {
      matches = `${readFileSync(`/proc/${entry}/environ`, 'utf8')}\0`.includes(marker);
      if (!matches) matches = readlinkSync(`/proc/${entry}/cwd`).replace(/ \(deleted\)$/, '') === redisDir;
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (matches && pidAlive(pid)) out.push(pid);
  }
  return out;
}

/** One spawned worker process. */
export class WorkerProcess {
  /** What the worker writes into trial records: `<hostname>-<pid>`. */
  readonly workerId: string;
  readonly pid: number;
  /** The last lines of stdout + stderr (pino JSON at LOG_LEVEL). */
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private partial = '';

  constructor(readonly child: ChildProcess) {
    if (child.pid === undefined) throw new Error('worker process did not start');
    this.pid = child.pid;
    this.workerId = `${os.hostname()}-${child.pid}`;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const onData = (chunk: Buffer): void => {
      const text = this.partial + chunk.toString('utf8');
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        if (this.lines.length > 500) this.lines.shift();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal);
  }

  /** Resolves once a log line matches `pattern`. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    try {
      return await waitFor(`worker ${this.pid} to log ${String(pattern)}`, () => this.lines.find((line) => pattern.test(line)), timeoutMs);
    } catch (error) {
      // What the worker did instead is the whole diagnosis of a timing failure: keep it in the report.
      throw new Error(`${error instanceof Error ? error.message : String(error)}; its last lines:\n${this.tail()}`, { cause: error });
    }
  }

  /** Output for assertion messages. */
  tail(n = 20): string {
    return this.lines.slice(-n).join('\n');
  }
}

/** The worker processes of one test; {@link killAll} in `after` leaves none behind. */
export class WorkerFleet {
  readonly workers: WorkerProcess[] = [];

  /** `baseEnv` is the test's makeTestSetup env; `extra` overrides it for this process. */
  constructor(private readonly baseEnv: Record<string, string>) {}

  /** `args`: worker arguments, e.g. `--programs` (program trials, issue 14). */
  spawn(extra: Record<string, string> = {}, args: readonly string[] = []): WorkerProcess {
    // PATH/HOME come from our own environment; everything sweepq reads comes from the test setup.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...this.baseEnv, ...extra };
    const child = spawn(process.execPath, [WORKER_MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const worker = new WorkerProcess(child);
    this.workers.push(worker);
    return worker;
  }

  /** SIGCONT (a paused process cannot die of SIGKILL's cleanup otherwise) then SIGKILL every live worker; waits for exit. */
  async killAll(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (!w.running) return;
        try {
          process.kill(w.pid, 'SIGCONT');
          process.kill(w.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await w.exited;
      }),
    );
  }
}

/** make_classification sweep of random forests: `nEstimators` sets how long one trial trains. */
export function forestSweepSpec(options: {
  name: string;
  trials: number;
  nEstimators: number;
  nSamples?: number;
  folds?: number;
  seed?: number;
  /** First trial number (names `rf_<n>`, random_state n): an `extend` spec continues after the sweep's trials. */
  first?: number;
}): Record<string, unknown> {
  const trials: Array<Record<string, unknown>> = [];
  const first = options.first ?? 0;
  for (let i = first; i < first + options.trials; i++) {
    trials.push({ name: `rf_${i}`, model: 'random_forest', params: { n_estimators: options.nEstimators, random_state: i } });
  }
  return {
    name: options.name,
    seed: options.seed ?? 0,
    dataset: {
      make_classification: { n_samples: options.nSamples ?? 4000, n_features: 20, n_informative: 8, n_redundant: 2, random_state: 1 },
      target: 'target',
    },
    split: { test_size: 0.2, random_state: 0, stratify: false },
    pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
    cv: { folds: options.folds ?? 3, scoring: 'accuracy' },
    objective: { metric: 'accuracy', goal: 'maximize' },
    trials,
    // Fault tests exercise training under faults: identical trials of earlier tests must train again.
    cache: false,
  };
}

/** Reads every trial record of a sweep straight from the index. */
export async function allTrials(index: MetricsIndex, sweepId: string, total: number): Promise<TrialRecord[]> {
  const indices: number[] = [];
  for (let i = 0; i < total; i++) indices.push(i);
  return index.trials.getMany(sweepId, indices);
}

/** The first trial that is active on `workerId`, if any. */
export async function activeTrialOf(index: MetricsIndex, sweepId: string, total: number, workerId: string): Promise<TrialRecord | undefined> {
  const trials = await allTrials(index, sweepId, total);
  return trials.find((t) => t.status === 'active' && t.worker === workerId);
}

/**
 * The exactly-once invariant of a finished sweep: every trial completed, counters agree, one
 * leaderboard entry and one `completed` event in the completion log per trial, an artefact for each,
 * nothing left active.
 */
export async function assertCompletedExactlyOnce(
  service: SweepService,
  index: MetricsIndex,
  redis: Redis,
  sweepId: string,
  total: number,
  metric = 'accuracy',
): Promise<TrialRecord[]> {
  const status = await service.status(sweepId);
  assert.equal(status.state, 'completed');
  assert.equal(status.total, total);
  assert.deepEqual(status.counts, { queued: 0, active: 0, completed: total, failed: 0, cancelled: 0, pruned: 0, quarantined: 0 });
  assert.equal(await redis.zcard(index.keys.best(sweepId)), total, 'the objective leaderboard has one entry per trial');
  const completions = new Map<number, number>();
  for (const event of await index.log.readAll(sweepId)) if (event.s === 'completed') completions.set(event.i, (completions.get(event.i) ?? 0) + 1);
  assert.equal(completions.size, total, 'every trial has a completed event in the log');
  for (const [i, n] of completions) assert.equal(n, 1, `trial ${i} completed once in the log`);
  const trials = await allTrials(index, sweepId, total);
  assert.equal(trials.length, total);
  for (const t of trials) {
    assert.equal(t.status, 'completed', `${t.id} is completed`);
    assert.ok(t.metrics !== null && typeof t.metrics[metric] === 'number', `${t.id} has metrics`);
    const bytes = await service.artifact(sweepId, t.id);
    assert.ok(bytes.length > 0, `${t.id} has an artefact`);
  }
  return trials;
}

/** The training-process children of a worker (under setpriv/prlimit execs they keep node's pid), compiled or bundled. */
export function trainingProcessesOf(workerPid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === workerPid && /training-process\.[cm]?js/.test(cmdline)) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
