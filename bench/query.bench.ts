/**
 * Micro-benchmark of the trials read model: one 100,000-row TrialTable with 8 params (int, float,
 * string, mixed string/float, boolean) and 8 metrics, and the queries the API answers from it —
 * a page of 50 filtered by a metric range, by a param equality and by the OR of both, sorted by a
 * metric; the unfiltered sorted page; and a deep page (offset 50,000). Every run parses the filter
 * and order_by text, as a request would. Single-threaded, in-process: no Redis, no HTTP.
 *
 *   npm run bench:query                 # 500 timed runs per case
 *   npm run bench:query -- --quick      # 200 timed runs per case
 *   npm run bench:query -- --only deep  # cases whose label contains any of the given words
 *
 * Each case runs twice: on an unchanged table (a finished sweep: the table's cached order and filter
 * mask answer it) and "live", with 10 trials finishing between runs, untimed (a running sweep: the
 * cached order is merged with the changed rows and the mask evaluated again before each page).
 *
 * Prints a latency table, a goal table (p99 ≤ 20 ms per case) and one `BENCH_JSON {...}` line.
 * Next to wall-clock latency it reports the CPU time of each run (process.cpuUsage): on a shared
 * machine the wall-clock tail includes time spent waiting for a core, the CPU time does not.
 */
import os from 'node:os';
import { formatTable } from '../services/cli/format/table.js';
import { Rng } from '../shared/ml/random/rng.js';
import { queryTable, TrialTable, type QueryOptions, type TrialTableStatus } from '../shared/query/index.js';
import { summarize, SampleBuffer, type LatencySummary } from './support/percentiles.js';
import { ms, parseBenchArgs, renderGoalTable, type GoalRow } from './support/result-table.js';

const ROWS = 100_000;
const WARMUP_RUNS = 30;
const GOAL_P99_MS = 20;

const METRICS = ['accuracy', 'precision', 'recall', 'f1_score', 'auc_roc', 'cv_mean', 'cv_std', 'log_loss'] as const;
const MODELS = ['random_forest', 'gradient_boosting', 'logistic_regression', 'decision_tree'] as const;
const CRITERIA = ['gini', 'entropy', 'log_loss'] as const;

/** A sweep-like table: mostly completed trials, a few failed (no metrics), active and queued ones. */
function buildTable(rng: Rng): TrialTable {
  const table = new TrialTable({ sweepId: 's-benchquery01' });
  for (let i = 0; i < ROWS; i++) {
    const r = rng.next();
    const status: TrialTableStatus = r < 0.9 ? 'completed' : r < 0.95 ? 'failed' : r < 0.97 ? 'active' : 'queued';
    const maxDepth = rng.next() < 0.1 ? null : 1 + rng.nextInt(20);
    const params = {
      max_depth: maxDepth,
      n_estimators: 10 * (1 + rng.nextInt(50)),
      learning_rate: Math.exp(rng.uniform(Math.log(1e-4), 0)),
      subsample: rng.uniform(0.5, 1),
      criterion: CRITERIA[rng.nextInt(CRITERIA.length)]!,
      max_features: rng.next() < 0.5 ? (rng.next() < 0.5 ? 'sqrt' : 'log2') : Math.round(rng.uniform(0.1, 1) * 100) / 100,
      bootstrap: rng.next() < 0.5,
      min_samples_leaf: 1 + rng.nextInt(10),
    };
    let metrics: Record<string, number> | null = null;
    if (status === 'completed') {
      const quality = rng.next();
      metrics = {};
      for (const name of METRICS) metrics[name] = Math.min(1, Math.max(0, quality * 0.5 + 0.45 + rng.normal() * 0.02));
      metrics.log_loss = 1 - quality * 0.8;
    }
    table.upsert(i, {
      status,
      name: `trial_${i}(max_depth=${maxDepth},n_estimators=${params.n_estimators})`,
      model: MODELS[rng.nextInt(MODELS.length)]!,
      params,
      metrics,
      startedAt: 1_700_000_000_000 + i * 10,
      finishedAt: status === 'completed' ? 1_700_000_000_000 + i * 10 + 5_000 : null,
      durationMs: status === 'completed' ? 5_000 + rng.nextInt(60_000) : null,
    });
  }
  return table;
}

interface Case {
  label: string;
  options: QueryOptions;
}

const CASES: Case[] = [
  { label: 'metric range, sorted', options: { filter: 'metrics.auc_roc >= 0.7 AND metrics.auc_roc < 0.8', orderBy: 'metrics.f1_score DESC', limit: 50 } },
  { label: 'param equality, sorted', options: { filter: 'params.max_depth = 5', orderBy: 'metrics.auc_roc DESC', limit: 50 } },
  {
    label: 'metric range OR param equality, sorted',
    options: { filter: '(metrics.auc_roc >= 0.7 AND metrics.auc_roc < 0.8) OR params.max_depth = 5', orderBy: 'metrics.auc_roc DESC', limit: 50 },
  },
  { label: 'unfiltered, sorted', options: { orderBy: 'metrics.auc_roc DESC', limit: 50 } },
  { label: 'deep page (offset 50,000), sorted', options: { orderBy: 'metrics.auc_roc DESC', offset: 50_000, limit: 50 } },
];

interface Measurement {
  latency: LatencySummary;
  cpu: LatencySummary;
  total: number;
}

/** Trials finishing between two pages of a running sweep, in the live runs. */
const CHANGES_BETWEEN_LIVE_RUNS = 10;

/** `count` trials finish (again) with new metrics: what a running sweep's table sees between two pages. */
function finishSome(table: TrialTable, rng: Rng, count: number): void {
  for (let k = 0; k < count; k++) {
    const index = rng.nextInt(ROWS);
    const row = table.getRow(index)!;
    const quality = rng.next();
    const metrics: Record<string, number> = {};
    for (const name of METRICS) metrics[name] = Math.min(1, Math.max(0, quality * 0.5 + 0.45 + rng.normal() * 0.02));
    table.upsert(index, { ...row, status: 'completed', metrics, finishedAt: row.startedAt === null ? null : row.startedAt + 5_000 });
  }
}

function measure(table: TrialTable, options: QueryOptions, runs: number, live: Rng | null): Measurement {
  let total = 0;
  for (let i = 0; i < WARMUP_RUNS; i++) total = queryTable(table, options).total;
  const wall = new SampleBuffer();
  const cpu = new SampleBuffer();
  for (let i = 0; i < runs; i++) {
    if (live !== null) finishSome(table, live, CHANGES_BETWEEN_LIVE_RUNS);
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    queryTable(table, options);
    wall.push(performance.now() - started);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
  }
  return { latency: summarize(wall.values()), cpu: summarize(cpu.values()), total };
}

function main(): void {
  const { quick, only } = parseBenchArgs(process.argv.slice(2));
  const runs = quick ? 200 : 500;
  console.log(
    `sweepq query benchmark${quick ? ' (--quick)' : ''}: ${ROWS.toLocaleString('en')} trials × 8 params × 8 metrics, ${runs} runs per case; node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`,
  );

  const heapBefore = process.memoryUsage();
  const buildStarted = performance.now();
  const table = buildTable(new Rng(7));
  const buildMs = performance.now() - buildStarted;
  const heapAfter = process.memoryUsage();
  const tableMb = (heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) / 2 ** 20;
  console.log(`table built in ${ms(buildMs)} (${(ROWS / (buildMs / 1000)).toFixed(0)} upserts/s), ≈ ${tableMb.toFixed(0)} MB\n`);

  const results: Array<{ label: string } & Measurement> = [];
  const live = new Rng(11);
  for (const c of CASES) {
    if (only !== null && ![...only].some((word) => c.label.includes(word))) continue;
    results.push({ label: c.label, ...measure(table, c.options, runs, null) });
    results.push({ label: `${c.label}, live (${CHANGES_BETWEEN_LIVE_RUNS} trials finish between pages)`, ...measure(table, c.options, runs, live) });
  }

  console.log(
    formatTable(
      ['case', 'matches', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'cpu p50 ms', 'cpu p99 ms'],
      results.map((r) => [
        r.label,
        r.total.toLocaleString('en'),
        r.latency.p50.toFixed(2),
        r.latency.p95.toFixed(2),
        r.latency.p99.toFixed(2),
        r.latency.max.toFixed(2),
        r.cpu.p50.toFixed(2),
        r.cpu.p99.toFixed(2),
      ]),
      { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] },
    ),
  );
  const goals: GoalRow[] = results.map((r) => ({
    part: `p99: ${r.label}`,
    measured: ms(r.latency.p99, 2),
    goal: `≤ ${GOAL_P99_MS} ms`,
    ratio: r.latency.p99 / GOAL_P99_MS,
    pass: r.latency.p99 <= GOAL_P99_MS,
    note: `p50 ${ms(r.latency.p50, 2)}; CPU time p99 ${ms(r.cpu.p99, 2)}`,
  }));
  console.log(`\nload average after the runs: ${os.loadavg()[0]!.toFixed(2)} on ${os.availableParallelism()} CPUs`);
  console.log('\n=== goals (ratio = measured / goal bound) ===');
  console.log(renderGoalTable(goals));
  console.log(
    `BENCH_JSON ${JSON.stringify({
      bench: 'query',
      quick,
      node: process.version,
      cpus: os.availableParallelism(),
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      rows: ROWS,
      runs,
      buildMs: Math.round(buildMs),
      tableMb: Math.round(tableMb),
      cases: results.map((r) => ({
        label: r.label,
        matches: r.total,
        p50: r.latency.p50,
        p95: r.latency.p95,
        p99: r.latency.p99,
        max: r.latency.max,
        cpuP50: r.cpu.p50,
        cpuP99: r.cpu.p99,
      })),
    })}`,
  );
  if (goals.some((g) => g.pass === false)) process.exitCode = 1;
}

main();
