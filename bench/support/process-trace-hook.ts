/**
 * Preloaded into every node process of one traced `sweepq run` (`NODE_OPTIONS=--import <this file>`,
 * see run-timeline.ts): appends one JSON line per process to `$SWEEPQ_BENCH_TRACE` when it starts and
 * when it exits — its role, when node started it, its CPU time and how many scripts it loaded (V8's
 * precise coverage lists every script it compiled, bundled or not, node's own included). With
 * `$SWEEPQ_BENCH_PROFILE_DIR` it also writes a `.cpuprofile` per process, as `node --cpu-prof` would
 * (Node 20 refuses `--cpu-prof` in NODE_OPTIONS). Bench-only: tracing costs the traced run some speed.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

interface CoverageResult {
  result: Array<{ url: string }>;
}

const traceFile = process.env.SWEEPQ_BENCH_TRACE;
const profileDir = process.env.SWEEPQ_BENCH_PROFILE_DIR;

/** What this process is, from its command line (the CLI, a worker or a training process). */
function role(): string {
  const script = process.argv[1] ?? '';
  if (script.includes('training-process')) return 'training process';
  if (script.includes('worker')) return 'worker';
  if (script.includes('sweepq')) return `cli ${process.argv[2] ?? ''}`.trim();
  return path.basename(script);
}

if (traceFile !== undefined) {
  const session = new Session();
  session.connect();
  // In-thread inspector calls complete synchronously, which the exit hook relies on.
  session.post('Profiler.enable');
  session.post('Profiler.startPreciseCoverage', { callCount: false, detailed: false });
  if (profileDir !== undefined) session.post('Profiler.start');
  const write = (event: Record<string, unknown>): void => {
    appendFileSync(traceFile, `${JSON.stringify({ pid: process.pid, role: role(), at: Date.now(), ...event })}\n`);
  };
  write({ event: 'start', startedAt: performance.timeOrigin });
  process.once('exit', () => {
    let scripts = 0;
    let fileScripts = 0;
    session.post('Profiler.takePreciseCoverage', (error, coverage) => {
      if (error !== null) return;
      for (const script of (coverage as CoverageResult).result) {
        scripts++;
        if (script.url.startsWith('file:') || script.url.startsWith('/')) fileScripts++;
      }
    });
    if (profileDir !== undefined) {
      session.post('Profiler.stop', (error, result) => {
        if (error !== null) return;
        mkdirSync(profileDir, { recursive: true });
        writeFileSync(path.join(profileDir, `${role().replaceAll(' ', '-')}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      });
    }
    const cpu = process.cpuUsage();
    write({ event: 'exit', cpuMs: (cpu.user + cpu.system) / 1000, scripts, fileScripts });
  });
}
