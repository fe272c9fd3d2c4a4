/**
 * Search benchmark: sweepq's TPE sampler and ASHA pruner side by side with Optuna 5.0.0.
 *
 *   npm run bench:search                 # all parts, 20 seeds
 *   npm run bench:search -- --quick      # 10 seeds, fewer latency asks
 *   npm run bench:search -- --only a,d   # some parts
 *   npm run bench:search -- --only a --tune-seeds   # (a) on seeds 100–299, sweepq and random only
 *   npm run bench:search -- --only d --baseline ../sweepq-main   # (d) alternating with another built checkout
 *   npm run bench:search -- --only d --no-aof   # (d) on a Redis without AOF (the snapshot's tail vs fsync)
 *
 * TPE's choices (issue 11) were tuned with --tune-seeds only; the reported figures come from the
 * evaluation seeds 0–19 (0–9 with --quick), so they are not fitted to the seeds they report.
 *
 * (a) Samplers alone on one precomputed objective table (mean 5-fold CV R² of scikit-learn 1.9.1
 *     gradient boosting / random forest on the diabetes data, bench/search/fixtures, made by
 *     bench/search/make_tables.py), so no learner noise enters: best objective after 20/50/100
 *     trials for sweepq TPE, Optuna TPE and random search, one after another and with 4 concurrent
 *     askers (pending trials + constant liar; duplicates counted).
 *     Goals: sweepq TPE within 0.002 of Optuna TPE at 100 trials (mean over seeds), better than
 *     random in ≥ 80 % of the seeds, no duplicate with 4 askers.
 * (b) The real learners, 2 workers: wall clock until TPE matches the best value of a 200-trial random
 *     search, `sweepq run --workers 2` vs Optuna (n_jobs=2) + scikit-learn gradient boosting, on the
 *     loan_default files (bench/search/time-to-target.ts). Goal: median ratio ≤ 0.2 over 10 seeds
 *     (3 with --quick).
 * (c) ASHA on the same table's learning curves (n_estimators 10..300) vs the same random configurations
 *     trained fully; for boosting also on rungs refitted from scratch (bench/search/fixtures/
 *     diabetes-gradient-boosting-resources.json, make_resource_tables.py): `scaled_trees` (the
 *     learning rate scaled to the rung's trees) and rows. Goal: ≥ 3× less compute at ≤ 0.003 loss
 *     of the best objective.
 * (d) Suggestion latency with 10,000 completed trials, Redis reads included: the feeder's
 *     observation snapshot from a real redis-server plus ask(), one trial finishing between asks
 *     (bench/search/ask-latency.ts); ask() alone for reference; Optuna's in-memory ask at the same
 *     n for comparison. Goal ≤ 5 ms.
 *
 * Optuna runs through bench/search/optuna_bench.py in the project venv (scripts/ensure-python.mjs).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { formatTable } from '../services/cli/format/table.js';
import { Rng } from '../shared/ml/random/rng.js';
import type { SearchSpaceEntry } from '../shared/schemas/search-space.schema.js';
import type { ParamLiteral } from '../shared/schemas/spec-scalars.schema.js';
import { SuccessiveHalvingPruner } from '../shared/search/pruners/index.js';
import { RandomSampler } from '../shared/search/random-sampler.js';
import type { Observation, PendingTrial, Proposal } from '../shared/search/sampler.js';
import { TpeSampler, type TpeOptionsInput } from '../shared/search/tpe/index.js';
import { runAsha, runFull, type Curve } from './search/asha-simulation.js';
import { rankCorrelation } from './search/rank-correlation.js';
import { latencySpace, pureAskLatency, redisAskLatency, type LatencySamples } from './search/ask-latency.js';
import { partB } from './search/time-to-target.js';
import {
  conditionalSpace,
  gbDiscreteSpace,
  gbNumericSpace,
  loadResourceTable,
  loadTable,
  tableObjective,
  type CurveTable,
  type ResourceTable,
} from './search/objective-table.js';
import { cleanupAll, installCleanupHandlers } from './support/cleanup-stack.js';
import { summarize } from './support/percentiles.js';
import { parseBenchArgs, renderGoalTable, type GoalRow } from './support/result-table.js';

const TRIALS = 100;
const CHECKPOINTS = [20, 50, 100];
const WORKERS = 4;
const OPTUNA_TOOL = path.resolve(process.cwd(), 'bench/search/optuna_bench.py');

type Objective = (entry: number, params: Readonly<Record<string, unknown>>) => number;

interface Run {
  values: number[];
  duplicates: number;
}

const pointKey = (entry: number, params: Readonly<Record<string, unknown>>): string =>
  `${entry}:${Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join(',')}`;

/** sweepq TPE with `workers` trials in flight; the oldest finishes first (FIFO), as on the Optuna side. */
function runTpe(space: readonly SearchSpaceEntry[], objective: Objective, seed: number, workers: number, options: TpeOptionsInput = {}): Run {
  const sampler = new TpeSampler(space, options);
  const observations: Observation[] = [];
  const running: (Proposal & { value: number })[] = [];
  const values: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  while (values.length < TRIALS || running.length > 0) {
    while (values.length < TRIALS && running.length < workers) {
      const pending: PendingTrial[] = running;
      const result = sampler.ask({ seed, nextIndex: values.length, count: 1, observations, pending, goal: 'maximize' });
      if (result.kind === 'exhausted') throw new Error('the benchmark spaces are larger than 100 trials');
      const p = result.proposals[0]!;
      const key = pointKey(p.entry, p.params);
      if (seen.has(key)) duplicates++;
      seen.add(key);
      const value = objective(p.entry, p.params);
      values.push(value);
      running.push({ ...p, value });
    }
    const done = running.shift()!;
    observations.push({ entry: done.entry, params: done.params, value: done.value, status: 'completed' });
  }
  return { values, duplicates };
}

/** The trials a random search of TRIALS draws for `seed`, as the feeder creates them. */
function randomDraws(space: readonly SearchSpaceEntry[], seed: number): Array<{ entry: number; params: Record<string, ParamLiteral> }> {
  const asked = new RandomSampler(space, TRIALS, seed).ask({ seed, nextIndex: 0, count: TRIALS, observations: [], pending: [], goal: 'maximize' });
  return asked.kind === 'proposals' ? asked.proposals : [];
}

function runRandom(space: readonly SearchSpaceEntry[], objective: Objective, seed: number): Run {
  const values = randomDraws(space, seed).map((t) => objective(t.entry, t.params));
  return { values, duplicates: 0 };
}

function runOptuna(python: string, job: Record<string, unknown>): { results: { seed: number; values: number[]; duplicates: number }[]; ms: number[] } {
  const out = execFileSync(python, [OPTUNA_TOOL], {
    input: JSON.stringify(job),
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  return JSON.parse(out.toString('utf8')) as { results: { seed: number; values: number[]; duplicates: number }[]; ms: number[] };
}

function bestAfter(values: readonly number[], n: number): number {
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < Math.min(n, values.length); i++) best = Math.max(best, values[i]!);
  return best;
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const f4 = (x: number): string => x.toFixed(4);

/** @param python the venv's python for the Optuna rows, or null to compare sweepq and random search only. */
function partA(python: string | null, tables: Record<string, CurveTable>, seeds: number[], goals: GoalRow[]): void {
  const gb = tables.gradient_boosting!;
  const rf = tables.random_forest!;
  const spaces: [string, SearchSpaceEntry[]][] = [
    ['gb, 5 values lists (1,080 points)', gbDiscreteSpace(gb)],
    ['gb, int/q distributions (same points)', gbNumericSpace(gb)],
    ['gb | rf conditional (1,368 points)', conditionalSpace(gb, rf)],
  ];
  for (const [label, space] of spaces) {
    const objective = tableObjective(space, tables);
    const optimum = Math.max(
      ...space.map((entry) => Math.max(...tables[entry.model]!.configs.map((c) => Math.max(...[4, 9, 14, 19, 24, 29].map((i) => c.r2[i]!))))),
    );
    const started = performance.now();
    const methods: { name: string; runs: Run[] }[] = [
      { name: 'sweepq TPE', runs: seeds.map((s) => runTpe(space, objective, s, 1)) },
      { name: `sweepq TPE, ${WORKERS} askers`, runs: seeds.map((s) => runTpe(space, objective, s, WORKERS)) },
      { name: 'random search', runs: seeds.map((s) => runRandom(space, objective, s)) },
    ];
    if (space.length > 1)
      methods.splice(2, 0, { name: "sweepq TPE, conditional: 'optuna'", runs: seeds.map((s) => runTpe(space, objective, s, 1, { conditional: 'optuna' })) });
    const sweepqSeconds = (performance.now() - started) / 1000;
    const optunaStarted = performance.now();
    if (python !== null) {
      const tablesForPython = Object.fromEntries(space.map((e) => [e.model, tables[e.model]!]));
      methods.splice(2, 0, {
        name: 'Optuna TPE',
        runs: runOptuna(python, { mode: 'table', space, tables: tablesForPython, seeds, trials: TRIALS, workers: 1 }).results,
      });
      methods.splice(3, 0, {
        name: `Optuna TPE, ${WORKERS} askers`,
        runs: runOptuna(python, { mode: 'table', space, tables: tablesForPython, seeds, trials: TRIALS, workers: WORKERS }).results,
      });
    }
    const optunaSeconds = (performance.now() - optunaStarted) / 1000;
    console.log(
      `\n(a) ${label}: best CV R² after n trials, mean of ${seeds.length} seeds (table optimum ${f4(optimum)}; sweepq ${sweepqSeconds.toFixed(1)} s, Optuna ${optunaSeconds.toFixed(1)} s)`,
    );
    console.log(
      formatTable(
        ['method', ...CHECKPOINTS.map((n) => `best@${n}`), 'duplicates'],
        methods.map((m) => [
          m.name,
          ...CHECKPOINTS.map((n) => f4(mean(m.runs.map((r) => bestAfter(r.values, n))))),
          String(m.runs.reduce((s, r) => s + r.duplicates, 0)),
        ]),
        { align: ['left', 'right', 'right', 'right', 'right'] },
      ),
    );
    const at100 = (name: string): number[] | null => methods.find((m) => m.name === name)?.runs.map((r) => bestAfter(r.values, TRIALS)) ?? null;
    const random = at100('random search')!;
    const beatsRandom = (name: string): number | null => at100(name)?.filter((v, i) => v > random[i]!).length ?? null;
    const better = beatsRandom('sweepq TPE')!;
    const optunaBetter = beatsRandom('Optuna TPE');
    const groupBetter = beatsRandom("sweepq TPE, conditional: 'optuna'");
    const concurrentDuplicates = methods.find((m) => m.name === `sweepq TPE, ${WORKERS} askers`)!.runs.reduce((s, r) => s + r.duplicates, 0);
    const finite = space.every((entry) => Object.values(entry.params).every((p) => typeof p !== 'object' || p === null || 'values' in p));
    const optunaTpe = at100('Optuna TPE');
    if (optunaTpe !== null) {
      const gap = mean(at100('sweepq TPE')!) - mean(optunaTpe);
      goals.push({
        part: `a ${label}: sweepq − Optuna @100`,
        measured: `${gap >= 0 ? '+' : ''}${gap.toFixed(4)}`,
        goal: '≥ −0.002',
        ratio: Number.NaN,
        pass: gap >= -0.002,
      });
    }
    const notes: string[] = [];
    if (optunaBetter !== null) notes.push(`Optuna TPE: ${optunaBetter}/${seeds.length}`);
    if (groupBetter !== null) notes.push(`conditional 'optuna': ${groupBetter}/${seeds.length}`);
    goals.push({
      part: `a ${label}: better than random @100`,
      measured: `${better}/${seeds.length} seeds`,
      goal: '≥ 80 %',
      ratio: better / seeds.length / 0.8,
      pass: better >= 0.8 * seeds.length,
      note: notes.join('; '),
    });
    if (finite)
      goals.push({
        part: `a ${label}: duplicates, ${WORKERS} askers`,
        measured: String(concurrentDuplicates),
        goal: '0',
        ratio: Number.NaN,
        pass: concurrentDuplicates === 0,
      });
  }
}

/**
 * One (c) setting: per seed, the same configurations trained fully and under ASHA; the table row
 * (mean best of each, loss, compute saved, trials trained to the end) and its goal row.
 */
function ashaAgainstFull(
  label: string,
  options: ConstructorParameters<typeof SuccessiveHalvingPruner>[0],
  seeds: readonly number[],
  goals: GoalRow[],
  curvesFor: (seed: number) => { curves: Curve[]; resources: readonly number[] },
  freshFits = false,
): string[] {
  const pruner = new SuccessiveHalvingPruner(options, 'maximize');
  const fullBest: number[] = [];
  const ashaBest: number[] = [];
  const computeRatio: number[] = [];
  let completed = 0;
  for (const seed of seeds) {
    const { curves, resources } = curvesFor(seed);
    const baseline = runFull(curves, resources, 300);
    const pruned = runAsha(curves, resources, pruner, WORKERS, freshFits);
    fullBest.push(baseline.best);
    ashaBest.push(pruned.best);
    computeRatio.push(baseline.compute / pruned.compute);
    completed += pruned.completed;
  }
  const loss = mean(fullBest) - mean(ashaBest);
  const ratio = mean(computeRatio);
  goals.push({
    part: `c ASHA ${label}`,
    measured: `${ratio.toFixed(2)}× less compute, loss ${loss.toFixed(4)}`,
    goal: '≥ 3×, loss ≤ 0.003',
    ratio: ratio / 3,
    pass: ratio >= 3 && loss <= 0.003,
  });
  return [label, f4(mean(fullBest)), f4(mean(ashaBest)), loss.toFixed(4), `${ratio.toFixed(2)}×`, (completed / seeds.length).toFixed(1)];
}

function partC(tables: Record<string, CurveTable>, seeds: number[], goals: GoalRow[]): void {
  const resources = tables.gradient_boosting!.n_estimators;
  // The same grid of ASHA settings for both models, all reported (the goal row of each is shown):
  // gradient boosting's curves cross (learning rate 0.01 is best at 300 trees but ranks ~150/180 at
  // 10–30 trees), so no setting keeps its best; random forest curves only rise and flatten.
  const grid: { rungs: string; options: Omit<ConstructorParameters<typeof SuccessiveHalvingPruner>[0], 'max_resource'> }[] = [
    { rungs: '10/30/90/270 (rf 3)', options: { min_resource: 10, reduction_factor: 3 } },
    { rungs: '30/90/270 (rf 3, rate 1)', options: { min_resource: 10, reduction_factor: 3, min_early_stopping_rate: 1 } },
    { rungs: '10/20/40/80/160 (rf 2)', options: { min_resource: 10, reduction_factor: 2 } },
    { rungs: '30/60/120/240 (rf 2)', options: { min_resource: 30, reduction_factor: 2 } },
  ];
  const settings: {
    label: string;
    table: CurveTable;
    configs: number;
    options: ConstructorParameters<typeof SuccessiveHalvingPruner>[0];
    groupBy?: string;
  }[] = [];
  for (const [model, table, configs] of [
    ['gb', tables.gradient_boosting!, 60],
    ['rf', tables.random_forest!, 24],
  ] as const) {
    for (const g of grid)
      settings.push({
        label: `${model} ${configs}/${table.configs.length} configs, rungs ${g.rungs}`,
        table,
        configs,
        options: { ...g.options, max_resource: 300 },
      });
  }
  // Rungs per learning rate: boosting curves cross between learning rates (a small rate needs many
  // trees), much less between configurations that share one, so each rate keeps its own rungs.
  const gb = tables.gradient_boosting!;
  for (const g of grid)
    settings.push({
      label: `gb 60/${gb.configs.length} configs, rungs ${g.rungs} per learning rate`,
      table: gb,
      configs: 60,
      options: { ...g.options, max_resource: 300 },
      groupBy: 'learning_rate',
    });
  const rows = settings.map((setting) =>
    ashaAgainstFull(setting.label, setting.options, seeds, goals, (seed) => {
      const order = new Rng(seed).permutation(setting.table.configs.length);
      const curves: Curve[] = [];
      for (let i = 0; i < setting.configs; i++) {
        const config = setting.table.configs[order[i]!]!;
        curves.push(setting.groupBy === undefined ? { values: config.r2 } : { values: config.r2, group: String(config.params[setting.groupBy]) });
      }
      return { curves, resources };
    }),
  );
  console.log(
    `\n(c) ASHA (reduction factor 3, ${WORKERS} workers, asynchronous) vs the same random configurations trained to 300 trees; mean of ${seeds.length} seeds`,
  );
  console.log(
    formatTable(['setting', 'best full', 'best ASHA', 'loss', 'compute saved', 'trials at 300'], rows, {
      align: ['left', 'right', 'right', 'right', 'right', 'right'],
    }),
  );
  console.log(curveCrossing(tables));
  partCFreshFits(tables.gradient_boosting!, loadResourceTable(), seeds, goals);
}

/**
 * (c) for gradient boosting with resources whose rungs are fits of their own (no crossing curves):
 * `scaled_trees` (a rung at r trees trained at learning_rate · 300 / r, capped at 1) and rows (300
 * trees on r/300 of each fold's rows, scikit-learn's HalvingRandomSearchCV resource='n_samples').
 * A rung costs its whole resource (fresh fit) and a promoted trial then trains its full 300 trees;
 * compute is counted in trees × rows, against the same configurations trained fully.
 */
function partCFreshFits(gb: CurveTable, resources: ResourceTable, seeds: number[], goals: GoalRow[]): void {
  const full = gb.n_estimators.indexOf(300);
  for (let i = 0; i < gb.configs.length; i++) {
    if (JSON.stringify(gb.configs[i]!.params) !== JSON.stringify(resources.configs[i]!.params))
      throw new Error(`resource table row ${i} is not the gb table's`);
  }
  const rowsAt = [100 / 3, 100];
  const kinds = {
    scaled_trees: { resources: [...resources.scaled_rungs, 300], values: (i: number) => [...resources.configs[i]!.scaled, gb.configs[i]!.r2[full]!] },
    rows: { resources: [...rowsAt, 300], values: (i: number) => [...resources.configs[i]!.rows, gb.configs[i]!.r2[full]!] },
  };
  const settings: { label: string; kind: keyof typeof kinds; options: ConstructorParameters<typeof SuccessiveHalvingPruner>[0] }[] = [
    { label: 'scaled_trees, rungs 10/30/90 (rf 3)', kind: 'scaled_trees', options: { min_resource: 10, reduction_factor: 3, max_resource: 300 } },
    { label: 'scaled_trees, rungs 30/90 (rf 3)', kind: 'scaled_trees', options: { min_resource: 30, reduction_factor: 3, max_resource: 300 } },
    { label: 'scaled_trees, rung 10 (rf 10)', kind: 'scaled_trees', options: { min_resource: 10, reduction_factor: 10, max_resource: 300 } },
    { label: 'rows 1/9, 1/3 (rf 3)', kind: 'rows', options: { min_resource: 100 / 3, reduction_factor: 3, max_resource: 300 } },
  ];
  const rows = settings.map((setting) => {
    const kind = kinds[setting.kind];
    return ashaAgainstFull(
      `gb 60/${gb.configs.length} configs, ${setting.label}`,
      setting.options,
      seeds,
      goals,
      (seed) => {
        const order = new Rng(seed).permutation(gb.configs.length);
        const curves: Curve[] = [];
        for (let i = 0; i < 60; i++) curves.push({ values: kind.values(order[i]!) });
        return { curves, resources: kind.resources };
      },
      true,
    );
  });
  console.log(
    `\n(c) gradient boosting, rungs refitted from scratch (a rung costs its whole resource), vs the same configurations trained to 300 trees; mean of ${seeds.length} seeds`,
  );
  console.log(
    formatTable(['setting', 'best full', 'best ASHA', 'loss', 'compute saved', 'trials at 300'], rows, {
      align: ['left', 'right', 'right', 'right', 'right', 'right'],
    }),
  );
  const finals = gb.configs.map((c) => c.r2[full]!);
  let winner = 0;
  for (let i = 1; i < finals.length; i++) if (finals[i]! > finals[winner]!) winner = i;
  const crossing: string[][] = [];
  for (const [name, kind] of Object.entries(kinds)) {
    for (let r = 0; r < kind.resources.length - 1; r++) {
      const early = gb.configs.map((_, i) => kind.values(i)[r]!);
      const rank = 1 + early.filter((v) => v > early[winner]!).length;
      crossing.push([name, kind.resources[r]!.toFixed(0), rankCorrelation(early, finals).toFixed(2), `${rank}/${gb.configs.length}`]);
    }
  }
  console.log(
    `\n(c) rank correlation of the rung value with CV R² at 300 trees, and the rung rank of the best configuration at 300\n${formatTable(['resource', 'rung', 'all configs', 'rank of the best'], crossing, { align: ['left', 'right', 'right', 'right'] })}`,
  );
}

/**
 * Why ASHA loses on boosting: rank correlation of the configurations' CV R² at each rung resource
 * with their CV R² at 300 trees, over all configurations and within one learning rate (mean over
 * the rates), and where the configuration that is best at 300 trees ranks at the rung.
 */
function curveCrossing(tables: Record<string, CurveTable>): string {
  const rows: string[][] = [];
  const full = tables.gradient_boosting!.n_estimators.indexOf(300);
  for (const [model, table] of [
    ['gb', tables.gradient_boosting!],
    ['rf', tables.random_forest!],
  ] as const) {
    const finals = table.configs.map((c) => c.r2[full]!);
    let winner = 0;
    for (let i = 1; i < finals.length; i++) if (finals[i]! > finals[winner]!) winner = i;
    for (const resource of [10, 30, 90]) {
      const at = table.n_estimators.indexOf(resource);
      const early = table.configs.map((c) => c.r2[at]!);
      const rank = 1 + early.filter((v) => v > early[winner]!).length;
      let within = '-';
      if (model === 'gb') {
        const perRate: number[] = [];
        for (const rate of table.grid.learning_rate!) {
          const members = table.configs.filter((c) => c.params.learning_rate === rate);
          perRate.push(
            rankCorrelation(
              members.map((c) => c.r2[at]!),
              members.map((c) => c.r2[full]!),
            ),
          );
        }
        within = mean(perRate).toFixed(2);
      }
      rows.push([model, String(resource), rankCorrelation(early, finals).toFixed(2), within, `${rank}/${table.configs.length}`]);
    }
  }
  return `\n(c) why: rank correlation of CV R² at a rung with CV R² at 300 trees, and the rank at the rung of the best configuration at 300\n${formatTable(
    ['model', 'trees', 'all configs', 'within a learning rate', 'rank of the best'],
    rows,
    { align: ['left', 'right', 'right', 'right', 'right'] },
  )}`;
}

async function partD(python: string | null, quick: boolean, baseline: string | null, appendonly: boolean, goals: GoalRow[]): Promise<void> {
  const n = 10_000;
  const asks = quick ? 100 : 300;
  const rows: string[][] = [];
  const row = (name: string, samples: LatencySamples): void => {
    const w = summarize(samples.wall);
    const c = summarize(samples.cpu);
    rows.push([name, w.p50.toFixed(2), w.p99.toFixed(2), c.p50.toFixed(2), c.p99.toFixed(2)]);
  };
  // The goal's measure: what the feeder pays, Redis reads included (ask-latency.ts).
  const onRedis = await redisAskLatency(n, asks, baseline, { appendonly });
  const aof = appendonly ? 'AOF everysec' : 'appendonly no';
  row(`sweepq TPE, snapshot from Redis + ask (multivariate, default; ${aof})`, onRedis.current);
  row('  of which ObservationReader.snapshot', onRedis.current.snapshot);
  if (onRedis.baseline !== null) {
    row(`  the same, baseline ${baseline} (alternating)`, onRedis.baseline);
    row('  of which its snapshot', onRedis.baseline.snapshot);
  }
  const w = summarize(onRedis.current.wall);
  const c = summarize(onRedis.current.cpu);
  const load = loadavg()[0]!.toFixed(1);
  const versus =
    onRedis.baseline === null
      ? ''
      : `; baseline p50 / p99 ${summarize(onRedis.baseline.wall).p50.toFixed(2)} / ${summarize(onRedis.baseline.wall).p99.toFixed(2)} ms`;
  for (const quantile of ['p50', 'p99'] as const) {
    goals.push({
      part: `d snapshot + ask() with 10,000 trials, ${quantile}`,
      measured: `${w[quantile].toFixed(2)} ms (CPU ${c[quantile].toFixed(2)})`,
      goal: '≤ 5 ms',
      ratio: w[quantile] / 5,
      pass: w[quantile] <= 5,
      ...(quantile === 'p99' ? { note: `wall time on a shared machine, load ${load}${versus}` } : {}),
    });
  }
  for (const multivariate of [true, false])
    row(`sweepq TPE ask() alone (${multivariate ? 'multivariate' : 'univariate'})`, pureAskLatency(n, asks, multivariate));
  if (python !== null) {
    const optuna = summarize(runOptuna(python, { mode: 'latency', space: latencySpace(), n, asks: quick ? 5 : 15, seed: 0 }).ms);
    rows.push(['Optuna 5.0.0 TPE (multivariate, in memory)', optuna.p50.toFixed(1), optuna.p99.toFixed(1), '-', '-']);
  }
  console.log(`\n(d) suggestion latency with ${n} completed trials, 3 running, 5 params (ms; load average ${load} on this machine)`);
  console.log(formatTable(['sampler', 'p50', 'p99', 'CPU p50', 'CPU p99'], rows, { align: ['left', 'right', 'right', 'right', 'right'] }));
  console.log(`redis-server during the timed rounds (${aof}): LATENCY LATEST (events ≥ 1 ms) ${onRedis.server.latest.join(' ') || 'none'}`);
  console.log(`  SLOWLOG (commands ≥ 1 ms): ${onRedis.server.slowlog.length === 0 ? 'none' : onRedis.server.slowlog.join('\n  ')}`);
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const argv = process.argv.slice(2);
  const tune = argv.includes('--tune-seeds');
  // (d) on a Redis without AOF, to compare the snapshot's tail with the product's persistence.
  const appendonly = !argv.includes('--no-aof');
  const baselineAt = argv.indexOf('--baseline');
  const baseline = baselineAt < 0 ? null : path.resolve(argv[baselineAt + 1] ?? '');
  const { quick, only } = parseBenchArgs(
    argv.filter((a, i) => a !== '--tune-seeds' && a !== '--no-aof' && (baselineAt < 0 || (i !== baselineAt && i !== baselineAt + 1))),
  );
  // Tuning seeds are disjoint from the evaluation seeds the README reports.
  const seeds = tune ? Array.from({ length: 200 }, (_, i) => 100 + i) : Array.from({ length: quick ? 10 : 20 }, (_, i) => i);
  const python = execFileSync(process.execPath, [path.resolve(process.cwd(), 'scripts/ensure-python.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString('utf8')
    .trim();
  const tables: Record<string, CurveTable> = { gradient_boosting: loadTable('gradient-boosting'), random_forest: loadTable('random-forest') };
  const goals: GoalRow[] = [];
  console.log(`search benchmark: ${seeds.length} seeds, ${TRIALS} trials, Optuna via ${python}`);
  if (only === null || only.has('a')) partA(tune ? null : python, tables, seeds, goals);
  if (only === null || only.has('b')) await partB(python, quick, goals);
  if (only === null || only.has('c')) partC(tables, seeds, goals);
  if (only === null || only.has('d')) await partD(python, quick, baseline, appendonly, goals);
  console.log(`\n${renderGoalTable(goals)}`);
}

main().catch(async (error: unknown) => {
  console.error(error);
  await cleanupAll();
  process.exit(1);
});
