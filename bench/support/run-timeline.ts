/**
 * The time line of one `node bin/sweepq.js run FILE --json` (issue 13, fixed costs): every node
 * process it starts traced by process-trace-hook.ts (start, exit, CPU, scripts loaded), and the
 * run's milestones from what the run itself records — Redis ready and the worker connected (their
 * debug/info log lines), sweep created, trial claimed and committed, sweep finished (the index's
 * times), best model written (the file's mtime) — as milliseconds since the bench spawned the CLI.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../../services/cli/format/table.js';
import type { SweepStatus } from '../../shared/schemas/sweep-status.schema.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import { cleanParentEnv } from './bench-environment.js';
import { timedProcess } from './timed-cli-run.js';

const HOOK = fileURLToPath(new URL('./process-trace-hook.js', import.meta.url));

interface TraceLine {
  pid: number;
  role: string;
  at: number;
  event: 'start' | 'exit';
  startedAt?: number;
  cpuMs?: number;
  scripts?: number;
  fileScripts?: number;
}

export interface RunTimeline {
  /** [ms since spawn, what happened], in order. */
  milestones: Array<[number, string]>;
  processes: Array<{
    role: string;
    pid: number;
    startMs: number;
    exitMs: number | null;
    cpuMs: number | null;
    scripts: number | null;
    fileScripts: number | null;
  }>;
}

/** Log lines (pino JSON) with a given message: their times. */
function logTimes(text: string, messages: ReadonlyMap<string, string>): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { time?: number; msg?: string };
      const label = entry.msg === undefined ? undefined : messages.get(entry.msg);
      if (label !== undefined && typeof entry.time === 'number') out.push([entry.time, label]);
    } catch {
      // a progress line, not a log entry
    }
  }
  return out;
}

/**
 * Runs `root`'s CLI once on `file`, traced. `profileDir`: also write a `.cpuprofile` per process there.
 * @throws when the run fails.
 */
export async function traceRun(options: { root: string; file: string; profileDir?: string }): Promise<RunTimeline> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-bench-trace-'));
  try {
    const stateDir = path.join(dir, 'state');
    const traceFile = path.join(dir, 'trace.jsonl');
    const env = {
      ...cleanParentEnv(),
      SWEEPQ_STATE_DIR: stateDir,
      // debug: the CLI logs when its Redis is up; the workers log when they are connected.
      LOG_LEVEL: 'debug',
      NODE_ENV: 'production',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${HOOK}`.trim(),
      SWEEPQ_BENCH_TRACE: traceFile,
      ...(options.profileDir === undefined ? {} : { SWEEPQ_BENCH_PROFILE_DIR: options.profileDir }),
    };
    const run = await timedProcess(process.execPath, ['bin/sweepq.js', 'run', options.file, '--json'], { cwd: options.root, env });
    if (run.code !== 0) throw new Error(`traced sweepq run exited ${run.code}: ${run.stderr.slice(-2000)}`);
    const doc = JSON.parse(run.stdout) as { status: SweepStatus; trials: TrialRecord[]; artifact?: string };
    const t0 = run.startEpoch;
    const events: Array<[number, string]> = [[t0, 'bench spawns the CLI']];
    events.push(...logTimes(run.stderr, new Map([['embedded redis-server started', 'Redis ready (CLI)']])));
    const logDir = path.join(stateDir, 'logs');
    for (const name of readdirSync(logDir)) {
      for (const [at, label] of logTimes(readFileSync(path.join(logDir, name), 'utf8'), new Map([['worker started', 'worker connected, taking jobs']]))) {
        events.push([at, `${label} (${name.replace(/\.log$/, '')})`]);
      }
    }
    events.push([doc.status.createdAt, 'sweep parsed, checked and submitted (sweep created)']);
    let firstClaim = Number.POSITIVE_INFINITY;
    let lastCommit = Number.NEGATIVE_INFINITY;
    let trainingMs = 0;
    for (const trial of doc.trials) {
      if (trial.startedAt !== null) firstClaim = Math.min(firstClaim, trial.startedAt);
      if (trial.finishedAt !== null) lastCommit = Math.max(lastCommit, trial.finishedAt);
      trainingMs += trial.timings?.totalMs ?? 0;
    }
    const one = doc.trials.length === 1;
    if (Number.isFinite(firstClaim)) events.push([firstClaim, one ? 'trial claimed' : 'first trial claimed']);
    if (Number.isFinite(lastCommit)) {
      events.push([
        lastCommit,
        `${one ? 'trial' : 'last trial'} trained and committed (training ${trainingMs.toFixed(0)} ms${one ? '' : `, summed over ${doc.trials.length} trials`})`,
      ]);
    }
    if (doc.status.finishedAt !== null) events.push([doc.status.finishedAt, 'sweep finished']);
    if (doc.artifact !== undefined) events.push([statSync(doc.artifact).mtimeMs, 'best model checked and saved']);
    events.push([run.endEpoch, 'CLI exited (workers and Redis stopped)']);

    const byPid = new Map<number, RunTimeline['processes'][number]>();
    for (const line of readFileSync(traceFile, 'utf8').split('\n')) {
      if (line === '') continue;
      const trace = JSON.parse(line) as TraceLine;
      const entry = byPid.get(trace.pid) ?? { role: trace.role, pid: trace.pid, startMs: 0, exitMs: null, cpuMs: null, scripts: null, fileScripts: null };
      if (trace.event === 'start') {
        entry.startMs = (trace.startedAt ?? trace.at) - t0;
        events.push([trace.startedAt ?? trace.at, `${trace.role} process started (pid ${trace.pid})`]);
      } else {
        entry.exitMs = trace.at - t0;
        entry.cpuMs = trace.cpuMs ?? null;
        entry.scripts = trace.scripts ?? null;
        entry.fileScripts = trace.fileScripts ?? null;
      }
      byPid.set(trace.pid, entry);
    }
    events.sort((a, b) => a[0] - b[0]);
    return { milestones: events.map(([at, label]) => [at - t0, label]), processes: [...byPid.values()].sort((a, b) => a.startMs - b.startMs) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The time line as two tables: milestones, then the processes. */
export function renderTimeline(timeline: RunTimeline): string {
  const milestones = formatTable(
    ['ms', 'milestone'],
    timeline.milestones.map(([ms, label]) => [ms.toFixed(0), label]),
    { align: ['right', 'left'] },
  );
  const processes = formatTable(
    ['process', 'pid', 'started (ms)', 'exited (ms)', 'CPU (ms)', 'scripts loaded (files)'],
    timeline.processes.map((p) => [
      p.role,
      String(p.pid),
      p.startMs.toFixed(0),
      p.exitMs === null ? 'killed' : p.exitMs.toFixed(0),
      p.cpuMs === null ? '-' : p.cpuMs.toFixed(0),
      p.scripts === null ? '-' : `${p.scripts} (${p.fileScripts})`,
    ]),
    { align: ['left', 'right', 'right', 'right', 'right', 'right'] },
  );
  return `${milestones}\n${processes}`;
}
