/**
 * Load benchmark of the scheduler API: 50 keep-alive HTTP clients poll `GET /sweeps/:id` and
 * `GET /sweeps/:id/trials?sort=auc_roc&limit=20` (buildApp on a free port) while a 2,000-trial sweep
 * of small, fast trials runs on 2 worker processes. Compares trial throughput with a baseline window
 * without clients. Prints a table, a goal table and one `BENCH_JSON {...}` line.
 *
 *   npm run bench:load               # 60 s windows (≈ 4 min)
 *   npm run bench:load -- --quick    # 15 s windows
 *
 * Three windows of equal length, each on a fresh 2,000-trial sweep: baseline (no clients), polling
 * clients (100 ms between a client's requests, a busy dashboard: ≤ 500 req/s offered), and closed-loop
 * clients (no pause: as many requests as the API answers — a stress figure). The clients run in their
 * own process; on this 2-core machine they, the API and the two workers all share the CPUs.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../services/cli/format/table.js';
import { buildApp } from '../services/scheduler/app.js';
import { createSweepService, type SweepService } from '../shared/sweep/sweep-service.js';
import { startBenchEnvironment, cleanParentEnv } from './support/bench-environment.js';
import { cleanupAll, defer, installCleanupHandlers, trackChild } from './support/cleanup-stack.js';
import { measureCpuCeiling } from './support/cpu-ceiling.js';
import type { LoadClientsReport } from './support/load-clients.js';
import { ms, parseBenchArgs, renderGoalTable, type GoalRow } from './support/result-table.js';
import { waitForSweep } from './support/sweep-progress.js';
import { randomSearch, syntheticSweepSpec } from './support/synthetic-sweep-spec.js';
import { spawnWorkerProcesses, waitForQueueWorkers } from './support/worker-processes.js';

const LOAD_CLIENTS_MAIN = fileURLToPath(new URL('./support/load-clients.js', import.meta.url));
const CLIENTS = 50;
const TRIALS = 2000;
const WORKERS = 2;

function progress(message: string): void {
  process.stderr.write(`[bench:load] ${message}\n`);
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** 2,000 small trials: shallow decision trees on 800 training rows, 3-fold CV (tens of ms each). */
function fastSpec(name: string, seed: number, trials = TRIALS): Record<string, unknown> {
  return syntheticSweepSpec({
    name,
    seed,
    dataset: { n_samples: 1000, n_features: 10, n_informative: 5, n_redundant: 2, random_state: 21 },
    testSize: 0.2,
    pipeline: { imputer: { strategy: 'mean' }, scaler: 'none' },
    cv: { folds: 3 },
    trials: randomSearch(trials, seed, [
      {
        model: 'decision_tree',
        params: {
          max_depth: { distribution: 'int_uniform', min: 2, max: 10 },
          min_samples_leaf: { distribution: 'int_uniform', min: 1, max: 20 },
        },
      },
    ]),
  });
}

interface Phase {
  label: string;
  thinkMs: number | null;
  completed: number;
  elapsedMs: number;
  perSecond: number;
  load: LoadClientsReport | null;
}

function runLoadClients(port: number, sweepId: string, durationMs: number, thinkMs: number): Promise<LoadClientsReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD_CLIENTS_MAIN, String(port), sweepId, String(CLIENTS), String(durationMs), String(thinkMs)], {
      env: cleanParentEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`load clients exited ${code}: ${err.slice(-1000)}`));
      try {
        resolve(JSON.parse(out.trim()) as LoadClientsReport);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** Submits a fresh sweep, runs one window (with or without clients), then cancels what is left and waits for the workers to go idle. */
async function runPhase(service: SweepService, port: number, label: string, windowMs: number, thinkMs: number | null, seed: number): Promise<Phase> {
  progress(`${label}: ${windowMs / 1000} s window`);
  const submitted = await service.submit(fastSpec(`load_${seed}`, seed));
  const startEpoch = Date.now();
  const clients = thinkMs === null ? null : runLoadClients(port, submitted.sweepId, windowMs, thinkMs);
  const deadline = startEpoch + windowMs;
  let completed: number;
  let endEpoch: number;
  // Light polling from here (every 250 ms) is part of every window, baseline included.
  for (;;) {
    const status = await service.status(submitted.sweepId);
    completed = status.counts.completed;
    if (status.finishedAt !== null) {
      endEpoch = Math.min(status.finishedAt, deadline);
      break;
    }
    if (Date.now() >= deadline) {
      endEpoch = Date.now();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(1, deadline - Date.now()))));
  }
  const load = clients === null ? null : await clients;
  await service.cancel(submitted.sweepId);
  await waitForSweep(service, submitted.sweepId, { timeoutMs: 60_000, intervalMs: 100 });
  // Cancelled trials that were training abort asynchronously; wait until nothing is active.
  const idleDeadline = Date.now() + 30_000;
  while ((await service.status(submitted.sweepId)).counts.active > 0 && Date.now() < idleDeadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const elapsedMs = endEpoch - startEpoch;
  return { label, thinkMs, completed, elapsedMs, perSecond: completed / (elapsedMs / 1000), load };
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const { quick } = parseBenchArgs(process.argv.slice(2));
  const windowMs = quick ? 15_000 : 60_000;
  const started = performance.now();
  console.log(
    `sweepq load benchmark${quick ? ' (--quick)' : ''}: ${CLIENTS} HTTP clients, ${TRIALS}-trial sweep on ${WORKERS} worker processes, ${windowMs / 1000} s windows; node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(2)}`,
  );
  const goals: GoalRow[] = [];
  const phases: Phase[] = [];
  let ceiling: Awaited<ReturnType<typeof measureCpuCeiling>> | null;
  try {
    const env = await startBenchEnvironment('load', { SWEEPQ_API_TOKEN: randomBytes(16).toString('hex') });
    const service = await createSweepService({ config: env.config, logger: env.logger });
    defer('sweep service', () => service.close());
    const app = buildApp({ service, config: env.config, logger: env.logger });
    defer('HTTP API', () => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const workers = spawnWorkerProcesses({ count: WORKERS, env: env.env, logDir: path.join(env.stateDir, 'logs') });
    await waitForQueueWorkers(env.config, WORKERS);

    // Warm-up: training threads start and the dataset is parsed once per worker before any window.
    const warm = await service.submit(fastSpec('load_warmup', 1, 20));
    await waitForSweep(service, warm.sweepId, { timeoutMs: 120_000, intervalMs: 50 });

    phases.push(await runPhase(service, port, 'baseline (no clients)', windowMs, null, 2));
    phases.push(await runPhase(service, port, `${CLIENTS} clients, 100 ms think time`, windowMs, 100, 3));
    phases.push(await runPhase(service, port, `${CLIENTS} clients, closed loop (no think time)`, windowMs, 0, 4));
    if (workers.alive() < WORKERS) throw new Error(`a worker process exited; see ${env.stateDir}/logs`);
    await workers.stop();
    progress('machine ceiling: 1 vs 2 CPU spinners');
    ceiling = await measureCpuCeiling();
  } finally {
    await cleanupAll();
  }

  const base = phases[0]!;
  console.log('');
  console.log(
    formatTable(
      ['window', 'requests', 'req/s', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'trials', 'trials/s', 'vs baseline'],
      phases.map((p) => [
        p.label,
        p.load === null ? '-' : String(p.load.requests),
        p.load === null ? '-' : (p.load.requests / (p.load.durationMs / 1000)).toFixed(0),
        p.load === null ? '-' : String(p.load.errors),
        p.load === null ? '-' : p.load.latencyMs.p50.toFixed(2),
        p.load === null ? '-' : p.load.latencyMs.p95.toFixed(2),
        p.load === null ? '-' : p.load.latencyMs.p99.toFixed(2),
        p.load === null ? '-' : p.load.latencyMs.max.toFixed(1),
        String(p.completed),
        p.perSecond.toFixed(1),
        `${(((p.perSecond - base.perSecond) / base.perSecond) * 100).toFixed(1)}%`,
      ]),
      { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] },
    ),
  );
  console.log('');
  const byPathRows: string[][] = [];
  for (const p of phases) {
    if (p.load === null) continue;
    for (const [route, s] of Object.entries(p.load.byPath)) byPathRows.push([p.thinkMs === 0 ? 'closed loop' : `${p.thinkMs} ms think`, route, String(s.n), s.p50.toFixed(2), s.p95.toFixed(2), s.p99.toFixed(2), s.max.toFixed(1)]);
  }
  console.log(formatTable(['clients', 'route', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], byPathRows, { align: ['left', 'left', 'right', 'right', 'right', 'right', 'right'] }));
  if (ceiling !== null) {
    console.log(`\nmachine ceiling after the run: 2 CPU-spin processes give ${ceiling.parallelSpeedup.toFixed(2)}× the throughput of 1 (load average ${ceiling.loadAverage1m.toFixed(2)})`);
  }

  for (const p of phases) {
    if (p.load === null) continue;
    const tag = p.thinkMs === 0 ? 'closed loop' : `${p.thinkMs} ms think`;
    const drop = (base.perSecond - p.perSecond) / base.perSecond;
    goals.push({ part: `errors (${tag})`, measured: String(p.load.errors), goal: '0', ratio: Number.NaN, pass: p.load.errors === 0, note: `${p.load.requests} requests` });
    goals.push({ part: `p99 latency (${tag})`, measured: ms(p.load.latencyMs.p99, 2), goal: '< 50 ms', ratio: p.load.latencyMs.p99 / 50, pass: p.load.latencyMs.p99 < 50, note: `p50 ${ms(p.load.latencyMs.p50, 2)}, p95 ${ms(p.load.latencyMs.p95, 2)}` });
    goals.push({
      part: `throughput drop (${tag})`,
      measured: `${(drop * 100).toFixed(1)}%`,
      goal: '≤ 10%',
      ratio: drop / 0.1,
      pass: drop <= 0.1,
      note: `${base.perSecond.toFixed(1)} → ${p.perSecond.toFixed(1)} trials/s`,
    });
  }
  console.log('\n=== goals (ratio = measured / goal bound) ===');
  console.log(renderGoalTable(goals));
  const totalS = (performance.now() - started) / 1000;
  console.log(`\ntotal benchmark time ${totalS.toFixed(1)} s`);
  console.log(
    `BENCH_JSON ${JSON.stringify({
      bench: 'load',
      quick,
      node: process.version,
      cpus: os.availableParallelism(),
      loadAverage: os.loadavg().map((l) => round(l, 2)),
      clients: CLIENTS,
      trials: TRIALS,
      workers: WORKERS,
      windowMs,
      totalSeconds: round(totalS, 1),
      cpuCeiling: ceiling === null ? null : round(ceiling.parallelSpeedup, 3),
      phases: phases.map((p) => ({
        label: p.label,
        thinkMs: p.thinkMs,
        completed: p.completed,
        elapsedMs: p.elapsedMs,
        trialsPerSecond: round(p.perSecond, 2),
        requests: p.load?.requests ?? 0,
        errors: p.load?.errors ?? 0,
        latencyMs: p.load === null ? null : { p50: round(p.load.latencyMs.p50, 3), p95: round(p.load.latencyMs.p95, 3), p99: round(p.load.latencyMs.p99, 3), max: round(p.load.latencyMs.max, 3) },
      })),
      goals: goals.map((g) => ({ part: g.part, measured: g.measured, goal: g.goal, pass: g.pass })),
    })}`,
  );
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await cleanupAll();
    process.exit(1);
  },
);
