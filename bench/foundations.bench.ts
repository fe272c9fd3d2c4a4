/**
 * `npm run bench:foundations` — issue 7's goals, measured on a private Redis:
 *   (a) a 1,000,000-point grid submits in ≤ 2 s, and Redis memory before any trial runs does not grow
 *       with grid size (10,000 vs 1,000,000 points: only the first window of trials exists);
 *   (b) a page of 50 trials of a 100,000-trial sweep — filtered by a metric range, by a param
 *       equality, and by an OR of both, sorted — through the HTTP API with the micro-cache off:
 *       ≤ 20 ms p99. The 100k results go through the real commit path (claim + fenced commit Lua,
 *       completion log), created by the real feeder, not written around it.
 * Flags: --quick (20k trials in b).
 */
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { createRedisConnection } from '../shared/queue/index.js';
import { createSweepService, type SweepService } from '../shared/sweep/sweep-service.js';
import { buildApp } from '../services/scheduler/app.js';
import { startBenchEnvironment } from './support/bench-environment.js';
import { cleanupAll, installCleanupHandlers } from './support/cleanup-stack.js';
import { summarize } from './support/percentiles.js';
import { ms, parseBenchArgs, renderGoalTable, type GoalRow } from './support/result-table.js';
import { completeSweep, EIGHT_PARAM_SPACE, type SimulatedResult } from './support/complete-sweep.js';

const { quick } = parseBenchArgs(process.argv.slice(2));
const QUERY_TRIALS = quick ? 20_000 : 100_000;
const REPEATS = 300;

function gridSpec(points: number) {
  // 100 × 100 × (points / 10^4) logistic-regression settings.
  const third = points / 10_000;
  const range = (n: number, scale: number) => [...Array(n).keys()].map((i) => (i + 1) * scale);
  return {
    name: `grid_${points}`,
    dataset: { make_classification: { n_samples: 200, n_features: 5, n_informative: 3, n_redundant: 1 } },
    cv: { folds: 0 },
    search: {
      method: 'grid',
      space: [
        {
          model: 'logistic_regression',
          params: { C: { values: range(100, 0.01) }, max_iter: { values: range(100, 10) }, tol: { values: range(third, 1e-6) } },
        },
      ],
    },
  };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

async function partA(service: SweepService, redis: Redis, goals: GoalRow[]): Promise<void> {
  const results: Array<{ points: number; submitMs: number; memory: number; keys: number }> = [];
  for (const points of [10_000, 1_000_000]) {
    await redis.flushdb();
    const before = await usedMemory(redis);
    const started = performance.now();
    const submitted = await service.submit(gridSpec(points));
    const submitMs = performance.now() - started;
    const after = await usedMemory(redis);
    results.push({ points, submitMs, memory: after - before, keys: await redis.dbsize() });
    console.log(
      `(a) ${points.toLocaleString('en')}-point grid: submit ${ms(submitMs)}, total ${submitted.total}, Redis +${((after - before) / 1024 / 1024).toFixed(2)} MiB, ${await redis.dbsize()} keys`,
    );
    await service.cancel(submitted.sweepId);
  }
  const [small, big] = results as [(typeof results)[0], (typeof results)[0]];
  goals.push({ part: '(a) 1,000,000-point grid submit', measured: ms(big.submitMs), goal: '≤ 2 s', ratio: big.submitMs / 2000, pass: big.submitMs <= 2000 });
  const growth = big.memory / small.memory;
  goals.push({
    part: '(a) Redis memory after submit, 10^6 vs 10^4 points',
    measured: `${(big.memory / 1024 / 1024).toFixed(2)} vs ${(small.memory / 1024 / 1024).toFixed(2)} MiB`,
    goal: 'no growth with grid size',
    ratio: growth,
    pass: growth < 1.2,
    note: `${big.keys} vs ${small.keys} keys (the first window only)`,
  });
}

/** Metrics spread over their ranges by the index hash alone (the read model's queries need no meaning). */
function simulate(_index: number, h: number): SimulatedResult {
  const metrics: Record<string, number> = {
    accuracy: 0.5 + 0.5 * h,
    precision: 0.4 + 0.5 * h,
    recall: 0.3 + 0.6 * ((h * 7) % 1),
    f1_score: 0.45 + 0.5 * h,
    auc_roc: 0.55 + 0.45 * ((h * 3) % 1),
    log_loss: 0.2 + ((h * 11) % 1),
    cv_mean: 0.5 + 0.5 * ((h * 5) % 1),
    cv_std: 0.05 * h,
  };
  return { metrics, folds: [h, h, h], durationMs: 10 };
}

async function partB(service: SweepService, goals: GoalRow[]): Promise<void> {
  const { sweepId } = await service.submit({
    name: 'query_bench',
    dataset: { make_classification: { n_samples: 200, n_features: 5, n_informative: 3, n_redundant: 1 } },
    cv: { folds: 0 },
    objective: { metric: 'auc_roc' },
    search: {
      method: 'random',
      max_trials: QUERY_TRIALS,
      seed: 1,
      space: EIGHT_PARAM_SPACE,
    },
  });
  const commitMs = await completeSweep(service, sweepId, QUERY_TRIALS, { simulate });
  console.log(`(b) ${QUERY_TRIALS.toLocaleString('en')} trials created by the feeder and committed through the Lua transitions in ${ms(commitMs)}`);

  // Reads need a token since issue 8 (in-process requests are not on the server's port); no rate limit
  // here: this measures query latency.
  const readToken = 'bench-read-token-0123456789';
  const config = {
    ...service['deps'].config,
    api: { ...service['deps'].config.api, readCacheMs: 0, token: undefined, readToken, rateLimit: { windowMs: 60_000, reads: 0, writes: 0 } },
  };
  const headers = { authorization: `Bearer ${readToken}` };
  const app = buildApp({ service, config, logger: pino({ level: 'silent' }) });
  await app.ready();
  const url = (query: Record<string, string>) => `/sweeps/${sweepId}/trials?${new URLSearchParams({ limit: '50', ...query }).toString()}`;
  const coldStarted = performance.now();
  const cold = await app.inject({ method: 'GET', url: url({ sort: 'auc_roc' }), headers });
  const coldMs = performance.now() - coldStarted;
  if (cold.statusCode !== 200) throw new Error(cold.body);
  console.log(`(b) first query (read model built from the index: definitions + completion log): ${ms(coldMs)}`);
  const cases: Array<[string, Record<string, string>]> = [
    ['metric range', { filter: 'metrics.auc_roc >= 0.7 and metrics.auc_roc < 0.9', order_by: 'metrics.accuracy DESC' }],
    ['param equality', { filter: 'params.max_depth = 5', order_by: 'metrics.auc_roc DESC' }],
    ['OR of both', { filter: "(metrics.auc_roc >= 0.7 and metrics.auc_roc < 0.9) or params.max_features = 'sqrt'", order_by: 'metrics.cv_mean' }],
  ];
  for (const [label, query] of cases) {
    const times = new Float64Array(REPEATS);
    let total = 0;
    for (let r = 0; r < REPEATS; r++) {
      const started = performance.now();
      const res = await app.inject({ method: 'GET', url: url({ ...query, offset: String((r % 10) * 50) }), headers });
      times[r] = performance.now() - started;
      if (res.statusCode !== 200) throw new Error(`${label}: ${res.body}`);
      total = (JSON.parse(res.body) as { total: number }).total;
    }
    const s = summarize(times);
    console.log(`(b) ${label}: ${total} matches; p50 ${ms(s.p50, 2)}, p99 ${ms(s.p99, 2)}`);
    goals.push({
      part: `(b) page of 50 of ${QUERY_TRIALS / 1000}k, ${label}, sorted (API, cache off)`,
      measured: `p99 ${ms(s.p99, 2)}`,
      goal: '≤ 20 ms p99',
      ratio: s.p99 / 20,
      pass: s.p99 <= 20,
      note: `p50 ${ms(s.p50, 2)}, ${total} matches`,
    });
  }
  await app.close();
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const env = await startBenchEnvironment('foundations', { SWEEPQ_MAX_TRIALS: '10000000' });
  const service = await createSweepService({ config: env.config, logger: env.logger });
  const redis = createRedisConnection(env.redis.url, { name: 'bench-probe' });
  const goals: GoalRow[] = [];
  try {
    await partA(service, redis, goals);
    await redis.flushdb();
    await partB(service, goals);
  } finally {
    redis.disconnect();
    await service.close();
    await cleanupAll();
  }
  console.log(`\n${renderGoalTable(goals)}`);
}

main().catch(async (error: unknown) => {
  console.error(error);
  await cleanupAll();
  process.exit(1);
});
