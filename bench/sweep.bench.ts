/**
 * System benchmark of the sweep path (sweep file → SweepService → BullMQ → workers → Redis index +
 * local store). Prints a table per part, a goal table and one `BENCH_JSON {...}` summary line.
 *
 *   npm run bench:sweep                 # full run (≈ 5–8 min on 2 cores)
 *   npm run bench:sweep -- --quick      # shorter: fewer repetitions, smaller sweeps
 *   npm run bench:sweep -- --only b,d   # some parts only
 *
 * (a) `sweepq run sweeps/loan-default.yaml --json` (embedded Redis, default workers) against the same
 *     five trials in scikit-learn (bench/sklearn/sklearn_trials.py), both timed as whole processes.
 * (b) per-trial overhead beyond training on 1,000 tiny trials, one in-process worker (concurrency 1).
 * (c) throughput of 16 CPU-bound random-forest trials on 1 vs 2 worker processes.
 * (d) submitting a 100,000-trial random sweep, `status` latency while it runs (in-process and HTTP),
 *     and how long cancelling it takes.
 * (e) fixed cost: `node bin/sweepq.js run` of one trivial trial, node start → exit (issue 13, goal ≤ 0.4 s),
 *     then the time line of one traced run per version: milestones and each process's CPU and scripts.
 * (f) short-trial throughput: 2,000 trivial trials through `node bin/sweepq.js run --workers 2`, wall
 *     time start-up included (goal ≤ 2 s) and the overhead per trial `(wall × 2 − Σ training) / trials`.
 * (g) one trial on many workers: a 100-tree random forest on 16,000 × 40 train rows, 5-fold CV, as fold
 *     jobs on 2 worker processes vs the same trial as one job on 1 (issue 13 item 5, goal ≥ 1.8×);
 *     `npm run bench:sweep -- --only g`.
 *
 *   npm run bench:sweep -- --only e,f --baseline ../sweepq-main   # (e), (f), (g) side by side with another
 *                                                                 # checkout (its dist/ built), alternating runs
 *   npm run bench:sweep -- --only e --profile /tmp/prof           # (e)'s traced runs also write a
 *                                                                 # .cpuprofile per process
 * Everything runs on private redis-servers under temp folders, removed at the end (also on Ctrl-C).
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../services/cli/format/table.js';
import { buildApp } from '../services/scheduler/app.js';
import { startWorker } from '../services/worker/worker-runtime.js';
import type { SweepStatus } from '../shared/schemas/sweep-status.schema.js';
import type { TrialRecord } from '../shared/schemas/trial.schema.js';
import { createSweepService, type SweepService } from '../shared/sweep/sweep-service.js';
import { cleanParentEnv, startBenchEnvironment, type BenchEnvironment } from './support/bench-environment.js';
import { cleanupAll, defer, installCleanupHandlers } from './support/cleanup-stack.js';
import { measureCpuCeiling } from './support/cpu-ceiling.js';
import { keepAliveAgent, timedGet } from './support/http-get.js';
import { SampleBuffer, summarize, type LatencySummary } from './support/percentiles.js';
import { ms, parseBenchArgs, renderGoalTable, type GoalRow } from './support/result-table.js';
import { waitForSweep } from './support/sweep-progress.js';
import { renderTimeline, traceRun } from './support/run-timeline.js';
import { randomSearch, syntheticSweepSpec } from './support/synthetic-sweep-spec.js';
import { childrenCpuMs, timedCliRun, timedProcess, type CliRunResult } from './support/timed-cli-run.js';
import { spawnWorkerProcesses, waitForQueueWorkers } from './support/worker-processes.js';
import { readFoldTimeline, renderFoldTimeline } from './support/fold-part-timeline.js';
import { renderTrialTimeline, trialSpans, type TrialSpan } from './support/trial-timeline.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The reference runner, copied into the repo so a clone can re-measure side by side.
const SKLEARN_TOOL = path.join(REPO_ROOT, 'bench/sklearn/sklearn_trials.py');
const PYTHON = '/usr/bin/python3';

const goals: GoalRow[] = [];
const summary: Record<string, unknown> = {};

function heading(title: string): void {
  const load = os.loadavg();
  console.log(`\n=== ${title} ===  [load average ${load[0]!.toFixed(2)}, ${load[1]!.toFixed(2)}]`);
}

function progress(message: string): void {
  process.stderr.write(`[bench:sweep] ${message}\n`);
}

function median(values: readonly number[]): number {
  return summarize(values).p50;
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function summaryJson(s: LatencySummary): Record<string, number> {
  return { n: s.n, mean: round(s.mean, 3), p50: round(s.p50, 3), p95: round(s.p95, 3), p99: round(s.p99, 3), max: round(s.max, 3) };
}

// ---------------------------------------------------------------------------------------------
// (a) sweepq run vs scikit-learn

interface CliRun {
  wallMs: number;
  /** process start → sweep created (node + redis-server + worker spawn + service + dataset + expand). */
  startupMs: number;
  /** sweep created → first claim (worker processes booting). */
  firstClaimMs: number;
  /** first claim → last commit. */
  trainingSpanMs: number;
  /** last commit → process exit (leaderboard, artefact download, JSON, stopping workers and Redis). */
  teardownMs: number;
  /** Sum of the trials' own training time (runTrial totalMs). */
  trialTrainMs: number;
  /** Per trial: worker, claim and commit (bench/support/trial-timeline.ts). */
  trials: TrialSpan[];
}

async function runSweepqCli(root = REPO_ROOT): Promise<CliRun> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-bench-cli-'));
  try {
    const env = { ...cleanParentEnv(), SWEEPQ_STATE_DIR: stateDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
    const run = await timedProcess(process.execPath, ['bin/sweepq.js', 'run', path.join(REPO_ROOT, 'sweeps/loan-default.yaml'), '--json'], { cwd: root, env });
    if (run.code !== 0) throw new Error(`sweepq run exited ${run.code}: ${run.stderr.slice(-2000)}`);
    const doc = JSON.parse(run.stdout) as { status: SweepStatus & { startedAt: number | null }; trials: TrialRecord[] };
    const s = doc.status;
    if (s.state !== 'completed' || s.counts.completed !== 5) throw new Error(`sweepq run did not complete 5 trials: ${JSON.stringify(s.counts)}`);
    let trialTrainMs = 0;
    for (const t of doc.trials) trialTrainMs += t.timings?.totalMs ?? 0;
    const startedAt = s.startedAt ?? s.createdAt;
    const finishedAt = s.finishedAt ?? run.endEpoch;
    return {
      wallMs: run.wallMs,
      startupMs: s.createdAt - run.startEpoch,
      firstClaimMs: startedAt - s.createdAt,
      trainingSpanMs: finishedAt - startedAt,
      teardownMs: run.endEpoch - finishedAt,
      trialTrainMs,
      trials: trialSpans(doc.trials),
    };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

function sklearnAvailable(): boolean {
  if (!existsSync(SKLEARN_TOOL) || !existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import sklearn, pandas'], { stdio: 'ignore' }).status === 0;
}

async function runSklearn(): Promise<{ wallMs: number; internalMs: number }> {
  // Same single-thread BLAS setting as bench/ml.bench.ts; the tool itself is single-threaded.
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const run = await timedProcess(PYTHON, [SKLEARN_TOOL, 'sweeps/data/loan_default.train.csv', 'sweeps/data/loan_default.test.csv'], { cwd: REPO_ROOT, env });
  if (run.code !== 0) throw new Error(`sklearn_trials.py exited ${run.code}: ${run.stderr.slice(-2000)}`);
  const doc = JSON.parse(run.stdout) as { trials: Array<{ seconds: number }> };
  let internal = 0;
  for (const t of doc.trials) internal += t.seconds;
  return { wallMs: run.wallMs, internalMs: internal * 1000 };
}

function publishedSklearnMs(): number {
  const ref = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/loan_default.reference.json'), 'utf8')) as { rows: Array<{ total_seconds: number }> };
  let total = 0;
  for (const row of ref.rows.slice(0, 5)) total += row.total_seconds;
  return total * 1000;
}

async function partA(quick: boolean): Promise<void> {
  heading('(a) sweepq run sweeps/loan-default.yaml vs scikit-learn, five trials end to end');
  const reps = quick ? 1 : 3;
  const withSklearn = sklearnAvailable();
  const cli: CliRun[] = [];
  const baselineWalls: number[] = [];
  const sk: Array<{ wallMs: number; internalMs: number }> = [];
  for (let r = 0; r < reps; r++) {
    progress(`(a) sweepq run, repetition ${r + 1}/${reps}`);
    cli.push(await runSweepqCli());
    if (baselineRoot !== undefined) {
      progress(`(a) baseline ${baselineRoot} sweepq run, repetition ${r + 1}/${reps}`);
      baselineWalls.push((await runSweepqCli(baselineRoot)).wallMs);
    }
    if (withSklearn) {
      progress(`(a) scikit-learn, repetition ${r + 1}/${reps}`);
      sk.push(await runSklearn());
    }
  }
  const pick = (f: (c: CliRun) => number): number => median(cli.map(f));
  const sweepqWall = pick((c) => c.wallMs);
  const rows: string[][] = [
    ['sweepq run (wall, node start → exit)', ms(sweepqWall), cli.map((c) => (c.wallMs / 1000).toFixed(2)).join(', ')],
    ['  start-up: node, redis-server, spawn workers, submit', ms(pick((c) => c.startupMs)), ''],
    ['  submit → first claim (worker boot)', ms(pick((c) => c.firstClaimMs)), ''],
    ['  first claim → last commit', ms(pick((c) => c.trainingSpanMs)), ''],
    ['  last commit → exit (results, stop workers + redis)', ms(pick((c) => c.teardownMs)), ''],
    ['  sum of trial training time (runTrial totalMs)', ms(pick((c) => c.trialTrainMs)), ''],
  ];
  if (baselineRoot !== undefined) {
    rows.push([`baseline ${baselineRoot} sweepq run (wall)`, ms(median(baselineWalls)), baselineWalls.map((w) => (w / 1000).toFixed(2)).join(', ')]);
  }
  let sklearnWall: number;
  let sklearnLabel: string;
  if (withSklearn) {
    sklearnWall = median(sk.map((s) => s.wallMs));
    sklearnLabel = 'scikit-learn';
    rows.push(['scikit-learn (wall, python start → exit)', ms(sklearnWall), sk.map((s) => (s.wallMs / 1000).toFixed(2)).join(', ')]);
    rows.push([
      '  its internal total (sum of trial seconds)',
      ms(median(sk.map((s) => s.internalMs))),
      sk.map((s) => (s.internalMs / 1000).toFixed(2)).join(', '),
    ]);
  } else {
    console.log('scikit-learn: skipped (no scikit-learn)');
    sklearnWall = publishedSklearnMs();
    sklearnLabel = 'published';
    rows.push(['scikit-learn published (sum of total_seconds)', ms(sklearnWall), 'published']);
  }
  console.log(formatTable(['measure', 'median', 'runs (s)'], rows, { align: ['left', 'right', 'left'] }));
  const ratio = sweepqWall / sklearnWall;
  console.log(
    `sweepq / ${sklearnLabel} = ${ratio.toFixed(2)} (goal ≤ 0.25, issue 13); sweepq uses ${os.availableParallelism()} worker processes, scikit-learn one thread`,
  );
  goals.push({
    part: '(a) sweepq run / scikit-learn wall',
    measured: `${(sweepqWall / 1000).toFixed(2)} s / ${(sklearnWall / 1000).toFixed(2)} s = ${ratio.toFixed(2)}`,
    goal: '≤ 0.25×',
    ratio: ratio / 0.25,
    pass: ratio <= 0.25,
    note: `${sklearnLabel === 'published' ? 'published sklearn' : `${reps} run(s), medians`}${baselineRoot === undefined ? '' : `; baseline ${ms(median(baselineWalls))} → ${(median(baselineWalls) / sweepqWall).toFixed(2)}× faster`}`,
  });
  // Which trials ran side by side: the per-trial time line of the run with the median wall.
  const medianRun = [...cli].sort((x, y) => x.wallMs - y.wallMs)[Math.floor((cli.length - 1) / 2)]!;
  console.log(`\nper-trial time line of the median run (${ms(medianRun.wallMs)}; ms since the first claim)`);
  console.log(renderTrialTimeline(medianRun.trials));
  // Where the time goes, as in (e): one traced run (slower than the runs above).
  progress('(a) traced run');
  const profileDir = profileRoot === undefined ? undefined : path.join(profileRoot, 'example-sweep');
  console.log(
    `\ntime line of one traced run (ms since the bench spawned the CLI; tracing slows it)${profileDir === undefined ? '' : `; CPU profiles in ${profileDir}`}`,
  );
  console.log(
    renderTimeline(
      await traceRun({ root: REPO_ROOT, file: path.join(REPO_ROOT, 'sweeps/loan-default.yaml'), ...(profileDir === undefined ? {} : { profileDir }) }),
    ),
  );
  summary.a = {
    reps,
    sklearnSource: sklearnLabel,
    sweepqWallMs: round(sweepqWall, 1),
    baselineWallMs: baselineRoot === undefined ? null : round(median(baselineWalls), 1),
    sklearnWallMs: round(sklearnWall, 1),
    sklearnInternalMs: withSklearn ? round(median(sk.map((s) => s.internalMs)), 1) : null,
    ratio: round(ratio, 3),
    phasesMs: {
      startup: round(
        pick((c) => c.startupMs),
        1,
      ),
      firstClaim: round(
        pick((c) => c.firstClaimMs),
        1,
      ),
      trainingSpan: round(
        pick((c) => c.trainingSpanMs),
        1,
      ),
      teardown: round(
        pick((c) => c.teardownMs),
        1,
      ),
      trialTrain: round(
        pick((c) => c.trialTrainMs),
        1,
      ),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// (b) per-trial overhead

function tinySpec(name: string, trials: number, seed: number): Record<string, unknown> {
  return syntheticSweepSpec({
    name,
    seed,
    dataset: { n_samples: 100, n_features: 5, n_informative: 3, n_redundant: 1, random_state: 3 },
    testSize: 0.2,
    pipeline: { imputer: { strategy: 'mean' }, scaler: 'standard' },
    cv: { folds: 0 },
    trials: randomSearch(trials, seed, [{ model: 'logistic_regression', params: { C: { distribution: 'log_uniform', min: 0.001, max: 100 }, max_iter: 1 } }]),
  });
}

async function allTrials(service: SweepService, sweepId: string, total: number): Promise<TrialRecord[]> {
  const out: TrialRecord[] = [];
  for (let offset = 0; offset < total; offset += 1000) {
    const page = await service.trials(sweepId, { limit: 1000, offset });
    out.push(...page.trials);
  }
  return out;
}

async function partB(quick: boolean): Promise<void> {
  const n = quick ? 300 : 1000;
  heading(`(b) per-trial overhead: ${n} tiny trials (logistic_regression max_iter 1, no CV, 100 rows), 1 in-process worker, concurrency 1`);
  const env = await startBenchEnvironment('overhead');
  try {
    const service = await createSweepService({ config: env.config, logger: env.logger });
    defer('sweep service (b)', () => service.close());
    const worker = await startWorker({ config: env.config, logger: env.logger, concurrency: 1 });
    defer('in-process worker (b)', () => worker.close(5000));

    // Warm-up: training thread start-up and the dataset parse are paid here, not in the measurement.
    const warm = await service.submit(tinySpec('overhead_warmup', 5, 1));
    await waitForSweep(service, warm.sweepId, { timeoutMs: 60_000, intervalMs: 20 });

    progress(`(b) submitting ${n} trials`);
    const submitStarted = performance.now();
    const submitted = await service.submit(tinySpec('overhead', n, 2));
    const submitMs = performance.now() - submitStarted;
    const submittedEpoch = Date.now();
    const final = await waitForSweep(service, submitted.sweepId, { timeoutMs: 300_000, intervalMs: 50 });
    if (final.counts.completed !== n) throw new Error(`(b) expected ${n} completed trials, got ${JSON.stringify(final.counts)}`);
    const wallMs = (final.finishedAt ?? Date.now()) - submittedEpoch;

    const trials = await allTrials(service, submitted.sweepId, n);
    const overhead = new Float64Array(trials.length);
    const claimToCommit = new Float64Array(trials.length);
    const train = new Float64Array(trials.length);
    const load = new Float64Array(trials.length);
    const store = new Float64Array(trials.length);
    const gaps: number[] = [];
    const byStart = trials.slice().sort((x, y) => (x.startedAt ?? 0) - (y.startedAt ?? 0));
    for (let i = 1; i < byStart.length; i++) gaps.push((byStart[i]!.startedAt ?? 0) - (byStart[i - 1]!.finishedAt ?? 0));
    for (let i = 0; i < trials.length; i++) {
      const t = trials[i]!;
      const totalMs = t.timings?.totalMs ?? 0;
      train[i] = totalMs;
      overhead[i] = (t.durationMs ?? 0) - totalMs;
      claimToCommit[i] = (t.finishedAt ?? 0) - (t.startedAt ?? 0) - totalMs;
      load[i] = t.timings?.loadMs ?? 0;
      store[i] = t.timings?.storeMs ?? 0;
    }
    const o = summarize(overhead);
    const c = summarize(claimToCommit);
    const tr = summarize(train);
    const ld = summarize(load);
    const st = summarize(store);
    const gp = summarize(gaps);
    const throughput = n / (wallMs / 1000);
    const row = (label: string, s: LatencySummary): string[] => [label, s.p50.toFixed(2), s.p95.toFixed(2), s.p99.toFixed(2), s.max.toFixed(1)];
    console.log(
      formatTable(
        ['per trial (ms)', 'p50', 'p95', 'p99', 'max'],
        [
          row('overhead = durationMs − training', o),
          row('  of which dataset load (cached)', ld),
          row('  of which artefact store.put', st),
          row('claim → commit − training (1 ms clock)', c),
          row('training (runTrial totalMs)', tr),
          row('idle between commit and next claim', gp),
        ],
        { align: ['left', 'right', 'right', 'right', 'right'] },
      ),
    );
    console.log(
      `submit ${n} trials: ${ms(submitMs)}; wall ${ms(wallMs)} → ${throughput.toFixed(1)} trials/s (${(wallMs / n).toFixed(2)} ms per trial, of which ${tr.mean.toFixed(2)} ms training on average)`,
    );
    goals.push({
      part: '(b) per-trial overhead, median',
      measured: ms(o.p50, 2),
      goal: '≤ 5 ms',
      ratio: o.p50 / 5,
      pass: o.p50 <= 5,
      note: `p95 ${ms(o.p95, 2)}; ${throughput.toFixed(1)} trials/s wall`,
    });
    summary.b = {
      trials: n,
      overheadMs: summaryJson(o),
      claimToCommitMinusTrainMs: summaryJson(c),
      trainMs: summaryJson(tr),
      loadMs: summaryJson(ld),
      storeMs: summaryJson(st),
      idleBetweenTrialsMs: summaryJson(gp),
      submitMs: round(submitMs, 1),
      wallMs: round(wallMs, 1),
      trialsPerSecond: round(throughput, 2),
    };
  } finally {
    await cleanupAll();
  }
}

// ---------------------------------------------------------------------------------------------
// (c) 1 vs 2 worker processes

function forestSpec(name: string, trials: number, folds: number): Record<string, unknown> {
  const list: Array<Record<string, unknown>> = [];
  for (let i = 0; i < trials; i++) list.push({ name: `rf_${i}`, model: 'random_forest', params: { n_estimators: 100, random_state: i } });
  return syntheticSweepSpec({
    name,
    seed: 0,
    dataset: { n_samples: 3000, n_features: 20, n_informative: 10, n_redundant: 4, random_state: 11 },
    testSize: 0.2,
    pipeline: { imputer: { strategy: 'mean' }, scaler: 'none' },
    cv: { folds },
    trials: { trials: list },
  });
}

async function partC(quick: boolean): Promise<void> {
  // 16 trials: throughput is a steady-state figure; with 8, the last trial running alone on one worker
  // while the other idles is a large share of the wall time.
  const n = 16;
  const folds = quick ? 0 : 3;
  heading(`(c) 1 vs 2 worker processes: ${n} random_forest trials (100 trees, 2,400 × 20 train rows, cv ${folds === 0 ? 'off' : `${folds} folds`})`);
  const env = await startBenchEnvironment('scaling');
  try {
    const service = await createSweepService({ config: env.config, logger: env.logger });
    defer('sweep service (c)', () => service.close());
    const results: Array<{ workers: number; wallMs: number; perMin: number; trainMs: number }> = [];
    for (const count of [1, 2]) {
      progress(`(c) ${count} worker process(es)`);
      const workers = spawnWorkerProcesses({ count, env: env.env, logDir: path.join(env.stateDir, 'logs', `w${count}`) });
      try {
        await waitForQueueWorkers(env.config, count);
        const submitted = await service.submit(forestSpec(`scaling_${count}`, n, folds));
        const submittedEpoch = Date.now();
        const final = await waitForSweep(service, submitted.sweepId, {
          timeoutMs: 300_000,
          intervalMs: 50,
          shouldStop: () => {
            if (workers.alive() < count) throw new Error(`(c) a worker process exited; see ${env.stateDir}/logs`);
            return false;
          },
        });
        if (final.counts.completed !== n) throw new Error(`(c) expected ${n} completed trials, got ${JSON.stringify(final.counts)}`);
        const wallMs = (final.finishedAt ?? Date.now()) - submittedEpoch;
        const trials = await allTrials(service, submitted.sweepId, n);
        let trainMs = 0;
        for (const t of trials) trainMs += t.timings?.totalMs ?? 0;
        results.push({ workers: count, wallMs, perMin: n / (wallMs / 60_000), trainMs: trainMs / n });
      } finally {
        await workers.stop();
      }
    }
    const one = results[0]!;
    const two = results[1]!;
    const speedup = two.perMin / one.perMin;
    progress('(c) machine ceiling: 1 vs 2 CPU spinners');
    const ceiling = await measureCpuCeiling();
    console.log(
      formatTable(
        ['worker processes', 'wall', 'trials/min', 'mean trial training', 'speed-up'],
        results.map((r) => [String(r.workers), ms(r.wallMs), r.perMin.toFixed(1), ms(r.trainMs), (r.perMin / one.perMin).toFixed(2)]),
        { align: ['right', 'right', 'right', 'right', 'right'] },
      ),
    );
    console.log(
      `machine ceiling now: 2 CPU-spin processes give ${ceiling.parallelSpeedup.toFixed(2)}× the throughput of 1 (${ms(ceiling.oneMs)} alone, ${ms(ceiling.twoMs)} side by side; load average ${ceiling.loadAverage1m.toFixed(2)})`,
    );
    console.log(
      `mean trial training time grows ${((two.trainMs / one.trainMs - 1) * 100).toFixed(0)}% with 2 processes on ${os.availableParallelism()} cores (shared caches, memory bandwidth, the scheduler's own polling)`,
    );
    goals.push({
      part: '(c) 2 vs 1 worker throughput',
      measured: `${speedup.toFixed(2)}×`,
      goal: '≥ 1.8×',
      ratio: speedup / 1.8,
      pass: speedup >= 1.8,
      note: `${one.perMin.toFixed(1)} → ${two.perMin.toFixed(1)} trials/min; CPU ceiling ${ceiling.parallelSpeedup.toFixed(2)}×`,
    });
    summary.c = {
      trials: n,
      folds,
      cpuCeiling: {
        oneMs: round(ceiling.oneMs, 1),
        twoMs: round(ceiling.twoMs, 1),
        parallelSpeedup: round(ceiling.parallelSpeedup, 3),
        loadAverage1m: round(ceiling.loadAverage1m, 2),
      },
      results: results.map((r) => ({ workers: r.workers, wallMs: round(r.wallMs, 1), trialsPerMin: round(r.perMin, 2), meanTrainMs: round(r.trainMs, 1) })),
      speedup: round(speedup, 3),
    };
  } finally {
    await cleanupAll();
  }
}

// ---------------------------------------------------------------------------------------------
// (g) one trial on many workers: fold jobs (issue 13 item 5)

/**
 * One random forest (100 trees) on the 16k × 40 set of bench/ml.bench.ts, 5-fold CV: `auto` (the
 * default threshold splits it into fold jobs) or `never`.
 */
function foldSplitSpec(name: string, split: 'auto' | 'never', trees = 100): Record<string, unknown> {
  const spec = syntheticSweepSpec({
    name,
    seed: 0,
    dataset: { n_samples: 20_000, n_features: 40, n_informative: 10, n_redundant: 5, random_state: 0 },
    testSize: 0.2,
    pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
    cv: { folds: 5, split_folds: split },
    trials: { trials: [{ name: 'rf', model: 'random_forest', params: { n_estimators: trees, random_state: 0 } }] },
  });
  // Every run trains: the result cache would answer the repeats of this same trial.
  return { ...spec, cache: false };
}

/** How long (g) leaves its freshly connected workers idle before it submits the trial. */
const G_IDLE_POOL_MS = 1500;

/**
 * One untimed 1-tree trial on (g)'s data before the timed rows, so that every row finds what a machine
 * that trained on this data before has: the dataset downloaded to the workers' cache and its parsed
 * copy beside it (parsed-data-cache.ts). Without it the first row alone paid the download and the
 * parse.
 */
async function primeFoldSplitData(env: BenchEnvironment, service: SweepService): Promise<void> {
  progress('(g) priming the data: one untimed 1-tree trial');
  const workers = spawnWorkerProcesses({ count: 1, env: env.env, logDir: path.join(env.stateDir, 'logs', 'g-prime') });
  try {
    await waitForQueueWorkers(env.config, 1);
    const submitted = await service.submit(foldSplitSpec('folds_prime', 'never', 1));
    const final = await waitForSweep(service, submitted.sweepId, { timeoutMs: 600_000, intervalMs: 50 });
    if (final.counts.completed !== 1) throw new Error(`(g) the priming trial did not complete: ${JSON.stringify(final.counts)}`);
  } finally {
    await workers.stop();
  }
}

async function partG(quick: boolean): Promise<void> {
  const reps = quick ? 1 : 2;
  heading(`(g) one trial on many workers: random_forest 100 trees, 16,000 × 40 train rows, 5-fold CV, ${reps} run(s) per row, alternating`);
  const env = await startBenchEnvironment('folds');
  try {
    const service = await createSweepService({ config: env.config, logger: env.logger });
    defer('sweep service (g)', () => service.close());
    const rows: Array<{ label: string; workers: number; split: 'auto' | 'never'; workerMain?: string }> = [
      { label: '1 worker, one job', workers: 1, split: 'never' },
      { label: '1 worker, fold jobs', workers: 1, split: 'auto' },
      { label: '2 workers, fold jobs', workers: 2, split: 'auto' },
    ];
    // --baseline: the other checkout's workers alternate with these on the same Redis and data (the
    // feeder that shapes the flows is this checkout's, in the sweep service).
    const baselineMain = baselineRoot === undefined ? undefined : path.join(baselineRoot, 'dist/services/worker/main.js');
    if (baselineMain !== undefined) {
      rows.push(
        { label: 'baseline: 1 worker, one job', workers: 1, split: 'never', workerMain: baselineMain },
        { label: 'baseline: 2 workers, fold jobs', workers: 2, split: 'auto', workerMain: baselineMain },
      );
    }
    await primeFoldSplitData(env, service);
    const walls = new Map<string, number[]>();
    const metrics = new Map<string, string>();
    const timelines: string[] = [];
    const cpus = new Map<string, number[]>();
    for (let rep = 0; rep < reps; rep++) {
      for (const row of rows) {
        progress(`(g) ${row.label}, run ${rep + 1}`);
        const logDir = path.join(env.stateDir, 'logs', `g-${row.workers}-${row.split}-${rep}${row.workerMain === undefined ? '' : '-baseline'}`);
        // Info level: the time line below reads each part's 'fold part recorded' line.
        const workers = spawnWorkerProcesses({
          count: row.workers,
          env: { ...env.env, LOG_LEVEL: 'info' },
          logDir,
          ...(row.workerMain === undefined ? {} : { main: row.workerMain }),
        });
        let submittedEpoch = Number.NaN;
        const cpuBefore = childrenCpuMs();
        try {
          await waitForQueueWorkers(env.config, row.workers);
          // An idle pool, as the issue's "idle workers" are: connected a moment ago is not idle yet (its
          // training processes warm the learners' code while they wait: learner-warm-up.ts).
          await sleep(G_IDLE_POOL_MS);
          // The first submit of the data set generates and uploads it; later ones find it stored.
          const submitted = await service.submit(
            foldSplitSpec(`folds_${row.workers}_${row.split}_${rep}${row.workerMain === undefined ? '' : '_baseline'}`, row.split),
          );
          submittedEpoch = Date.now();
          const final = await waitForSweep(service, submitted.sweepId, {
            timeoutMs: 600_000,
            intervalMs: 50,
            shouldStop: () => {
              if (workers.alive() < row.workers) throw new Error(`(g) a worker process exited; see ${env.stateDir}/logs`);
              return false;
            },
          });
          if (final.counts.completed !== 1) throw new Error(`(g) the trial did not complete: ${JSON.stringify(final.counts)}`);
          const [trial] = await allTrials(service, submitted.sweepId, 1);
          if ((trial?.split !== undefined) !== (row.split === 'auto'))
            throw new Error(`(g) ${row.label}: the trial ran ${trial?.split === undefined ? 'whole' : 'split'} (SWEEPQ_FOLD_SPLIT_MIN_COST?)`);
          walls.set(row.label, [...(walls.get(row.label) ?? []), (final.finishedAt ?? Date.now()) - submittedEpoch]);
          metrics.set(row.label, JSON.stringify([trial?.metrics?.cv_mean, trial?.metrics?.auc_roc]));
        } finally {
          await workers.stop();
        }
        // CPU of the row's worker processes and their training processes (start-up and idle included),
        // counted once they exited: the work a split adds, which the load does not change as it does walls.
        cpus.set(row.label, [...(cpus.get(row.label) ?? []), childrenCpuMs() - cpuBefore]);
        if (row.split === 'auto') timelines.push(`${row.label}, run ${rep + 1}:\n${renderFoldTimeline(readFoldTimeline(logDir, submittedEpoch))}`);
      }
    }
    console.log(`each part's job and training on each worker (ms since the submit; CPU = the training process's over the part)\n${timelines.join('\n')}`);
    const wall = (label: string): number => median(walls.get(label) ?? [Number.NaN]);
    const base = wall(rows[0]!.label);
    console.log(
      formatTable(
        ['configuration', 'trial wall (median)', 'runs', 'speed-up vs its 1 worker, one job', 'workers CPU (median)', '[cv_mean, auc_roc]'],
        rows.map((r) => [
          r.label,
          ms(wall(r.label)),
          (walls.get(r.label) ?? []).map((w) => ms(w)).join(', '),
          ((r.workerMain === undefined ? base : wall(rows[3]!.label)) / wall(r.label)).toFixed(2),
          ms(median(cpus.get(r.label) ?? [Number.NaN])),
          metrics.get(r.label) ?? '',
        ]),
        { align: ['left', 'right', 'right', 'right', 'right', 'left'] },
      ),
    );
    const speedup = base / wall(rows[2]!.label);
    const baselineSpeedup = baselineMain === undefined ? undefined : wall(rows[3]!.label) / wall(rows[4]!.label);
    const identical = new Set(metrics.values()).size === 1;
    progress('(g) machine ceiling: 1 vs 2 CPU spinners');
    const ceiling = await measureCpuCeiling();
    console.log(
      `machine ceiling now: 2 CPU-spin processes give ${ceiling.parallelSpeedup.toFixed(2)}× the throughput of 1 (load average ${ceiling.loadAverage1m.toFixed(2)}); the fold split's speed-up cannot pass it`,
    );
    goals.push({
      part: '(g) one trial, 2 workers vs 1 (fold jobs)',
      measured: `${speedup.toFixed(2)}×`,
      goal: '≥ 1.8×',
      ratio: speedup / 1.8,
      pass: speedup >= 1.8,
      note:
        `${ms(base)} → ${ms(wall(rows[2]!.label))}; split on 1 worker ${ms(wall(rows[1]!.label))}; metrics ${identical ? 'identical' : 'DIFFER'}; CPU ceiling ${ceiling.parallelSpeedup.toFixed(2)}×` +
        (baselineSpeedup === undefined ? '' : `; baseline ${baselineSpeedup.toFixed(2)}×`),
    });
    summary.g = {
      reps,
      cpuCeiling: round(ceiling.parallelSpeedup, 3),
      results: rows.map((r) => ({
        label: r.label,
        workers: r.workers,
        split: r.split,
        wallMs: (walls.get(r.label) ?? []).map((w) => round(w, 1)),
        workersCpuMs: (cpus.get(r.label) ?? []).map((c) => round(c, 1)),
      })),
      speedup: round(speedup, 3),
      ...(baselineSpeedup === undefined ? {} : { baselineSpeedup: round(baselineSpeedup, 3) }),
      identicalMetrics: identical,
    };
  } finally {
    await cleanupAll();
  }
}

// ---------------------------------------------------------------------------------------------
// (d) 100,000-trial submit, status latency, cancel

function bigSpec(name: string, trials: number): Record<string, unknown> {
  return syntheticSweepSpec({
    name,
    seed: 5,
    dataset: { n_samples: 300, n_features: 8, n_informative: 4, n_redundant: 2, random_state: 5 },
    testSize: 0.25,
    pipeline: { imputer: { strategy: 'median' }, scaler: 'none' },
    cv: { folds: 0 },
    trials: randomSearch(trials, 99, [
      {
        model: 'random_forest',
        params: {
          n_estimators: { distribution: 'int_uniform', min: 5, max: 40 },
          max_depth: { values: [3, 5, 8, null] },
          max_features: { values: ['sqrt', 0.5] },
          min_samples_leaf: { distribution: 'int_uniform', min: 1, max: 8 },
        },
      },
      {
        model: 'gradient_boosting',
        params: {
          n_estimators: { distribution: 'int_uniform', min: 5, max: 40 },
          learning_rate: { distribution: 'log_uniform', min: 0.01, max: 0.5 },
          max_depth: { values: [2, 3, 4] },
          subsample: { distribution: 'q_uniform', min: 0.5, max: 1.0, q: 0.1 },
        },
      },
    ]),
  });
}

async function partD(quick: boolean): Promise<void> {
  const n = quick ? 20_000 : 100_000;
  const calls = 200;
  heading(`(d) ${n.toLocaleString('en-US')}-trial random sweep: submit, status latency while 1 worker processes it, cancel`);
  // With a token set the API runs as in production (and does not warn about running without one).
  const env = await startBenchEnvironment('big', { SWEEPQ_MAX_TRIALS: String(Math.max(100_000, n)), SWEEPQ_API_TOKEN: randomBytes(16).toString('hex') });
  try {
    const service = await createSweepService({ config: env.config, logger: env.logger });
    defer('sweep service (d)', () => service.close());
    const app = buildApp({ service, config: env.config, logger: env.logger });
    defer('HTTP API (d)', () => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const agent = keepAliveAgent(1);
    defer('keep-alive agent (d)', async () => agent.destroy());
    const workers = spawnWorkerProcesses({ count: 1, env: env.env, logDir: path.join(env.stateDir, 'logs') });
    await waitForQueueWorkers(env.config, 1);

    // A one-trial sweep to ask about while the big submit runs on the same service (same event loop).
    const probe = await service.submit(bigSpec('probe', 1));
    await waitForSweep(service, probe.sweepId, { timeoutMs: 60_000, intervalMs: 20 });

    progress(`(d) submitting ${n} trials`);
    const duringSubmit = new SampleBuffer();
    let submitDone = false;
    const poller = (async () => {
      while (!submitDone) {
        const t = performance.now();
        await service.status(probe.sweepId);
        duringSubmit.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const submitStarted = performance.now();
    const submitted = await service.submit(bigSpec('big_random', n)).finally(() => {
      submitDone = true;
    });
    const submitMs = performance.now() - submitStarted;
    await poller;
    if (submitted.total !== n) throw new Error(`(d) submit expanded to ${submitted.total} trials, expected ${n}`);

    progress('(d) status latency');
    // Let the worker get going so status is measured on a sweep that is being processed.
    await waitForSweep(service, submitted.sweepId, { timeoutMs: 60_000, intervalMs: 50, shouldStop: (s) => s.counts.completed >= 3 });
    const inProcess = new Float64Array(calls);
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      await service.status(submitted.sweepId);
      inProcess[i] = performance.now() - t;
    }
    const http = new Float64Array(calls);
    let httpErrors = 0;
    for (let i = 0; i < calls; i++) {
      const r = await timedGet(agent, port, `/sweeps/${submitted.sweepId}`);
      if (r.status !== 200) httpErrors++;
      http[i] = r.ms;
    }
    const before = await service.status(submitted.sweepId);

    progress('(d) cancelling');
    const cancelStarted = performance.now();
    const cancelled = await service.cancel(submitted.sweepId);
    const cancelMs = performance.now() - cancelStarted;
    await workers.stop();

    const s1 = summarize(inProcess);
    const s2 = summarize(http);
    const s0 = summarize(duringSubmit.values());
    console.log(
      formatTable(
        ['status latency (ms)', 'calls', 'p50', 'p95', 'p99', 'max'],
        [
          ['in-process SweepService.status', String(s1.n), s1.p50.toFixed(2), s1.p95.toFixed(2), s1.p99.toFixed(2), s1.max.toFixed(2)],
          [
            `HTTP GET /sweeps/:id (keep-alive)${httpErrors > 0 ? ` [${httpErrors} errors]` : ''}`,
            String(s2.n),
            s2.p50.toFixed(2),
            s2.p95.toFixed(2),
            s2.p99.toFixed(2),
            s2.max.toFixed(2),
          ],
          ['in-process, other sweep, during the submit', String(s0.n), s0.p50.toFixed(2), s0.p95.toFixed(2), s0.p99.toFixed(2), s0.max.toFixed(2)],
        ],
        { align: ['left', 'right', 'right', 'right', 'right', 'right'] },
      ),
    );
    console.log(
      `submit ${n.toLocaleString('en-US')} trials: ${ms(submitMs)} (${((submitMs * 1000) / n).toFixed(1)} µs per trial); ${before.counts.completed} completed while measuring`,
    );
    console.log(
      `cancel: ${ms(cancelMs)} → state ${cancelled.state}, ${cancelled.counts.cancelled.toLocaleString('en-US')} cancelled, ${cancelled.counts.completed} completed`,
    );
    const scale = n === 100_000 ? '' : ` (×${(100_000 / n).toFixed(0)} ≈ ${((submitMs * 100_000) / n / 1000).toFixed(1)} s for 100k)`;
    goals.push({
      part: `(d) submit ${n.toLocaleString('en-US')} trials`,
      measured: ms(submitMs),
      goal: '≤ 10 s',
      ratio: submitMs / 10_000,
      pass: submitMs <= 10_000,
      note: scale.trim(),
    });
    goals.push({
      part: '(d) status p99, in-process',
      measured: ms(s1.p99, 2),
      goal: '≤ 10 ms',
      ratio: s1.p99 / 10,
      pass: s1.p99 <= 10,
      note: `p50 ${ms(s1.p50, 2)}`,
    });
    goals.push({
      part: '(d) status p99, HTTP',
      measured: ms(s2.p99, 2),
      goal: '≤ 10 ms',
      ratio: s2.p99 / 10,
      pass: s2.p99 <= 10 && httpErrors === 0,
      note: `p50 ${ms(s2.p50, 2)}${httpErrors > 0 ? `, ${httpErrors} errors` : ''}`,
    });
    goals.push({
      part: `(d) cancel ${n.toLocaleString('en-US')} trials`,
      measured: ms(cancelMs),
      goal: 'report',
      ratio: Number.NaN,
      pass: null,
      note: `${cancelled.counts.cancelled} cancelled`,
    });
    summary.d = {
      trials: n,
      submitMs: round(submitMs, 1),
      statusInProcessMs: summaryJson(s1),
      statusHttpMs: summaryJson(s2),
      httpErrors,
      statusDuringSubmitMs: summaryJson(s0),
      cancelMs: round(cancelMs, 1),
      cancelledTrials: cancelled.counts.cancelled,
    };
  } finally {
    await cleanupAll();
  }
}

// ---------------------------------------------------------------------------------------------
// (e) fixed cost and (f) short-trial throughput through the CLI, optionally beside a baseline checkout

/** Another checkout to compare with (`--baseline DIR`), read before the shared argument parser. */
let baselineRoot: string | undefined;
/** Where (e)'s traced runs write a `.cpuprofile` per process (`--profile DIR`); none when absent. */
let profileRoot: string | undefined;

interface Contender {
  label: string;
  root: string;
}

function contenders(): Contender[] {
  const list: Contender[] = [{ label: 'this checkout', root: REPO_ROOT }];
  if (baselineRoot !== undefined) list.unshift({ label: `baseline ${baselineRoot}`, root: baselineRoot });
  return list;
}

/** Writes a spec as a sweep file (JSON is YAML) in a temp folder removed at the end. */
async function sweepFile(name: string, spec: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-bench-files-'));
  defer(`sweep file ${name}`, () => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, JSON.stringify(spec));
  return file;
}

/** Runs every contender `reps` times, alternating, so both see the same machine load. */
async function alternate(reps: number, run: (c: Contender) => Promise<CliRunResult>): Promise<Map<string, CliRunResult[]>> {
  const results = new Map<string, CliRunResult[]>();
  for (let r = 0; r < reps; r++) {
    for (const c of contenders()) {
      progress(`${c.label}, repetition ${r + 1}/${reps}`);
      const result = await run(c);
      results.set(c.label, [...(results.get(c.label) ?? []), result]);
    }
  }
  return results;
}

async function partE(quick: boolean): Promise<void> {
  const reps = quick ? 3 : 7;
  heading(`(e) fixed cost: node bin/sweepq.js run of one trivial trial (logistic_regression max_iter 1, 100 rows, no CV), ${reps} runs`);
  const file = await sweepFile('one_trivial', tinySpec('one_trivial', 1, 1));
  try {
    const results = await alternate(reps, (c) => timedCliRun({ root: c.root, file }));
    const rows: string[][] = [];
    const medians = new Map<string, number>();
    for (const [label, runs] of results) {
      for (const run of runs) if (run.completed !== 1) throw new Error(`(e) ${label}: the trial did not complete`);
      const wall = median(runs.map((r) => r.wallMs));
      medians.set(label, wall);
      rows.push([label, ms(wall), ms(median(runs.map((r) => r.cpuMs))), runs.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ')]);
    }
    console.log(formatTable(['version', 'median wall', 'median CPU (all processes)', 'runs (s)'], rows, { align: ['left', 'right', 'right', 'left'] }));
    const current = medians.get('this checkout')!;
    const baseline = baselineRoot === undefined ? undefined : medians.get(`baseline ${baselineRoot}`);
    goals.push({
      part: '(e) one trivial trial, sweepq run wall',
      measured: ms(current),
      goal: '≤ 400 ms',
      ratio: current / 400,
      pass: current <= 400,
      note: baseline === undefined ? `${reps} runs, median` : `baseline ${ms(baseline)} → ${(baseline / current).toFixed(2)}× faster`,
    });
    // Where the time goes: one more run of each version, every process traced (slower than the runs above).
    const timelines: Record<string, unknown> = {};
    for (const c of contenders()) {
      progress(`(e) ${c.label}, traced run`);
      const profileDir = profileRoot === undefined ? undefined : path.join(profileRoot, c.label.replace(/[^A-Za-z0-9]+/g, '-'));
      const timeline = await traceRun({ root: c.root, file, ...(profileDir === undefined ? {} : { profileDir }) });
      console.log(
        `\ntime line of one traced run, ${c.label} (ms since the bench spawned the CLI; tracing slows it)${profileDir === undefined ? '' : `; CPU profiles in ${profileDir}`}`,
      );
      console.log(renderTimeline(timeline));
      timelines[c.label] = timeline;
    }
    summary.e = { reps, medianWallMs: Object.fromEntries([...medians].map(([k, v]) => [k, round(v, 1)])), timelines };
  } finally {
    await cleanupAll();
  }
}

async function partF(quick: boolean): Promise<void> {
  const n = 2000;
  const workers = 2;
  const reps = quick ? 1 : 3;
  heading(`(f) short-trial throughput: ${n} trivial trials, node bin/sweepq.js run --workers ${workers}, start-up included, ${reps} run(s)`);
  const file = await sweepFile('many_trivial', tinySpec('many_trivial', n, 2));
  try {
    const results = await alternate(reps, (c) => timedCliRun({ root: c.root, file, workers }));
    const rows: string[][] = [];
    const medians = new Map<string, { wall: number; overhead: number }>();
    for (const [label, runs] of results) {
      const overheads: number[] = [];
      for (const run of runs) {
        if (run.completed !== n) throw new Error(`(f) ${label}: ${run.completed} of ${n} trials completed`);
        let trainMs = 0;
        for (const t of run.trials) trainMs += t.timings?.totalMs ?? 0;
        // Every worker slot is busy or waiting for the whole run: what is not training is overhead.
        overheads.push((run.wallMs * workers - trainMs) / n);
      }
      const wall = median(runs.map((r) => r.wallMs));
      const overhead = median(overheads);
      medians.set(label, { wall, overhead });
      rows.push([
        label,
        ms(wall),
        (n / (wall / 1000)).toFixed(0),
        `${overhead.toFixed(2)} ms`,
        ms(median(runs.map((r) => r.cpuMs))),
        runs.map((r) => (r.wallMs / 1000).toFixed(2)).join(', '),
      ]);
    }
    console.log(
      formatTable(['version', 'median wall', 'trials/s', 'overhead per trial', 'CPU (all processes)', 'runs (s)'], rows, {
        align: ['left', 'right', 'right', 'right', 'right', 'left'],
      }),
    );
    console.log('overhead per trial = (wall × worker slots − Σ training) / trials, start-up and shut-down included');
    const current = medians.get('this checkout')!;
    const baseline = baselineRoot === undefined ? undefined : medians.get(`baseline ${baselineRoot}`);
    goals.push({
      part: `(f) ${n} trivial trials on ${workers} workers, wall`,
      measured: ms(current.wall),
      goal: '≤ 2 s',
      ratio: current.wall / 2000,
      pass: current.wall <= 2000,
      note: `${current.overhead.toFixed(2)} ms overhead per trial${baseline === undefined ? '' : `; baseline ${ms(baseline.wall)} → ${(baseline.wall / current.wall).toFixed(2)}× faster`}`,
    });
    summary.f = {
      trials: n,
      workers,
      reps,
      medians: Object.fromEntries([...medians].map(([k, v]) => [k, { wallMs: round(v.wall, 1), overheadMsPerTrial: round(v.overhead, 3) }])),
    };
  } finally {
    await cleanupAll();
  }
}

// ---------------------------------------------------------------------------------------------

/** Takes `--baseline DIR` and `--profile DIR` out of the arguments; the rest go to the shared parser. */
function takeBaseline(argv: string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--baseline') baselineRoot = path.resolve(argv[++i] ?? '.');
    else if (arg.startsWith('--baseline=')) baselineRoot = path.resolve(arg.slice('--baseline='.length));
    else if (arg === '--profile') profileRoot = path.resolve(argv[++i] ?? '.');
    else rest.push(arg);
  }
  if (baselineRoot !== undefined && !existsSync(path.join(baselineRoot, 'dist/services/cli/main.js'))) {
    throw new Error(`--baseline ${baselineRoot}: no dist/services/cli/main.js there (build that checkout first)`);
  }
  return rest;
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const { quick, only } = parseBenchArgs(takeBaseline(process.argv.slice(2)));
  const started = performance.now();
  console.log(
    `sweepq system benchmark${quick ? ' (--quick)' : ''}: node ${process.version}, ${os.availableParallelism()} CPUs, ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg()[0]!.toFixed(2)}`,
  );
  const parts: Array<[string, (quick: boolean) => Promise<void>]> = [
    ['a', partA],
    ['b', partB],
    ['c', partC],
    ['d', partD],
    ['e', partE],
    ['f', partF],
    ['g', partG],
  ];
  for (const [name, run] of parts) {
    if (only !== null && !only.has(name)) continue;
    await run(quick);
  }
  heading('goals (ratio = measured / goal bound; ≤ 1 passes for "at most", ≥ 1 for "at least")');
  console.log(renderGoalTable(goals));
  const totalS = (performance.now() - started) / 1000;
  console.log(`\ntotal benchmark time ${totalS.toFixed(1)} s`);
  console.log(
    `BENCH_JSON ${JSON.stringify({ bench: 'sweep', quick, node: process.version, cpus: os.availableParallelism(), loadAverage: os.loadavg().map((l) => round(l, 2)), totalSeconds: round(totalS, 1), goals: goals.map((g) => ({ part: g.part, measured: g.measured, goal: g.goal, pass: g.pass })), ...summary })}`,
  );
}

main().then(
  async () => {
    await cleanupAll();
    process.exit(0);
  },
  async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await cleanupAll();
    process.exit(1);
  },
);
