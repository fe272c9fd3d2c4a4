/**
 * Part (b) of the search benchmark: with the real learners, the wall clock until a TPE search matches
 * the best value random search reaches in 200 trials, 2 workers, sweepq against Optuna 5.0.0 +
 * scikit-learn 1.9.1 (`study.optimize(n_jobs=2)`) with GradientBoostingClassifier (the issue's peer,
 * the same algorithm) and, reported beside it, HistGradientBoostingClassifier (scikit-learn's fast
 * booster, what its users pick for speed).
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

/** One searcher of the comparison: a name and how it runs a search. */
interface Side {
  name: string;
  search(request: SearchRequest): Promise<SearchRun>;
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
 * sweepq / peer time to target for one seed. A side that misses the target within its budget is
 * charged its whole run: sweepq missing counts as +∞ (a loss whatever the peer did); the peer missing
 * gives sweepq's time over the peer's whole run, an upper bound of the true ratio. Both missing: NaN
 * (left out of the median, and reported).
 */
function seedRatio(sweepq: SideResult, peer: SideResult): number {
  if (sweepq.run.error !== undefined || peer.run.error !== undefined) return Number.NaN;
  if (sweepq.hit === null && peer.hit === null) return Number.NaN;
  if (sweepq.hit === null) return Number.POSITIVE_INFINITY;
  return sweepq.hit.ms / (peer.hit === null ? peer.run.wallMs : peer.hit.ms);
}

const formatRatio = (ratio: number): string => (Number.isNaN(ratio) ? '-' : `${ratio.toFixed(3)}×`);

export async function partB(python: string, quick: boolean, goals: GoalRow[]): Promise<void> {
  const setup = problem();
  const seeds = Array.from({ length: quick ? 3 : 10 }, (_, i) => i);
  // sweepq first; the peers are compared with it. GradientBoosting is the issue's peer (the same
  // algorithm); HistGradientBoosting is what a scikit-learn user picks for speed, reported beside it.
  const sides: Side[] = [
    { name: 'sweepq', search: (request) => runSweepqSearch(setup, request) },
    { name: 'Optuna + GradientBoosting', search: (request) => runOptunaSearch(python, setup, request, 'gradient_boosting') },
    { name: 'Optuna + HistGradientBoosting', search: (request) => runOptunaSearch(python, setup, request, 'hist_gradient_boosting') },
  ];
  const loadAtStart = loadavg()[0]!;
  console.log(
    `\n(b) real learners, ${setup.workers} workers: reference random searches of ${BUDGET} trials (seed ${REFERENCE_SEED}), load average ${loadAtStart.toFixed(1)}`,
  );
  const targets: number[] = [];
  const referenceRows: string[][] = [];
  for (const side of sides) {
    const run = await side.search({ sampler: 'random', seed: REFERENCE_SEED, trials: BUDGET, stopAt: null });
    const best = bestOf(run);
    targets.push(best?.value ?? Number.NaN);
    referenceRows.push([
      `${side.name}, random`,
      best === null ? `failed: ${run.error ?? 'no trial completed'}`.slice(0, 80) : f4(best.value),
      best === null ? '-' : `${seconds(best.ms)} (${best.trials} done)`,
      `${run.trials.length}`,
      seconds(run.wallMs),
    ]);
  }
  console.log(
    formatTable(['reference', 'best CV AUC (= target)', 'reached at', 'trials', 'wall'], referenceRows, {
      align: ['left', 'right', 'right', 'right', 'right'],
    }),
  );
  if (targets.some((t) => Number.isNaN(t))) {
    goals.push({
      part: 'b time to random-200 best, sweepq / Optuna',
      measured: 'a reference run failed',
      goal: `≤ ${GOAL_RATIO}×`,
      ratio: Number.NaN,
      pass: false,
    });
    return;
  }

  const seedRows: string[][] = [];
  const ratios: number[][] = sides.map(() => []);
  const misses = sides.map(() => 0);
  for (const seed of seeds) {
    const load = loadavg()[0]!;
    const results: SideResult[] = new Array<SideResult>(sides.length);
    // Rotate who goes first, so load drift on the shared machine falls on every side.
    for (let k = 0; k < sides.length; k++) {
      const s = (seed + k) % sides.length;
      const run = await sides[s]!.search({ sampler: 'tpe', seed, trials: BUDGET, stopAt: targets[s]! });
      results[s] = { run, hit: timeToTarget(run, targets[s]!) };
      if (results[s].hit === null) misses[s]!++;
    }
    const row = [String(seed), describeSide(results[0]!)];
    for (let s = 1; s < sides.length; s++) {
      const ratio = seedRatio(results[0]!, results[s]!);
      if (!Number.isNaN(ratio)) ratios[s]!.push(ratio);
      row.push(describeSide(results[s]!), formatRatio(ratio));
    }
    row.push(`${load.toFixed(1)}–${loadavg()[0]!.toFixed(1)}`);
    seedRows.push(row);
    console.log(`  seed ${seed}: ${sides.map((side, s) => `${side.name} ${describeSide(results[s]!)}`).join(', ')}`);
  }
  console.log(
    `\n(b) TPE until the reference best is matched (${sides.map((side, s) => `${side.name} ≥ ${f4(targets[s]!)}`).join(', ')}), budget ${BUDGET} trials, time from process spawn`,
  );
  const headers = ['seed', 'sweepq TPE'];
  for (let s = 1; s < sides.length; s++) headers.push(`${sides[s]!.name} TPE`, 'sweepq / it');
  headers.push('load average');
  console.log(formatTable(headers, seedRows, { align: headers.map(() => 'right') }));
  for (let s = 1; s < sides.length; s++) {
    const medianRatio = median(ratios[s]!);
    goals.push({
      part: `b time to random-200 best, sweepq / ${sides[s]!.name} (median)`,
      measured: `${medianRatio.toFixed(3)}× over ${ratios[s]!.length}/${seeds.length} seeds`,
      goal: `≤ ${GOAL_RATIO}×`,
      ratio: medianRatio / GOAL_RATIO,
      pass: ratios[s]!.length > 0 && medianRatio <= GOAL_RATIO,
      note: `target missed: sweepq ${misses[0]}, peer ${misses[s]} of ${seeds.length}; load ${loadAtStart.toFixed(1)}–${loadavg()[0]!.toFixed(1)}`,
    });
  }
}
