/**
 * Real sweepq processes for tests: worker and scheduler processes from the compiled entry points,
 * and the `sweepq` CLI as a user runs it. Each handle stops its process; tests stop what they start.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = process.cwd();
const WORKER_MAIN = path.join(root, 'dist/services/worker/main.js');
const SCHEDULER_MAIN = path.join(root, 'dist/services/scheduler/main.js');
const CLI = path.join(root, 'bin/sweepq.js');

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Last lines the process printed (for failure messages). */
  readonly output: string[];
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<number | null>;
}

function startNode(script: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') output.push(line);
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function startWorkerProcess(env: Record<string, string>): ServiceProcess {
  return startNode(WORKER_MAIN, env);
}

export async function startSchedulerProcess(env: Record<string, string>, port: number): Promise<ServiceProcess> {
  const scheduler = startNode(SCHEDULER_MAIN, { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return scheduler;
    } catch {
      // not listening yet
    }
    if (scheduler.child.exitCode !== null || Date.now() > deadline) {
      await scheduler.stop('SIGKILL');
      throw new Error(`scheduler did not start:\n${scheduler.output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `sweepq ...args` with exactly `env` (plus PATH), as a user would. */
export function runCli(args: readonly string[], env: Record<string, string>, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
