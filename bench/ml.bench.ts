/**
 * ML benchmark: the five reference trials (fit + 5-fold stratified CV + test evaluation, i.e. one
 * runTrial) on loan_default and on a 20,000-row × 40-feature synthetic set, against scikit-learn.
 *
 *   npm run bench:ml                 # runs scikit-learn side by side when /usr/bin/python3 has it
 *   npm run bench:ml -- --quick      # skips the slow 20k scikit-learn run (uses published numbers)
 *   npm run bench:ml -- --no-sklearn # published scikit-learn numbers only
 *
 * scikit-learn runs through bench/sklearn/sklearn_trials.py (single-threaded, same CSVs, same
 * pipeline). Goal: sweepq takes at most half of scikit-learn's time on every row.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { takeRows, type Dataset } from '../shared/ml/dataset/dataset.js';
import { makeClassification } from '../shared/ml/dataset/make-classification.js';
import { datasetToCsv, readCsvFile } from '../shared/ml/dataset/read-csv.js';
import { trainTestSplit } from '../shared/ml/dataset/train-test-split.js';
import { runTrial, type TrialOutcome } from '../shared/ml/run-trial.js';
import type { ModelName } from '../shared/schemas/model-params.schema.js';
import type { PipelineSpec } from '../shared/schemas/pipeline-spec.schema.js';

// The reference runner, copied into the repo so a clone can re-measure side by side.
const SKLEARN_TOOL = path.resolve(process.cwd(), 'bench/sklearn/sklearn_trials.py');
const PYTHON = '/usr/bin/python3';
const SEED = 42;
const SPEC: PipelineSpec = { imputer: { strategy: 'median', fill_value: 0 }, scaler: 'standard' };

interface Config {
  /** Name used by sklearn_trials.py. */
  name: string;
  short: string;
  model: ModelName;
  params: Record<string, unknown>;
}

const CONFIGS: Config[] = [
  { name: 'LogisticRegression_C1', short: 'LR C=1', model: 'logistic_regression', params: { C: 1.0, max_iter: 500 } },
  { name: 'LogisticRegression_C0.1', short: 'LR C=0.1', model: 'logistic_regression', params: { C: 0.1, max_iter: 500 } },
  { name: 'RandomForest_100', short: 'RF 100', model: 'random_forest', params: { n_estimators: 100, max_depth: null } },
  { name: 'RandomForest_d5', short: 'RF 100 d5', model: 'random_forest', params: { n_estimators: 100, max_depth: 5 } },
  { name: 'GradientBoosting', short: 'GB 100', model: 'gradient_boosting', params: { n_estimators: 100, learning_rate: 0.1 } },
];

/** Published scikit-learn 1.2 seconds (fit + 5-fold CV + eval, single-threaded) for when it cannot run here. */
const PUBLISHED_SECONDS: Record<string, Record<string, number>> = {
  loan_default: {
    LogisticRegression_C1: 0.065,
    'LogisticRegression_C0.1': 0.065,
    RandomForest_100: 1.54,
    RandomForest_d5: 1.1,
    GradientBoosting: 2.41,
  },
  synthetic_20k: {
    LogisticRegression_C1: 0.65,
    'LogisticRegression_C0.1': 0.65,
    RandomForest_100: 45.8,
    RandomForest_d5: 20.1,
    GradientBoosting: 117,
  },
};

interface SklearnTrial {
  name: string;
  auc_roc: number;
  seconds: number;
}

interface SklearnResult {
  byName: Map<string, SklearnTrial>;
  source: 'measured' | 'published';
}

interface Row {
  config: Config;
  dataset: string;
  seconds: number;
  /** CPU seconds (user + system) of the same runs: less sensitive than wall time to a busy machine. */
  cpuSeconds: number;
  auc: number | null;
  sklearnSeconds: number;
  sklearnAuc: number | null;
  sklearnSource: string;
}

function parseArgs(argv: readonly string[]): { quick: boolean; noSklearn: boolean } {
  const known = new Set(['--quick', '--no-sklearn']);
  for (const arg of argv) {
    if (!known.has(arg)) {
      console.error(`ml.bench: unknown option ${arg} (known: --quick, --no-sklearn)`);
      process.exit(2);
    }
  }
  return { quick: argv.includes('--quick'), noSklearn: argv.includes('--no-sklearn') };
}

function sklearnAvailable(): boolean {
  if (!existsSync(SKLEARN_TOOL) || !existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn, pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function runSklearn(trainCsv: string, testCsv: string): Map<string, SklearnTrial> {
  const stdout = execFileSync(PYTHON, [SKLEARN_TOOL, trainCsv, testCsv, 'target'], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    // Single-threaded like the published numbers (and like sweepq's one trial per worker).
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  const parsed = JSON.parse(stdout) as { trials: SklearnTrial[] };
  const byName = new Map<string, SklearnTrial>();
  for (const trial of parsed.trials) byName.set(trial.name, trial);
  return byName;
}

function publishedSklearn(dataset: string, aucs: Map<string, number>): SklearnResult {
  const byName = new Map<string, SklearnTrial>();
  const seconds = PUBLISHED_SECONDS[dataset]!;
  for (const config of CONFIGS) {
    byName.set(config.name, { name: config.name, seconds: seconds[config.name]!, auc_roc: aucs.get(config.name) ?? Number.NaN });
  }
  return { byName, source: 'published' };
}

function trialOnce(train: Dataset, test: Dataset, config: Config): TrialOutcome {
  return runTrial({ train, test, pipeline: SPEC, model: config.model, params: config.params, seed: SEED, cv: { folds: 5, scoring: 'accuracy' } });
}

/** Median wall and CPU time of `repeats` runTrial calls after one warm-up run (JIT), in seconds. */
function timeTrial(
  train: Dataset,
  test: Dataset,
  config: Config,
  repeats: number,
  warmUp: boolean,
): { seconds: number; cpuSeconds: number; outcome: TrialOutcome } {
  let outcome = warmUp ? trialOnce(train, test, config) : null;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    outcome = trialOnce(train, test, config);
    times.push((performance.now() - started) / 1000);
    const cpu = process.cpuUsage(cpuStarted);
    cpuTimes.push((cpu.user + cpu.system) / 1e6);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  return { seconds: times[times.length >> 1]!, cpuSeconds: cpuTimes[cpuTimes.length >> 1]!, outcome: outcome! };
}

function benchDataset(
  dataset: string,
  train: Dataset,
  test: Dataset,
  sklearn: SklearnResult,
  repeats: (config: Config) => number,
  warmUp: boolean,
): Row[] {
  const rows: Row[] = [];
  for (const config of CONFIGS) {
    const { seconds, cpuSeconds, outcome } = timeTrial(train, test, config, repeats(config), warmUp);
    const reference = sklearn.byName.get(config.name);
    rows.push({
      config,
      dataset,
      seconds,
      cpuSeconds,
      auc: outcome.metrics.auc_roc ?? null,
      sklearnSeconds: reference?.seconds ?? Number.NaN,
      sklearnAuc: reference && Number.isFinite(reference.auc_roc) ? reference.auc_roc : null,
      sklearnSource: sklearn.source,
    });
    process.stderr.write(`  ${dataset} ${config.short}: ${seconds.toFixed(3)} s\n`);
  }
  return rows;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '-';
  return s < 1 ? s.toFixed(4) : s.toFixed(2);
}

function printTable(rows: readonly Row[]): void {
  const header = ['config', 'dataset', 'sweepq s', 'sweepq cpu s', 'scikit-learn s', 'ratio', 'sweepq auc', 'sklearn auc'];
  const lines: string[][] = [header];
  for (const row of rows) {
    lines.push([
      row.config.short,
      row.dataset,
      formatSeconds(row.seconds),
      formatSeconds(row.cpuSeconds),
      `${formatSeconds(row.sklearnSeconds)}${row.sklearnSource === 'published' ? ' (published)' : ''}`,
      Number.isFinite(row.sklearnSeconds) ? (row.seconds / row.sklearnSeconds).toFixed(3) : '-',
      row.auc === null ? '-' : row.auc.toFixed(4),
      row.sklearnAuc === null ? '-' : row.sklearnAuc.toFixed(4),
    ]);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((line) => line[c]!.length)));
  const render = (line: string[]): string => `| ${line.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(render(lines[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (let i = 1; i < lines.length; i++) console.log(render(lines[i]!));
}

async function main(): Promise<void> {
  const { quick, noSklearn } = parseArgs(process.argv.slice(2));
  const withSklearn = !noSklearn && sklearnAvailable();
  if (!noSklearn && !withSklearn) console.log(`scikit-learn not available (${PYTHON} + ${SKLEARN_TOOL}); using published timings.`);

  const fixture = (name: string): string => path.resolve(process.cwd(), 'test/fixtures', name);
  const loanTrainCsv = fixture('loan_default.train.csv');
  const loanTestCsv = fixture('loan_default.test.csv');
  const loanTrain = await readCsvFile(loanTrainCsv, { target: 'target' });
  const loanTest = await readCsvFile(loanTestCsv, { target: 'target' });
  const referenceAucs = new Map<string, number>();
  const reference = JSON.parse(readFileSync(fixture('loan_default.reference.json'), 'utf8')) as { rows: Array<{ run_name: string; auc_roc: number }> };
  for (const row of reference.rows) referenceAucs.set(row.run_name, row.auc_roc);

  // 25,000 rows split 80/20 (stratified, seed 0) → 20,000 train rows × 40 features.
  const synthetic = makeClassification({ n_samples: 25_000, n_features: 40, n_informative: 10, n_redundant: 5, random_state: 0 });
  const split = trainTestSplit(synthetic.y, synthetic.classes.length, { testSize: 0.2, randomState: 0, stratify: true });
  const synTrain = takeRows(synthetic, split.train);
  const synTest = takeRows(synthetic, split.test);
  console.log(
    `datasets: loan_default ${loanTrain.nRows}+${loanTest.nRows} rows × ${loanTrain.columns.length} features; ` +
      `synthetic_20k = make_classification(n_samples=25000, n_features=40, n_informative=10, n_redundant=5, random_state=0), ` +
      `stratified 80/20 split → ${synTrain.nRows}+${synTest.nRows} rows × 40 features`,
  );
  console.log('timed: one runTrial = fit + 5-fold stratified CV + test evaluation; median imputer → standard scaler; seed 42');
  const cores = availableParallelism();
  const load = loadavg()[0]!;
  console.log(`machine: ${cores} cores, 1-minute load average ${load.toFixed(2)} at start`);
  if (load > cores * 0.5) console.log('warning: the machine is busy; wall times (both sides) are inflated — compare the cpu column too');

  let loanSklearn = publishedSklearn('loan_default', referenceAucs);
  let synSklearn = publishedSklearn('synthetic_20k', new Map());
  let tempDir: string | null = null;
  try {
    if (withSklearn) {
      process.stderr.write('running scikit-learn on loan_default…\n');
      loanSklearn = { byName: runSklearn(loanTrainCsv, loanTestCsv), source: 'measured' };
      if (!quick) {
        tempDir = mkdtempSync(path.join(tmpdir(), 'sweepq-bench-'));
        const trainCsv = path.join(tempDir, 'synthetic.train.csv');
        const testCsv = path.join(tempDir, 'synthetic.test.csv');
        writeFileSync(trainCsv, datasetToCsv(synTrain));
        writeFileSync(testCsv, datasetToCsv(synTest));
        process.stderr.write('running scikit-learn on synthetic_20k (takes a few minutes)…\n');
        synSklearn = { byName: runSklearn(trainCsv, testCsv), source: 'measured' };
      }
    }

    process.stderr.write('running sweepq…\n');
    const rows: Row[] = [];
    rows.push(...benchDataset('loan_default', loanTrain, loanTest, loanSklearn, (c) => (c.model === 'logistic_regression' ? 21 : 3), true));
    const rssBefore = process.resourceUsage().maxRSS;
    rows.push(...benchDataset('synthetic_20k', synTrain, synTest, synSklearn, () => 1, false));
    const rssAfter = process.resourceUsage().maxRSS;

    console.log('');
    printTable(rows);
    console.log('');
    console.log(`loan_default times: median of 21 (LR) or 3 (trees) runs after a warm-up; synthetic_20k: one run each.`);
    console.log(`peak RSS: ${(rssBefore / 1024).toFixed(0)} MiB before the 20k runs, ${(rssAfter / 1024).toFixed(0)} MiB after (process.resourceUsage().maxRSS)`);
    let worst = 0;
    for (const row of rows) if (Number.isFinite(row.sklearnSeconds)) worst = Math.max(worst, row.seconds / row.sklearnSeconds);
    console.log(`worst ratio sweepq/scikit-learn: ${worst.toFixed(3)} (goal ≤ 0.5)`);
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
