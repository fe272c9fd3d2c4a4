/**
 * ML benchmark: sweepq's learners against their real peers, side by side in one run, single-threaded.
 *
 *   npm run bench:ml                  # everything (~10 minutes: scikit-learn's GradientBoosting alone
 *                                     #  takes ~100 s on the 16k set)
 *   npm run bench:ml -- --quick       # minutes: no slow scikit-learn ensembles or npm baselines on the
 *                                     #  16k set, a 250k-row boosting fit instead of 1M
 *   npm run bench:ml -- --no-python   # sweepq and the npm baselines only
 *   npm run bench:ml -- --regression  # the regression rows only (combines with --quick, --no-python)
 *   npm run bench:ml -- --only lr1,lr01,rfr   # only these configs (keys below: lr1 lr01 dt rf rf5 gb,
 *                                     #  regression dtr rfr gbr), both sides, no npm baselines or big fit
 *   npm run bench:ml -- --big [--repeat 3] [--baseline DIR]   # only the 1M × 20 boosting fit, alternating
 *                                     #  with LightGBM (and with DIR's build, DIR/dist, for before/after)
 *
 * Protocol of every trial row (sweepq's runTrial; bench/sklearn/peer_trials.py for the Python peers):
 * median imputer → standard scaler → model, fit on the training set + 5-fold stratified CV on it +
 * test-set evaluation, on loan_default (800 + 200 rows × 15) and on a 16k × 40 synthetic set
 * (make_classification(20000, 40, n_informative=10, n_redundant=5, random_state=0), stratified 80/20
 * → 16,000 + 4,000 rows). Peers:
 * - scikit-learn 1.9.1 (the project's venv): LogisticRegression (lbfgs), DecisionTree, RandomForest,
 *   GradientBoosting; HistGradientBoostingClassifier and LightGBM 4.7 (n_jobs=1) with the same trees,
 *   depth and learning rate as sweepq's boosting;
 * - the npm packages of the original design, ml-random-forest and ml-logistic-regression.
 * Plus one boosting fit on a generated in-memory 1M × 20 set (250k with --quick) against LightGBM,
 * each in its own process so peak RSS is its own.
 *
 * Regression rows (issue 9): the same protocol with KFold(5) and R², on a make_regression-style
 * 20k × 40 set (bench/support/make-regression.ts: 10 informative features, noise 10; rows 0–15,999
 * train, 16,000–19,999 test), written to CSV so both sides fit the very same numbers. sweepq's
 * decision_tree, random_forest and gradient_boosting regressors against DecisionTreeRegressor,
 * RandomForestRegressor (100 trees, max_features 1.0, full depth), GradientBoostingRegressor, and
 * HistGradientBoostingRegressor and LightGBM's LGBMRegressor with the same trees as sweepq's boosting.
 *
 * Goals (issue 13): boosting ≤ 1.0× HistGradientBoosting; logistic regression ≤ 0.5× scikit-learn;
 * random forest ≤ 0.2× scikit-learn; every config ≤ 0.5× scikit-learn; 1M × 20 boosting ≤ 1.5×
 * LightGBM within 2 GB peak RSS. The regression rows carry the same goals as their classifiers. The machine is shared: wall and CPU seconds of both sides are printed,
 * and the goals are judged on CPU seconds (both sides single-threaded; wall time also counts the time
 * other processes held the cores).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allRows, takeRows, type Dataset } from '../shared/ml/dataset/dataset.js';
import { makeClassification } from '../shared/ml/dataset/make-classification.js';
import { readCsvFile } from '../shared/ml/dataset/read-csv.js';
import { datasetToCsv } from '../shared/ml/dataset/write-csv.js';
import { tableFromMatrix, type TabularDataset } from '../shared/ml/dataset/table.js';
import { trainTestSplit } from '../shared/ml/dataset/train-test-split.js';
import { rocAuc } from '../shared/ml/metrics/roc-auc-score.js';
import { GradientBoostingClassifier } from '../shared/ml/models/tree/gradient-boosting-classifier.js';
import { RandomForestClassifier } from '../shared/ml/models/tree/random-forest-classifier.js';
import { runTrial } from '../shared/ml/run-trial.js';
import type { ModelName, RegressorName } from '../shared/schemas/model-params.schema.js';
import type { PipelineSpec } from '../shared/schemas/pipeline-spec.schema.js';
import { makeRegression, type RegressionData } from './support/make-regression.js';
import { mlLogisticRegression, mlRandomForest, runBaselineTrial, type BaselineLearner, type BaselineResult } from './support/npm-baselines.js';
import { peerPython, runPeerBigFit, runPeerRegressionTrials, runPeerTrials, type PeerTrial } from './support/python-peers.js';

const SEED = 42;
const SPEC: PipelineSpec = { imputer: { strategy: 'median', fill_value: 0 }, scaler: 'standard' };
const BIG_FEATURES = 20;
const GB_PARAMS = { n_estimators: 100, learning_rate: 0.1, max_depth: 3 };

interface Config {
  key: string;
  label: string;
  model: ModelName | RegressorName;
  params: Record<string, unknown>;
  /** scikit-learn 1.9 peer (peer_trials.py name) and the ratio goal against it. */
  sklearn: string;
  sklearnGoal: number;
  /** Further peers: [peer_trials.py name, goal or null for information only]. */
  extraPeers: Array<[string, number | null]>;
  /** scikit-learn peer too slow for --quick on the 16k set. */
  slowPeer: boolean;
}

const CONFIGS: Config[] = [
  {
    key: 'lr1',
    label: 'LR C=1',
    model: 'logistic_regression',
    params: { C: 1.0, max_iter: 500 },
    sklearn: 'LogisticRegression_C1',
    sklearnGoal: 0.5,
    extraPeers: [],
    slowPeer: false,
  },
  {
    key: 'lr01',
    label: 'LR C=0.1',
    model: 'logistic_regression',
    params: { C: 0.1, max_iter: 500 },
    sklearn: 'LogisticRegression_C0.1',
    sklearnGoal: 0.5,
    extraPeers: [],
    slowPeer: false,
  },
  { key: 'dt', label: 'DT', model: 'decision_tree', params: {}, sklearn: 'DecisionTree', sklearnGoal: 0.5, extraPeers: [], slowPeer: false },
  {
    key: 'rf',
    label: 'RF 100',
    model: 'random_forest',
    params: { n_estimators: 100, max_depth: null },
    sklearn: 'RandomForest_100',
    sklearnGoal: 0.2,
    extraPeers: [],
    slowPeer: true,
  },
  {
    key: 'rf5',
    label: 'RF 100 d5',
    model: 'random_forest',
    params: { n_estimators: 100, max_depth: 5 },
    sklearn: 'RandomForest_d5',
    sklearnGoal: 0.2,
    extraPeers: [],
    slowPeer: true,
  },
  {
    key: 'gb',
    label: 'GB 100 d3',
    model: 'gradient_boosting',
    params: GB_PARAMS,
    sklearn: 'GradientBoosting',
    sklearnGoal: 0.5,
    extraPeers: [
      ['HistGradientBoosting', 1.0],
      ['LightGBM', null],
    ],
    slowPeer: true,
  },
];

/** Regression configs (task regression, the regressors of the same names); peers in peer_trials.py `regression`. */
const REGRESSION_CONFIGS: Config[] = [
  { key: 'dtr', label: 'DT', model: 'decision_tree', params: {}, sklearn: 'DecisionTreeRegressor', sklearnGoal: 0.5, extraPeers: [], slowPeer: false },
  {
    key: 'rfr',
    label: 'RF 100',
    model: 'random_forest',
    params: { n_estimators: 100 },
    sklearn: 'RandomForestRegressor_100',
    sklearnGoal: 0.2,
    extraPeers: [],
    slowPeer: true,
  },
  {
    key: 'gbr',
    label: 'GB 100 d3',
    model: 'gradient_boosting',
    params: GB_PARAMS,
    sklearn: 'GradientBoostingRegressor',
    sklearnGoal: 0.5,
    extraPeers: [
      ['HistGradientBoostingRegressor', 1.0],
      ['LightGBMRegressor', null],
    ],
    slowPeer: true,
  },
];

interface Measured {
  seconds: number;
  cpuSeconds: number;
  /** Test AUC (classification) or test R² (regression). */
  score: number | null;
}

interface Row {
  dataset: string;
  config: string;
  sweepq: Measured;
  peer: string;
  peerResult: Measured | null;
  /** Why the peer has no measurement. */
  peerNote?: string;
  goal: number | null;
  extra?: string;
}

interface BenchArgs {
  quick: boolean;
  noPython: boolean;
  regressionOnly: boolean;
  /** Config keys of `--only` (null: every config, the npm baselines and the big fit). */
  only: Set<string> | null;
  bigChild: string[] | null;
  /** `--big`: only the big boosting fit, `repeat` rounds, against `baseline` (a checkout with dist/) too. */
  big: { repeat: number; baseline: string | null } | null;
}

function parseArgs(argv: readonly string[]): BenchArgs {
  if (argv[0] === '--big-child') return { quick: false, noPython: true, regressionOnly: false, only: null, bigChild: argv.slice(1), big: null };
  const known = new Set(['--quick', '--no-python', '--regression', '--big']);
  let repeat = 1;
  let baseline: string | null = null;
  const keys = new Set([...CONFIGS, ...REGRESSION_CONFIGS].map((c) => c.key));
  let only: Set<string> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--only') {
      only = new Set((argv[++i] ?? '').split(',').filter((k) => k !== ''));
      const unknown = [...only].filter((k) => !keys.has(k));
      if (only.size === 0 || unknown.length > 0) {
        console.error(
          `ml.bench: --only takes config keys separated by commas (${[...keys].join(', ')})${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`,
        );
        process.exit(2);
      }
      continue;
    }
    if (arg === '--repeat') {
      repeat = Number(argv[++i]);
      if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) {
        console.error('ml.bench: --repeat takes an integer from 1 to 20 (rounds of the --big fit)');
        process.exit(2);
      }
      continue;
    }
    if (arg === '--baseline') {
      baseline = path.resolve(argv[++i] ?? '');
      continue;
    }
    if (!known.has(arg)) {
      console.error(`ml.bench: unknown option ${arg} (known: --quick, --no-python, --regression, --only KEYS, --big [--repeat N] [--baseline DIR])`);
      process.exit(2);
    }
  }
  if (baseline !== null && !existsSync(path.join(baseline, 'dist/bench/ml.bench.js'))) {
    console.error(`ml.bench: --baseline ${baseline} has no dist/bench/ml.bench.js (build that checkout first: npx tsc -p tsconfig.json)`);
    process.exit(2);
  }
  const big = argv.includes('--big') ? { repeat, baseline } : null;
  if (big === null && (repeat !== 1 || baseline !== null)) {
    console.error('ml.bench: --repeat and --baseline go with --big');
    process.exit(2);
  }
  return {
    quick: argv.includes('--quick'),
    noPython: argv.includes('--no-python'),
    regressionOnly: argv.includes('--regression'),
    only,
    bigChild: null,
    big,
  };
}

function cpuSecondsSince(started: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(started);
  return (cpu.user + cpu.system) / 1e6;
}

/**
 * Median wall seconds and median CPU seconds of the runs, each on its own (the goals are judged on CPU
 * seconds; on the shared machine the run of median wall time can be one whose CPU time a neighbour's
 * cache traffic inflated), with the score of the median-wall run (every run scores the same).
 */
function medianRun(runs: Measured[]): Measured {
  const byWall = runs.slice().sort((a, b) => a.seconds - b.seconds);
  const byCpu = runs.slice().sort((a, b) => a.cpuSeconds - b.cpuSeconds);
  const middle = runs.length >> 1;
  return { seconds: byWall[middle]!.seconds, cpuSeconds: byCpu[middle]!.cpuSeconds, score: byWall[middle]!.score };
}

/** Median (wall and CPU, see medianRun) of `repeats` runTrial calls. */
function timeTrial(train: Dataset, test: Dataset, config: Config, repeats: number): Measured {
  const runs: Measured[] = [];
  for (let r = 0; r < repeats; r++) {
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    const outcome = runTrial({ train, test, pipeline: SPEC, model: config.model, params: config.params, seed: SEED, cv: { folds: 5, scoring: 'accuracy' } });
    runs.push({ seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSecondsSince(cpuStarted), score: outcome.metrics.auc_roc ?? null });
  }
  return medianRun(runs);
}

/** {@link timeTrial} for a regression config: KFold(5) R² CV, test R² as the score. */
function timeRegressionTrial(train: TabularDataset, test: TabularDataset, config: Config, repeats: number): Measured {
  const runs: Measured[] = [];
  for (let r = 0; r < repeats; r++) {
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    const outcome = runTrial({ train, test, pipeline: SPEC, model: config.model, params: config.params, seed: SEED, cv: { folds: 5, scoring: 'r2' } });
    runs.push({ seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSecondsSince(cpuStarted), score: outcome.metrics.r2 ?? null });
  }
  return medianRun(runs);
}

/** Rows [from, to) of generated regression data as a typed dataset (features f0…, target `target`). */
function regressionTable(data: RegressionData, from: number, to: number): TabularDataset {
  const columns = data.columns.map((column) => column.slice(from, to));
  const table = tableFromMatrix(
    to - from,
    columns,
    columns.map((_, f) => `f${f}`),
  );
  return { ...table, target: { task: 'regression', name: 'target', y: data.y.slice(from, to) } };
}

/** The typed dataset as CSV (`f0,…,target`; numbers printed to round-trip) for the Python peers. */
function regressionCsv(data: TabularDataset): string {
  const lines = [[...data.columns.map((c) => c.name), 'target'].join(',')];
  const values = data.columns.map((c) => (c.type === 'numeric' ? c.values : new Float64Array(0)));
  for (let i = 0; i < data.nRows; i++) {
    const cells: string[] = [];
    for (const column of values) cells.push(String(column[i]));
    cells.push(String(data.target.y[i]));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function baselineMeasured(result: BaselineResult): Measured {
  return { seconds: result.seconds, cpuSeconds: result.cpuSeconds, score: result.auc };
}

function fromPeer(trial: PeerTrial | undefined): Measured | null {
  return trial === undefined ? null : { seconds: trial.seconds, cpuSeconds: trial.cpu_seconds, score: trial.r2 ?? trial.auc_roc ?? null };
}

function writeCsvPair(dir: string, name: string, train: Dataset, test: Dataset): { trainCsv: string; testCsv: string } {
  const trainCsv = path.join(dir, `${name}.train.csv`);
  const testCsv = path.join(dir, `${name}.test.csv`);
  writeFileSync(trainCsv, datasetToCsv(train));
  writeFileSync(testCsv, datasetToCsv(test));
  return { trainCsv, testCsv };
}

/** The 1M × 20 (or --quick 250k) boosting set: the same generator call on both sides. */
function bigDataset(rows: number): Dataset {
  return makeClassification({ n_samples: rows, n_features: BIG_FEATURES, n_informative: 10, n_redundant: 5, random_state: 1 });
}

/** Column-major float64 matrix + int32 labels, the format peer_trials.py `big` reads. */
function writeBigFiles(dir: string, data: Dataset): { xPath: string; yPath: string } {
  const xPath = path.join(dir, 'big.x.f64');
  const yPath = path.join(dir, 'big.y.i32');
  const matrix = new Float64Array(data.nRows * data.columns.length);
  for (let f = 0; f < data.columns.length; f++) matrix.set(data.columns[f]!, f * data.nRows);
  writeFileSync(xPath, new Uint8Array(matrix.buffer));
  writeFileSync(yPath, new Uint8Array(Int32Array.from(data.y).buffer));
  return { xPath, yPath };
}

/**
 * `--big-child X Y ROWS`: one sweepq boosting fit on the files written by {@link writeBigFiles}, in its
 * own process so its peak RSS is the fit's (plus the loaded data, as on the Python side).
 */
function bigChild(args: readonly string[]): void {
  const [xPath, yPath, rowsText] = args;
  const rows = Number(rowsText);
  // Read straight into the typed arrays (no intermediate Buffer copy counted in the peak RSS).
  const matrix = new Float64Array(rows * BIG_FEATURES);
  const y = new Int32Array(rows);
  readInto(xPath!, new Uint8Array(matrix.buffer));
  readInto(yPath!, new Uint8Array(y.buffer));
  const columns: Float64Array[] = [];
  for (let f = 0; f < BIG_FEATURES; f++) columns.push(matrix.subarray(f * rows, (f + 1) * rows));
  const data: Dataset = { nRows: rows, columns, y, featureNames: columns.map((_, f) => `f${f}`), classes: ['0', '1'] };
  const rssBefore = process.resourceUsage().maxRSS / 1024;
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const model = new GradientBoostingClassifier({ ...GB_PARAMS, random_state: SEED });
  model.fit(data, y);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsSince(cpuStarted);
  const sample = allRows(Math.min(rows, 100_000));
  const score = rocAuc(y.subarray(0, sample.length), model.predictProba(data, sample), 2);
  console.log(JSON.stringify({ seconds, cpuSeconds, score, peakRssMiB: process.resourceUsage().maxRSS / 1024, rssBeforeFitMiB: rssBefore }));
}

function readInto(file: string, target: Uint8Array): void {
  const fd = openSync(file, 'r');
  try {
    let offset = 0;
    while (offset < target.length) {
      const read = readSync(fd, target, offset, target.length - offset, offset);
      if (read === 0) throw new Error(`${file}: expected ${target.length} bytes, got ${offset}`);
      offset += read;
    }
  } finally {
    closeSync(fd);
  }
}

function runBigChild(xPath: string, yPath: string, rows: number, script = fileURLToPath(import.meta.url)): BigFitResult {
  const stdout = execFileSync(process.execPath, [script, '--big-child', xPath, yPath, String(rows)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout) as BigFitResult;
}

type BigFitResult = Measured & { peakRssMiB: number; rssBeforeFitMiB: number };

/**
 * `--big`: the big boosting fit alone, `repeat` rounds of sweepq, LightGBM and (with `--baseline DIR`)
 * DIR's build of the same bench child, alternating so the machine's load falls on every side alike.
 */
function runBigOnly(rows: number, repeat: number, baseline: string | null, python: string | null, tempDir: string): void {
  const baselineScript = baseline === null ? null : path.join(baseline, 'dist/bench/ml.bench.js');
  process.stderr.write(`${rows} × ${BIG_FEATURES} boosting, ${repeat} round(s)…\n`);
  const { xPath, yPath } = writeBigFiles(tempDir, bigDataset(rows));
  const describe = (m: Measured, rss: number | undefined): string =>
    `${m.seconds.toFixed(2)} s wall, ${m.cpuSeconds.toFixed(2)} s CPU, AUC ${m.score?.toFixed(4) ?? '–'}, peak RSS ${rss?.toFixed(0) ?? '–'} MiB`;
  const ratios: string[] = [];
  for (let round = 1; round <= repeat; round++) {
    const ours = runBigChild(xPath, yPath, rows);
    console.log(`round ${round} sweepq:   ${describe(ours, ours.peakRssMiB)}`);
    const lgbm = python === null ? undefined : runPeerBigFit(python, xPath, yPath, rows, BIG_FEATURES, 'LightGBM').trials[0];
    const peer = fromPeer(lgbm);
    if (peer !== null) console.log(`round ${round} LightGBM: ${describe(peer, lgbm?.peak_rss_mib)}`);
    let line =
      peer === null ? '' : `sweepq / LightGBM ${(ours.seconds / peer.seconds).toFixed(2)}× wall (${(ours.cpuSeconds / peer.cpuSeconds).toFixed(2)}× CPU)`;
    if (baselineScript !== null) {
      const base = runBigChild(xPath, yPath, rows, baselineScript);
      console.log(`round ${round} baseline: ${describe(base, base.peakRssMiB)}`);
      line += `${line === '' ? '' : '; '}sweepq / baseline ${(ours.seconds / base.seconds).toFixed(2)}× wall (${(ours.cpuSeconds / base.cpuSeconds).toFixed(2)}× CPU)`;
      if (peer !== null) line += `; baseline / LightGBM ${(base.cpuSeconds / peer.cpuSeconds).toFixed(2)}× CPU`;
    }
    ratios.push(`round ${round}: ${line}`);
  }
  console.log(ratios.join('\n'));
}

/** sweepq's fit alone on `rows` rows with `nTrees` trees, for the ml-random-forest fit-only row. */
function timeForestFit(train: Dataset, rows: Uint32Array, nTrees: number): Measured {
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  new RandomForestClassifier({ n_estimators: nTrees, random_state: SEED }).fit(train, train.y, rows);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSecondsSince(cpuStarted), score: null };
}

function timeBaselineFit(make: () => BaselineLearner, train: Dataset, rows: Uint32Array): Measured {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const row: number[] = [];
    for (let c = 0; c < train.columns.length; c++) row.push(train.columns[c]![r]!);
    X.push(row);
    y.push(train.y[r]!);
  }
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  make().fit(X, y);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSecondsSince(cpuStarted), score: null };
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '-';
  if (s < 1) return s.toFixed(3);
  return s < 100 ? s.toFixed(2) : s.toFixed(0);
}

function fmtScore(score: number | null | undefined): string {
  return score === null || score === undefined || !Number.isFinite(score) ? '-' : score.toFixed(4);
}

function printTable(rows: readonly Row[]): { misses: string[] } {
  const header = ['dataset', 'config', 'sweepq s (cpu)', 'sweepq score', 'peer', 'peer s (cpu)', 'peer score', 'ratio wall (cpu)', 'goal', 'result (cpu)'];
  const lines: string[][] = [header];
  const misses: string[] = [];
  for (const row of rows) {
    const peer = row.peerResult;
    const ratio = peer === null ? Number.NaN : row.sweepq.seconds / peer.seconds;
    const cpuRatio = peer === null ? Number.NaN : row.sweepq.cpuSeconds / peer.cpuSeconds;
    let result = '';
    // Verdicts on CPU seconds: both sides are single-threaded and compute-bound, and on this shared
    // machine wall time also counts the time other people's processes held the cores.
    if (row.goal !== null && Number.isFinite(cpuRatio)) {
      const pass = cpuRatio <= row.goal;
      result = pass ? 'PASS' : 'MISS';
      if (!pass) misses.push(`${row.dataset} ${row.config} vs ${row.peer}: CPU ratio ${cpuRatio.toFixed(2)} > ${row.goal} (wall ${ratio.toFixed(2)})`);
    }
    lines.push([
      row.dataset,
      row.config,
      `${fmtSeconds(row.sweepq.seconds)} (${fmtSeconds(row.sweepq.cpuSeconds)})`,
      fmtScore(row.sweepq.score),
      row.peer,
      peer === null ? (row.peerNote ?? '-') : `${fmtSeconds(peer.seconds)} (${fmtSeconds(peer.cpuSeconds)})`,
      fmtScore(peer?.score),
      Number.isFinite(ratio) ? `${ratio.toFixed(2)} (${cpuRatio.toFixed(2)})` : '-',
      row.goal === null ? '' : `≤ ${row.goal}`,
      [result, row.extra ?? ''].filter((s) => s !== '').join(' '),
    ]);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((line) => line[c]!.length)));
  const render = (line: string[]): string => `| ${line.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(render(lines[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (let i = 1; i < lines.length; i++) console.log(render(lines[i]!));
  return { misses };
}

async function main(): Promise<void> {
  const { quick, noPython, regressionOnly: regressionFlag, only, bigChild: childArgs, big } = parseArgs(process.argv.slice(2));
  if (childArgs !== null) {
    bigChild(childArgs);
    return;
  }
  if (big !== null) {
    const { python, reason } = noPython ? { python: null, reason: '--no-python' } : peerPython();
    if (python === null) console.log(`Python peers skipped: ${reason}`);
    console.log(`machine: ${availableParallelism()} cores, 1-minute load average ${loadavg()[0]!.toFixed(2)} at start`);
    const tempDir = mkdtempSync(path.join(tmpdir(), 'sweepq-ml-bench-'));
    try {
      runBigOnly(quick ? 250_000 : 1_000_000, big.repeat, big.baseline, python, tempDir);
    } finally {
      rmSync(tempDir, { recursive: true, force: true });
    }
    return;
  }
  const configs = only === null ? CONFIGS : CONFIGS.filter((c) => only.has(c.key));
  const regressionConfigs = only === null ? REGRESSION_CONFIGS : REGRESSION_CONFIGS.filter((c) => only.has(c.key));
  const regressionOnly = regressionFlag || configs.length === 0;
  const { python, reason } = noPython ? { python: null, reason: '--no-python' } : peerPython();
  if (python === null) console.log(`Python peers skipped: ${reason}`);

  const fixture = (name: string): string => path.resolve(process.cwd(), 'test/fixtures', name);
  const loanTrain = await readCsvFile(fixture('loan_default.train.csv'), { target: 'target' });
  const loanTest = await readCsvFile(fixture('loan_default.test.csv'), { target: 'target' });
  const synthetic = makeClassification({ n_samples: 20_000, n_features: 40, n_informative: 10, n_redundant: 5, random_state: 0 });
  const split = trainTestSplit(synthetic.y, synthetic.classes.length, { testSize: 0.2, randomState: 0, stratify: true });
  const synTrain = takeRows(synthetic, split.train);
  const synTest = takeRows(synthetic, split.test);
  const bigRows = quick ? 250_000 : 1_000_000;
  const regression = makeRegression({ nSamples: 20_000, nFeatures: 40, nInformative: 10, noise: 10, randomState: 0 });
  const regTrain = regressionTable(regression, 0, 16_000);
  const regTest = regressionTable(regression, 16_000, 20_000);

  const cores = availableParallelism();
  console.log(
    `datasets: loan_default ${loanTrain.nRows}+${loanTest.nRows} × ${loanTrain.columns.length}; syn16k ${synTrain.nRows}+${synTest.nRows} × 40; big ${bigRows} × ${BIG_FEATURES} (fit only); regression syn16k-reg ${regTrain.nRows}+${regTest.nRows} × 40`,
  );
  console.log(
    'timed: fit + 5-fold CV (stratified; KFold for regression) + test evaluation (median imputer → standard scaler → model), single-threaded, seed 42',
  );
  console.log(`machine: ${cores} cores, 1-minute load average ${loadavg()[0]!.toFixed(2)} at start${quick ? '; --quick' : ''}`);

  const tempDir = mkdtempSync(path.join(tmpdir(), 'sweepq-ml-bench-'));
  try {
    // Python peers first (they are the slow part), each dataset in one process.
    const peers = new Map<string, Map<string, PeerTrial>>();
    const pythonVersions: Record<string, string> = {};
    if (python !== null) {
      const regNames: string[] = [];
      for (const config of regressionConfigs) {
        if (!(quick && config.slowPeer)) regNames.push(config.sklearn);
        for (const [peer] of config.extraPeers) regNames.push(peer);
      }
      if (regNames.length > 0) {
        process.stderr.write(`Python peers on syn16k-reg: ${regNames.join(', ')}…\n`);
        const regTrainCsv = path.join(tempDir, 'syn16k-reg.train.csv');
        const regTestCsv = path.join(tempDir, 'syn16k-reg.test.csv');
        writeFileSync(regTrainCsv, regressionCsv(regTrain));
        writeFileSync(regTestCsv, regressionCsv(regTest));
        const regRun = runPeerRegressionTrials(python, regTrainCsv, regTestCsv, regNames);
        Object.assign(pythonVersions, regRun.versions);
        peers.set('syn16k-reg', new Map(regRun.trials.map((t) => [t.name, t])));
      }
      for (const [dataset, train, test] of regressionOnly
        ? []
        : ([
            ['loan_default', loanTrain, loanTest],
            ['syn16k', synTrain, synTest],
          ] as const)) {
        const names: string[] = [];
        for (const config of configs) {
          if (!(quick && dataset === 'syn16k' && config.slowPeer)) names.push(config.sklearn);
          for (const [peer] of config.extraPeers) names.push(peer);
        }
        process.stderr.write(`Python peers on ${dataset}: ${names.join(', ')}…\n`);
        const { trainCsv, testCsv } = writeCsvPair(tempDir, dataset, train, test);
        const run = runPeerTrials(python, trainCsv, testCsv, names);
        Object.assign(pythonVersions, run.versions);
        peers.set(dataset, new Map(run.trials.map((t) => [t.name, t])));
      }
      console.log(
        `Python peers: ${Object.entries(pythonVersions)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} (OMP_NUM_THREADS=1, n_jobs=1)`,
      );
    }

    // sweepq: warm the JIT once per config on loan_default and on a 5,000-row slice of syn16k (the
    // large-fit paths, e.g. logistic regression's subsample warm start, never run on 800 rows: the
    // first config timed on syn16k used to pay their compilation), then measure.
    process.stderr.write('sweepq…\n');
    if (!regressionOnly) {
      const warmRows = allRows(5000);
      const warmTrain = takeRows(synTrain, warmRows);
      const warmTest = takeRows(synTest, allRows(1000));
      for (const config of configs) {
        timeTrial(loanTrain, loanTest, config, 1);
        timeTrial(warmTrain, warmTest, config, 1);
      }
    }
    const rows: Row[] = [];
    for (const [dataset, train, test] of regressionOnly
      ? []
      : ([
          ['loan_default', loanTrain, loanTest],
          ['syn16k', synTrain, synTest],
        ] as const)) {
      for (const config of configs) {
        // Logistic regression is a fraction of a second: five runs on every set.
        const repeats = dataset === 'loan_default' || config.model === 'logistic_regression' ? 5 : quick ? 1 : 3;
        const sweepq = timeTrial(train, test, config, repeats);
        process.stderr.write(`  ${dataset} ${config.label}: ${sweepq.seconds.toFixed(3)} s\n`);
        const peerRuns = peers.get(dataset);
        const skipped = quick && dataset === 'syn16k' && config.slowPeer;
        const peerNote = python === null ? 'not run' : skipped ? 'skipped (--quick)' : 'failed';
        rows.push({
          dataset,
          config: config.label,
          sweepq,
          peer: `sklearn ${config.sklearn.replace(/_C.*$/, '')}`,
          peerResult: fromPeer(peerRuns?.get(config.sklearn)),
          peerNote,
          goal: config.sklearnGoal,
        });
        for (const [peer, goal] of config.extraPeers) {
          rows.push({
            dataset,
            config: config.label,
            sweepq,
            peer,
            peerResult: fromPeer(peerRuns?.get(peer)),
            peerNote: python === null ? 'not run' : 'failed',
            goal,
          });
        }
      }
    }

    // Regression rows: warm the regressors on the first 2,000 rows, then measure.
    for (const config of regressionConfigs) {
      const params = config.model === 'decision_tree' ? config.params : { ...config.params, n_estimators: 5 };
      timeRegressionTrial(regressionTable(regression, 0, 1600), regressionTable(regression, 1600, 2000), { ...config, params }, 1);
    }
    const regPeers = peers.get('syn16k-reg');
    for (const config of regressionConfigs) {
      const sweepq = timeRegressionTrial(regTrain, regTest, config, quick ? 1 : 3);
      process.stderr.write(`  syn16k-reg ${config.label}: ${sweepq.seconds.toFixed(3)} s\n`);
      const skipped = quick && config.slowPeer;
      rows.push({
        dataset: 'syn16k-reg',
        config: config.label,
        sweepq,
        peer: `sklearn ${config.sklearn.replace(/_\d+$/, '')}`,
        peerResult: fromPeer(regPeers?.get(config.sklearn)),
        peerNote: python === null ? 'not run' : skipped ? 'skipped (--quick)' : 'failed',
        goal: config.sklearnGoal,
      });
      for (const [peer, goal] of config.extraPeers) {
        rows.push({
          dataset: 'syn16k-reg',
          config: config.label,
          sweepq,
          peer,
          peerResult: fromPeer(regPeers?.get(peer)),
          peerNote: python === null ? 'not run' : 'failed',
          goal,
        });
      }
    }

    // Peak RSS of this process so far: sweepq's trials on all sets (the npm baselines come after).
    const trialsPeakRssMiB = process.resourceUsage().maxRSS / 1024;

    // npm baselines and the 1M-row boosting fit (classification; skipped with --regression and --only).
    if (!regressionOnly && only === null) {
      // npm baselines of the original design.
      process.stderr.write('npm baselines…\n');
      const lrConfig = CONFIGS[0]!;
      const rfConfig = CONFIGS[3]!;
      const loanLr = timeTrial(loanTrain, loanTest, lrConfig, 5);
      const mlLr = baselineMeasured(runBaselineTrial(() => mlLogisticRegression(2000, 5e-4), SPEC, loanTrain, loanTest, SEED));
      rows.push({ dataset: 'loan_default', config: 'LR C=1', sweepq: loanLr, peer: 'ml-logistic-regression (2,000 steps)', peerResult: mlLr, goal: null });
      const rf10 = { ...rfConfig, params: { n_estimators: 10, max_depth: null } };
      const loanRf10 = timeTrial(loanTrain, loanTest, rf10, 5);
      const mlRf = baselineMeasured(runBaselineTrial(() => mlRandomForest(10, loanTrain.columns.length, SEED), SPEC, loanTrain, loanTest, SEED));
      rows.push({ dataset: 'loan_default', config: 'RF 10', sweepq: loanRf10, peer: 'ml-random-forest (10 trees)', peerResult: mlRf, goal: null });
      if (!quick) {
        const synLr = timeTrial(synTrain, synTest, lrConfig, 3);
        const mlLrSyn = baselineMeasured(runBaselineTrial(() => mlLogisticRegression(100, 5e-4), SPEC, synTrain, synTest, SEED));
        rows.push({ dataset: 'syn16k', config: 'LR C=1', sweepq: synLr, peer: 'ml-logistic-regression (100 steps)', peerResult: mlLrSyn, goal: null });
        // ml-random-forest needs minutes per tree at 16k rows: a 10-tree fit on 3,200 rows, fit only.
        const sample = allRows(3200);
        const ours = timeForestFit(synTrain, sample, 10);
        const theirs = timeBaselineFit(() => mlRandomForest(10, 40, SEED), synTrain, sample);
        rows.push({
          dataset: 'syn16k 3,200 rows',
          config: 'RF 10, fit only',
          sweepq: ours,
          peer: 'ml-random-forest (10 trees)',
          peerResult: theirs,
          goal: null,
        });
      }

      // 1M × 20 boosting, each side in its own process.
      process.stderr.write(`${bigRows} × ${BIG_FEATURES} boosting…\n`);
      const big = bigDataset(bigRows);
      const { xPath, yPath } = writeBigFiles(tempDir, big);
      const ours = runBigChild(xPath, yPath, bigRows);
      const bigLabel = `${bigRows / 1000}k × ${BIG_FEATURES}`;
      const lgbm = python === null ? undefined : runPeerBigFit(python, xPath, yPath, bigRows, BIG_FEATURES, 'LightGBM').trials[0];
      rows.push({
        dataset: bigLabel,
        config: 'GB 100 d3, fit only',
        sweepq: ours,
        peer: 'LightGBM',
        peerResult: fromPeer(lgbm),
        peerNote: 'not run',
        goal: 1.5,
        extra: `peak RSS ${ours.peakRssMiB.toFixed(0)} MiB${lgbm?.peak_rss_mib === undefined ? '' : ` vs ${lgbm.peak_rss_mib.toFixed(0)}`} (goal ≤ 2048${ours.peakRssMiB <= 2048 ? ' PASS' : ' MISS'})`,
      });
    }

    console.log('');
    const { misses } = printTable(rows);
    console.log('');
    console.log(
      `ratio = sweepq / peer, wall seconds (CPU seconds in parentheses); goals are judged on the CPU ratio. sweepq rows: medians (wall and CPU each) of 5 runs (loan_default, and LR on syn16k) or ${quick ? '1' : '3'} (other syn16k, syn16k-reg rows); Python peers: one run. score: test AUC, or test R² for syn16k-reg.`,
    );
    console.log(`peak RSS of the sweepq trials (loan_default + syn16k + syn16k-reg, this process): ${trialsPeakRssMiB.toFixed(0)} MiB (goal < 300 MB)`);
    if (trialsPeakRssMiB * 1.048576 >= 300) misses.push(`peak RSS ${trialsPeakRssMiB.toFixed(0)} MiB ≥ 300 MB`);
    const unchecked = python === null ? ' (Python peers not run: their goals unchecked)' : '';
    console.log(misses.length === 0 ? `every measured goal met${unchecked}` : `goals missed${unchecked}:\n  ${misses.join('\n  ')}`);
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
