/**
 * Data benchmark (issue 9).
 *
 * 1. Readers: a 1,000,000-row × 30-column table (19 numeric with 1% missing, 10 categorical, a binary
 *    target) written as CSV, gzip CSV and Parquet (snappy, 128k-row groups, via pyarrow when the
 *    project venv is there) in a temp dir, each read by a fresh child process. Goals: ≥ 100 MB/s of
 *    CSV and peak RSS increase ≤ 2.5× the columnar size (Float64 numeric + Int32 codes).
 * 3. End to end (`--only e2e`): the same 1M × 30 CSV through `sweepq run` (embedded default, one
 *    worker, one quick trial) and through `sweepq submit` to a `sweepq server` (streamed upload, the
 *    server's data check in a thread): wall time and peak RSS (VmHWM) of each process — the file is
 *    never one string anywhere, so no process should approach the file size plus the columnar table.
 * 2. Trials: fit + 5-fold CV (+ test evaluation) of the five seed-like configs on a 100k-row mixed
 *    table through runTrial, side by side with the equivalent scikit-learn 1.9.1 ColumnTransformer
 *    pipeline run from the project venv (bench/sklearn/tabular_trials.py). Goal: ratio ≤ 0.5 per row.
 *
 *   npm run bench:data                       # everything
 *   npm run bench:data -- --only io          # readers only
 *   npm run bench:data -- --only trials --rows 20000 --configs "LR C=1,GB 100"
 *   npm run bench:data -- --no-sklearn       # sweepq side only
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { readTable } from '../shared/ml/dataset/read-table.js';
import type { TabularDataset } from '../shared/ml/dataset/table.js';
import { takeTableRows } from '../shared/ml/dataset/table.js';
import { Rng } from '../shared/ml/random/rng.js';
import { findFreePort } from '../shared/runtime/free-port.js';
import { runTrial } from '../shared/ml/run-trial.js';
import type { ModelName } from '../shared/schemas/model-params.schema.js';

const ROOT = process.cwd();
const SKLEARN_TOOL = path.resolve(ROOT, 'bench/sklearn/tabular_trials.py');
const THIS_FILE = fileURLToPath(import.meta.url);
const MB = 1e6;

interface Args {
  only: 'io' | 'trials' | 'e2e' | null;
  ioRows: number;
  rows: number;
  noSklearn: boolean;
  configs: Set<string> | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { only: null, ioRows: 1_000_000, rows: 100_000, noSklearn: false, configs: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--only') args.only = value() as Args['only'];
    else if (arg === '--io-rows') args.ioRows = Number(value());
    else if (arg === '--rows') args.rows = Number(value());
    else if (arg === '--no-sklearn') args.noSklearn = true;
    else if (arg === '--configs') args.configs = new Set(value().split(','));
    else {
      console.error(`data.bench: unknown option ${arg} (known: --only io|trials|e2e, --io-rows N, --rows N, --configs "LR C=1,…", --no-sklearn)`);
      process.exit(2);
    }
  }
  return args;
}

// ---------------------------------------------------------------------------------------------
// Synthetic mixed tables.

/** Categorical cardinalities of the reader benchmark's wide file. */
const CARDINALITIES = [3, 5, 8, 10, 12, 20, 30, 50, 100, 200];
/**
 * The trial table is shaped like the UCI Adult census table (the classic mixed-type benchmark):
 * 6 numeric columns and 8 categorical ones of cardinality 9, 16, 7, 15, 6, 5, 2 and 42, so the one-hot
 * design has ~108 columns.
 */
const ADULT_CARDINALITIES = [9, 16, 7, 15, 6, 5, 2, 42];

/**
 * Writes a mixed table as CSV (optionally gzip): `nNumeric` numeric columns (1% missing), the categorical
 * columns of CARDINALITIES (skewed frequencies, 1% missing), and a binary target that depends on both.
 */
async function writeMixedCsv(
  file: string,
  nRows: number,
  nNumeric: number,
  seed: number,
  gzip = false,
  cardinalities: readonly number[] = CARDINALITIES,
): Promise<void> {
  const CARDINALITIES = cardinalities;
  const rng = new Rng(seed);
  const out = createWriteStream(file);
  const sink = gzip ? createGzip({ level: 1 }) : null;
  if (sink) sink.pipe(out);
  const target = sink ?? out;
  const write = (text: string): Promise<void> =>
    new Promise((resolve) => {
      if (target.write(text)) resolve();
      else target.once('drain', resolve);
    });
  const header: string[] = [];
  for (let j = 0; j < nNumeric; j++) header.push(`num_${j}`);
  for (let j = 0; j < CARDINALITIES.length; j++) header.push(`cat_${j}`);
  header.push('target');
  await write(header.join(',') + '\n');
  const catWeights = CARDINALITIES.map((k) => Float64Array.from({ length: k }, (_, c) => Math.sin(c * 1.7 + k)));
  let block = '';
  for (let i = 0; i < nRows; i++) {
    let score = 0;
    const cells: string[] = [];
    for (let j = 0; j < nNumeric; j++) {
      const v = rng.normal() * (j + 1) + j;
      if (j < 6) score += ((v - j) / (j + 1)) * (j % 2 === 0 ? 0.8 : -0.5);
      cells.push(rng.next() < 0.01 ? '' : v.toFixed(4));
    }
    for (let j = 0; j < CARDINALITIES.length; j++) {
      const k = CARDINALITIES[j]!;
      // Skewed: low codes are frequent (a square of a uniform), as real categories are.
      const u = rng.next();
      const code = Math.min(k - 1, Math.floor(u * u * k));
      if (j < 4) score += catWeights[j]![code]!;
      cells.push(rng.next() < 0.01 ? '' : `c${j}_${code}`);
    }
    cells.push(score + rng.normal() > 0 ? '1' : '0');
    block += cells.join(',') + '\n';
    if (block.length > 1 << 20) {
      await write(block);
      block = '';
    }
  }
  await write(block);
  await new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    target.end();
  });
}

function venvPython(): string | null {
  try {
    const out = execFileSync(process.execPath, [path.resolve(ROOT, 'scripts/ensure-python.mjs')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    return out.length > 0 && existsSync(out) ? out : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Reader measurements (child process per read: peak RSS is per process).

interface ReadResult {
  seconds: number;
  /** CPU seconds (user + system, all threads) of the read: less sensitive than wall time to a busy machine. */
  cpuSeconds: number;
  rows: number;
  columnarBytes: number;
  rssBaseline: number;
  rssPeak: number;
}

async function childRead(file: string): Promise<void> {
  const baseline = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const table = await readTable(file, { target: 'target' });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  let columnarBytes = table.target.y.byteLength;
  for (const column of table.columns) columnarBytes += column.type === 'numeric' ? column.values.byteLength : column.codes.byteLength;
  const peak = process.resourceUsage().maxRSS * 1024;
  const result: ReadResult = { seconds, cpuSeconds, rows: table.nRows, columnarBytes, rssBaseline: baseline, rssPeak: peak };
  process.stdout.write(JSON.stringify(result));
}

function measureRead(file: string): ReadResult {
  const child = spawnSync(process.execPath, [THIS_FILE, '--child-read', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`reading ${file} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as ReadResult;
}

async function benchReaders(args: Args, dir: string, python: string | null): Promise<void> {
  const nNumeric = 19;
  console.log(
    `\n## Readers: ${args.ioRows.toLocaleString('en')} rows × ${nNumeric + CARDINALITIES.length + 1} columns (${nNumeric} numeric, ${CARDINALITIES.length} categorical, target)\n`,
  );
  const csv = path.join(dir, 'wide.csv');
  const gz = path.join(dir, 'wide.csv.gz');
  const parquet = path.join(dir, 'wide.parquet');
  process.stderr.write('  writing CSV…\n');
  await writeMixedCsv(csv, args.ioRows, nNumeric, 1);
  await writeMixedCsv(gz, args.ioRows, nNumeric, 1, true);
  const files: Array<[string, string]> = [
    ['CSV', csv],
    ['CSV gzip', gz],
  ];
  if (python) {
    process.stderr.write('  writing Parquet with pyarrow…\n');
    execFileSync(python, [
      '-c',
      `import pyarrow.csv as c, pyarrow.parquet as q; t = c.read_csv(${JSON.stringify(csv)}, convert_options=c.ConvertOptions(strings_can_be_null=True)); q.write_table(t, ${JSON.stringify(parquet)}, compression="snappy", row_group_size=131072)`,
    ]);
    files.push(['Parquet (snappy)', parquet]);
  } else {
    console.log('(no Python venv: Parquet skipped)\n');
  }
  console.log(
    '| file | size MB | read s (CPU s) | MB/s of CSV text, wall (CPU) | columnar MB | columnar MB/s, wall (CPU) | peak RSS increase MB | × columnar (goal ≤ 2.5) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const csvBytes = statSync(csv).size;
  for (const [label, file] of files) {
    const runs = [measureRead(file), measureRead(file), measureRead(file)].sort((a, b) => a.seconds - b.seconds);
    const r = runs[1]!; // median of three
    const size = statSync(file).size;
    const increase = Math.max(...runs.map((x) => x.rssPeak - x.rssBaseline));
    // Throughput counts the uncompressed CSV bytes for CSV and gzip; Parquet reports both.
    const textBytes = label === 'Parquet (snappy)' ? size : csvBytes;
    console.log(
      `| ${label} | ${(size / MB).toFixed(1)} | ${r.seconds.toFixed(2)} (${r.cpuSeconds.toFixed(2)}) | ${(textBytes / MB / r.seconds).toFixed(0)} (${(textBytes / MB / r.cpuSeconds).toFixed(0)})${label === 'Parquet (snappy)' ? ' of the file' : ''} | ${(r.columnarBytes / MB).toFixed(0)} | ${(r.columnarBytes / MB / r.seconds).toFixed(0)} (${(r.columnarBytes / MB / r.cpuSeconds).toFixed(0)}) | ${(increase / MB).toFixed(0)} | ${(increase / r.columnarBytes).toFixed(2)} |`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Trials side by side with scikit-learn.

interface TrialConfig {
  name: string;
  model: ModelName;
  params: Record<string, unknown>;
}

const CONFIGS: TrialConfig[] = [
  { name: 'LR C=1', model: 'logistic_regression', params: { C: 1.0, max_iter: 500 } },
  { name: 'LR C=0.1', model: 'logistic_regression', params: { C: 0.1, max_iter: 500 } },
  { name: 'RF 100', model: 'random_forest', params: { n_estimators: 100, max_depth: null, random_state: 42 } },
  { name: 'RF 100 d5', model: 'random_forest', params: { n_estimators: 100, max_depth: 5, random_state: 42 } },
  { name: 'GB 100', model: 'gradient_boosting', params: { n_estimators: 100, learning_rate: 0.1, random_state: 42 } },
];

async function benchTrials(args: Args, dir: string, python: string | null): Promise<void> {
  const nNumeric = 6;
  console.log(
    `\n## Trials: fit + 5-fold CV + test evaluation, ${args.rows.toLocaleString('en')} training rows, Adult-shaped: ${nNumeric} numeric + ${ADULT_CARDINALITIES.length} categorical columns (one-hot ${ADULT_CARDINALITIES.reduce((a, b) => a + b, 0)} wide), 1% missing cells\n`,
  );
  const trainCsv = path.join(dir, 'mixed.train.csv');
  const testCsv = path.join(dir, 'mixed.test.csv');
  await writeMixedCsv(trainCsv, args.rows, nNumeric, 2, false, ADULT_CARDINALITIES);
  await writeMixedCsv(testCsv, Math.max(1000, Math.round(args.rows / 4)), nNumeric, 3, false, ADULT_CARDINALITIES);
  const catColumns = ADULT_CARDINALITIES.map((_, j) => `cat_${j}`);
  const train = await readTable(trainCsv, { target: 'target' });
  const test = await readTable(testCsv, { target: 'target' });
  const configs = CONFIGS.filter((c) => args.configs === null || args.configs.has(c.name));

  const ours = new Map<string, { seconds: number; cpuSeconds: number; accuracy: number | null }>();
  // Warm-up on a small slice so JIT compilation is not billed to the first config.
  const slice = takeTableRows<TabularDataset>(
    train,
    Uint32Array.from({ length: Math.min(2000, train.nRows) }, (_, i) => i),
  );
  for (const config of configs)
    runTrial(trialInput(slice, slice, { ...config, params: { ...config.params, ...(config.model === 'logistic_regression' ? {} : { n_estimators: 3 }) } }));
  for (const config of configs) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const outcome = runTrial(trialInput(train, test, config));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    ours.set(config.name, { seconds, cpuSeconds, accuracy: outcome.metrics.accuracy ?? null });
    process.stderr.write(`  sweepq ${config.name}: ${seconds.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s)\n`);
  }

  let sklearn: Map<string, { seconds: number; cpu_seconds: number; accuracy: number }> | null = null;
  if (python && !args.noSklearn) {
    const stdout = execFileSync(python, [SKLEARN_TOOL, trainCsv, testCsv, 'target', catColumns.join(','), configs.map((c) => c.name).join(',')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 << 20,
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    const parsed = JSON.parse(stdout) as { trials: Array<{ name: string; seconds: number; cpu_seconds: number; accuracy: number }> };
    sklearn = new Map(parsed.trials.map((t) => [t.name, t]));
  }
  // CPU time is the fairer measure on a shared machine (both sides run single-threaded).
  console.log('| config | sweepq s (CPU s) | scikit-learn 1.9.1 s (CPU s) | ratio wall (CPU), goal ≤ 0.5 | sweepq accuracy | sklearn accuracy |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const config of configs) {
    const o = ours.get(config.name)!;
    const s = sklearn?.get(config.name);
    console.log(
      `| ${config.name} | ${o.seconds.toFixed(1)} (${o.cpuSeconds.toFixed(1)}) | ${s ? `${s.seconds.toFixed(1)} (${s.cpu_seconds.toFixed(1)})` : 'n/a'} | ${s ? `${(o.seconds / s.seconds).toFixed(2)} (${(o.cpuSeconds / s.cpu_seconds).toFixed(2)})` : 'n/a'} | ${o.accuracy?.toFixed(4) ?? 'n/a'} | ${s ? s.accuracy.toFixed(4) : 'n/a'} |`,
    );
  }
}

function trialInput(train: TabularDataset, test: TabularDataset, config: TrialConfig): Parameters<typeof runTrial>[0] {
  return {
    train,
    test,
    pipeline: {
      numeric: { imputer: { strategy: 'median' }, scaler: 'standard' },
      categorical: { imputer: { strategy: 'most_frequent' }, encoder: { kind: 'onehot', handle_unknown: 'ignore' } },
    },
    model: config.model,
    params: config.params,
    seed: 42,
    cv: { folds: 5, scoring: 'accuracy' },
  };
}

// ---------------------------------------------------------------------------------------------
// End to end through the CLI and the server.

interface ProcessPeak {
  wallMs: number;
  peakRssMb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Peak resident memory so far of a live process (the kernel's high-water mark), in MB. */
function vmHwmMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs the CLI to completion, sampling its VmHWM every 50 ms (the last sample before exit is its peak). */
function runMeasured(args: readonly string[], env: Record<string, string>): Promise<ProcessPeak> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/sweepq.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, vmHwmMb(child.pid!))), 50);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ wallMs: performance.now() - started, peakRssMb: peak, code, stdout, stderr });
    });
  });
}

async function benchEndToEnd(args: Args, dir: string): Promise<void> {
  const csv = path.join(dir, 'e2e.csv');
  await writeMixedCsv(csv, args.ioRows, 19, 11);
  const sizeMb = statSync(csv).size / MB;
  const columnarMb = (args.ioRows * (19 * 8 + CARDINALITIES.length * 4)) / MB;
  const sweep = path.join(dir, 'e2e.yaml');
  writeFileSync(
    sweep,
    `name: big_data_e2e\ndataset: {csv: ${JSON.stringify(csv)}}\npipeline: {categorical: {encoder: {kind: ordinal}}}\ncv: {folds: 0}\ntrials:\n  - {model: decision_tree, params: {max_depth: 4}}\n`,
  );
  console.log(`\n## end to end: ${args.ioRows.toLocaleString('en-US')} rows × 30 columns, CSV ${sizeMb.toFixed(0)} MB, columnar ${columnarMb.toFixed(0)} MB`);

  const runState = path.join(dir, 'state-run');
  const run = await runMeasured(['run', sweep, '--workers', '1', '--json'], { SWEEPQ_STATE_DIR: runState });
  if (run.code !== 0) throw new Error(`sweepq run failed (${run.code}): ${run.stderr.slice(-2000)}`);
  const trial = (JSON.parse(run.stdout) as { trials: { status: string; timings: { loadMs?: number; totalMs?: number } | null }[] }).trials[0]!;

  const serverState = path.join(dir, 'state-server');
  const port = await findFreePort();
  const token = 'bench-token-0123456789abcdef';
  const serverEnv = { ...process.env, SWEEPQ_STATE_DIR: serverState, SWEEPQ_API_TOKEN: token, PORT: String(port), HOST: '127.0.0.1' };
  const server = spawn(process.execPath, [path.join(ROOT, 'bin/sweepq.js'), 'server', '--port', String(port)], { env: serverEnv, stdio: 'ignore' });
  try {
    await waitForHealth(`http://127.0.0.1:${port}/healthz`);
    let serverPeak = 0;
    const timer = setInterval(() => (serverPeak = Math.max(serverPeak, vmHwmMb(server.pid!))), 50);
    const submit = await runMeasured(['submit', sweep], {
      SWEEPQ_API_URL: `http://127.0.0.1:${port}`,
      SWEEPQ_API_TOKEN: token,
      SWEEPQ_STATE_DIR: path.join(dir, 'state-client'),
    });
    clearInterval(timer);
    serverPeak = Math.max(serverPeak, vmHwmMb(server.pid!));
    if (submit.code !== 0) throw new Error(`sweepq submit failed (${submit.code}): ${submit.stderr.slice(-2000)}`);
    console.log('| path | wall | peak RSS | × CSV size |');
    console.log('|---|---:|---:|---:|');
    const row = (label: string, wall: string, rss: number | null): void =>
      console.log(`| ${label} | ${wall} | ${rss === null ? '' : `${rss.toFixed(0)} MB`} | ${rss === null ? '' : (rss / sizeMb).toFixed(2)} |`);
    row('`sweepq run` CLI (check, embedded Redis, service check, follow)', `${(run.wallMs / 1000).toFixed(1)} s`, run.peakRssMb);
    row(
      '  its trial in the worker: load + train (decision tree, depth 4)',
      `${(((trial.timings?.totalMs ?? 0) + (trial.timings?.loadMs ?? 0)) / 1000).toFixed(1)} s`,
      null,
    );
    row('`sweepq submit` CLI (check, streamed upload)', `${(submit.wallMs / 1000).toFixed(1)} s`, submit.peakRssMb);
    row('`sweepq server` during that submit (to disk while hashing, check in a thread)', '', serverPeak);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within 30 s`);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child-read') return childRead(process.argv[3]!);
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(path.join(tmpdir(), 'sweepq-data-bench-'));
  try {
    console.log(`# sweepq data benchmark — node ${process.version}, ${availableParallelism()} CPUs, load ${loadavg()[0]!.toFixed(2)}`);
    const python = venvPython();
    if (args.only === null || args.only === 'io') await benchReaders(args, dir, python);
    if (args.only === null || args.only === 'e2e') await benchEndToEnd(args, dir);
    if (args.only === null || args.only === 'trials') await benchTrials(args, dir, python);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
