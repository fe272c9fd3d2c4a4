/**
 * Part (b) of the search benchmark: with the real learners, the wall clock until a TPE search matches
 * the best value random search reaches in 200 trials, 2 workers, sweepq against Optuna 5.0.0 +
 * scikit-learn 1.9.1 (GradientBoostingClassifier, `study.optimize(n_jobs=2)`).
 *
 * Data: the example's loan_default train/test files (800 + 200 rows, 15 features, some missing), so
 * both sides read the very same file. Objective: 3-fold stratified CV AUC on the training file,
 * median imputer → standard scaler → gradient boosting, over a 5-param space.
 *
 * Target: each side's own learner sets it — the best CV AUC of one reference random search of 200
 * trials (seed 0) on that side. The learners differ (sweepq bins features, so its CV values are not
 * scikit-learn's), which is why one absolute target for both would favour one side by chance.
 * Then, per seed, a TPE search with a budget of 200 trials that stops when it reaches the target;
 * the time is from the process spawn to the completion of the first trial at or above it. The sides
 * alternate which goes first per seed so load drift on the shared machine hits both.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { formatTable } from '../../services/cli/format/table.js';
import type { SearchSpaceEntry } from '../../shared/schemas/search-space.schema.js';
import type { GoalRow } from '../support/result-table.js';
import { bestOf, runOptunaSearch, runSweepqSearch, timeToTarget, type SearchProblem, type SearchRequest, type SearchRun } from './real-learner-search.js';

const BUDGET = 200;
const REFERENCE_SEED = 0;
const GOAL_RATIO = 0.2;

const GB_SPACE: SearchSpaceEntry[] = [
  {
    model: 'gradient_boosting',
    params: {
      n_estimators: { distribution: 'int_uniform', min: 10, max: 150 },
      learning_rate: { distribution: 'log_uniform', min: 0.01, max: 0.5 },
      max_depth: { distribution: 'int_uniform', min: 1, max: 6 },
      subsample: { distribution: 'q_uniform', min: 0.5, max: 1, q: 0.1 },
      min_samples_leaf: { distribution: 'int_uniform', min: 1, max: 50 },
      random_state: 0,
    },
  },
];

function problem(): SearchProblem {
  return {
    train: path.resolve(process.cwd(), 'sweeps/data/loan_default.train.csv'),
    test: path.resolve(process.cwd(), 'sweeps/data/loan_default.test.csv'),
    target: 'target',
    space: GB_SPACE,
    folds: 3,
    workers: 2,
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const f4 = (x: number): string => x.toFixed(4);

function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

interface SideResult {
  run: SearchRun;
  hit: { ms: number; trials: number } | null;
}

function describeSide(side: SideResult): string {
  if (side.run.error !== undefined) return `failed: ${side.run.error.split('\n')[0]!.slice(0, 60)}`;
  if (side.hit === null) return `not reached in ${side.run.trials.length} trials (${seconds(side.run.wallMs)})`;
  return `${seconds(side.hit.ms)} (${side.hit.trials} trials)`;
}

/**
 * sweepq / Optuna time to target for one seed. A side that misses the target within its budget is
 * charged its whole run: sweepq missing counts as +∞ (a loss whatever Optuna did); Optuna missing
 * gives sweepq's time over Optuna's whole run, an upper bound of the true ratio. Both missing: NaN
 * (left out of the median, and reported).
 */
function seedRatio(sweepq: SideResult, optuna: SideResult): number {
  if (sweepq.run.error !== undefined || optuna.run.error !== undefined) return Number.NaN;
  if (sweepq.hit === null && optuna.hit === null) return Number.NaN;
  if (sweepq.hit === null) return Number.POSITIVE_INFINITY;
  return sweepq.hit.ms / (optuna.hit === null ? optuna.run.wallMs : optuna.hit.ms);
}

export async function partB(python: string, quick: boolean, goals: GoalRow[]): Promise<void> {
  const setup = problem();
  const seeds = Array.from({ length: quick ? 3 : 10 }, (_, i) => i);
  const reference = (): SearchRequest => ({ sampler: 'random', seed: REFERENCE_SEED, trials: BUDGET, stopAt: null });
  const loadAtStart = loadavg()[0]!;
  console.log(`\n(b) real learners, ${setup.workers} workers: reference random searches of ${BUDGET} trials (seed ${REFERENCE_SEED}), load average ${loadAtStart.toFixed(1)}`);
  const referenceRuns = [
    { name: 'sweepq random', run: await runSweepqSearch(setup, reference()) },
    { name: 'Optuna random + scikit-learn', run: await runOptunaSearch(python, setup, reference()) },
  ];
  const rows: string[][] = [];
  for (const { name, run } of referenceRuns) {
    const best = bestOf(run);
    rows.push([name, best === null ? `failed: ${run.error ?? 'no trial completed'}`.slice(0, 80) : f4(best.value), best === null ? '-' : `${seconds(best.ms)} (trial ${best.trials})`, `${run.trials.length}`, seconds(run.wallMs)]);
  }
  console.log(formatTable(['reference', 'best CV AUC (= target)', 'reached at', 'trials', 'wall'], rows, { align: ['left', 'right', 'right', 'right', 'right'] }));
  const sweepqTarget = bestOf(referenceRuns[0]!.run)?.value;
  const optunaTarget = bestOf(referenceRuns[1]!.run)?.value;
  if (sweepqTarget === undefined || optunaTarget === undefined) {
    goals.push({ part: 'b time to random-200 best, sweepq / Optuna', measured: 'reference run failed', goal: `≤ ${GOAL_RATIO}×`, ratio: Number.NaN, pass: false });
    return;
  }

  const seedRows: string[][] = [];
  const ratios: number[] = [];
  const misses = { sweepq: 0, optuna: 0 };
  for (const seed of seeds) {
    const sweepqRequest: SearchRequest = { sampler: 'tpe', seed, trials: BUDGET, stopAt: sweepqTarget };
    const optunaRequest: SearchRequest = { sampler: 'tpe', seed, trials: BUDGET, stopAt: optunaTarget };
    const load = loadavg()[0]!;
    let sweepqRun: SearchRun;
    let optunaRun: SearchRun;
    if (seed % 2 === 0) {
      sweepqRun = await runSweepqSearch(setup, sweepqRequest);
      optunaRun = await runOptunaSearch(python, setup, optunaRequest);
    } else {
      optunaRun = await runOptunaSearch(python, setup, optunaRequest);
      sweepqRun = await runSweepqSearch(setup, sweepqRequest);
    }
    const sweepq: SideResult = { run: sweepqRun, hit: timeToTarget(sweepqRun, sweepqTarget) };
    const optuna: SideResult = { run: optunaRun, hit: timeToTarget(optunaRun, optunaTarget) };
    if (sweepq.hit === null) misses.sweepq++;
    if (optuna.hit === null) misses.optuna++;
    const ratio = seedRatio(sweepq, optuna);
    if (!Number.isNaN(ratio)) ratios.push(ratio);
    seedRows.push([String(seed), describeSide(sweepq), describeSide(optuna), Number.isNaN(ratio) ? '-' : `${ratio.toFixed(3)}×`, `${load.toFixed(1)}–${loadavg()[0]!.toFixed(1)}`]);
    console.log(`  seed ${seed}: sweepq ${describeSide(sweepq)}, Optuna ${describeSide(optuna)}`);
  }
  console.log(`\n(b) TPE until the reference best is matched (sweepq ≥ ${f4(sweepqTarget)}, Optuna + scikit-learn ≥ ${f4(optunaTarget)}), budget ${BUDGET} trials, time from process spawn`);
  console.log(formatTable(['seed', 'sweepq TPE', 'Optuna TPE + scikit-learn', 'sweepq / Optuna', 'load average'], seedRows, { align: ['right', 'right', 'right', 'right', 'right'] }));
  const medianRatio = median(ratios);
  goals.push({
    part: 'b time to random-200 best, sweepq / Optuna (median)',
    measured: `${medianRatio.toFixed(3)}× over ${ratios.length}/${seeds.length} seeds`,
    goal: `≤ ${GOAL_RATIO}×`,
    ratio: medianRatio / GOAL_RATIO,
    pass: ratios.length > 0 && medianRatio <= GOAL_RATIO,
    note: `target missed: sweepq ${misses.sweepq}, Optuna ${misses.optuna} of ${seeds.length}; load ${loadAtStart.toFixed(1)}–${loadavg()[0]!.toFixed(1)}`,
  });
}
