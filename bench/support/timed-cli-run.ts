/**
 * One `node bin/sweepq.js run FILE --json` as a whole process, on a fresh state folder (its own
 * embedded Redis): wall time around the process, the CPU time of the process and everything it
 * started (workers, training processes, redis-server), and the sweep's trials. `root` may be another
 * checkout of sweepq (its dist/ built), so a benchmark can compare two versions side by side.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import { cleanParentEnv } from './bench-environment.js';
import { trackChild } from './cleanup-stack.js';

export interface CliRunResult {
  wallMs: number;
  /** User + system CPU of the run and its descendants (Linux; NaN elsewhere). */
  cpuMs: number;
  completed: number;
  trials: TrialRecord[];
}

const TICKS_PER_SECOND = 100;

/** CPU time of this process's waited-for children and their descendants, from /proc (cutime + cstime). */
export function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // After the command name: cutime and cstime are fields 16 and 17 of stat(5), 14 and 15 here.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Runs a command, capturing stdout; resolves wall time measured around the whole process. */
export function timedProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string; wallMs: number; startEpoch: number; endEpoch: number }> {
  return new Promise((resolve, reject) => {
    const startEpoch = Date.now();
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), wallMs, startEpoch, endEpoch: Date.now() });
    });
  });
}

export async function timedCliRun(options: { root: string; file: string; workers?: number }): Promise<CliRunResult> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-bench-run-'));
  try {
    const args = ['bin/sweepq.js', 'run', options.file, '--json', ...(options.workers === undefined ? [] : ['--workers', String(options.workers)])];
    const env = { ...cleanParentEnv(), SWEEPQ_STATE_DIR: stateDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
    const cpuBefore = childrenCpuMs();
    const { code, stdout, stderr, wallMs } = await timedProcess(process.execPath, args, { cwd: options.root, env });
    const cpuMs = childrenCpuMs() - cpuBefore;
    if (code !== 0) throw new Error(`sweepq run in ${options.root} exited ${code}: ${stderr.slice(-2000)}`);
    const doc = JSON.parse(stdout) as { status: { counts: { completed: number } }; trials: TrialRecord[] };
    return { wallMs, cpuMs, completed: doc.status.counts.completed, trials: doc.trials };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}
