/**
 * Scoring-server benchmark (issue 12): `sweepq serve` against MLflow's own scoring server
 * (`mlflow models serve`'s uvicorn app from mlflow-skinny, serving `sweepq export --format mlflow` of
 * the same pipeline through mlflow.onnx + onnxruntime), side by side in one run on the same requests:
 *
 * 1. single-row latency of logistic regression over HTTP (keep-alive, one client, closed loop): goal
 *    p99 ≤ 2 ms;
 * 2. batch throughput of a 100-tree random forest over HTTP (10,000-row `dataframe_split` requests):
 *    goal ≥ 50,000 rows/s;
 * Beside wall-clock figures, each server's own CPU time (from /proc) is reported per request and per
 * row: both servers score on one thread, so rows per server CPU-second is what one dedicated core
 * gives, a figure the load of a shared machine hardly moves (wall figures it does).
 *
 * 3. the floor: a bare node:http server that parses the same body and answers a constant, timed by
 *    the same client (a process of its own), so the p99 above it is what sweepq adds;
 * 4. references without HTTP: sweepq's Scorer in this process, and onnxruntime in-process (Python,
 *    one thread) on the exported graph — what a server built on either could reach at best.
 *
 * Both models are fitted on loan_default (median imputer → standard scaler for LR; median imputer for
 * the forest). Request bodies are written as Python's json.dumps writes a DataFrame (floats keep their
 * `.0`, so pandas reads float64 columns, as MLflow's schema enforcement wants). The servers run as child
 * processes (the real CLI, and uvicorn with one worker); this process is the client.
 *
 *   npm run bench:serve                   # ~2 min
 *   npm run bench:serve -- --quick        # fewer requests
 *   npm run bench:serve -- --no-python    # sweepq only
 *   npm run bench:serve -- --profile DIR  # also write a CPU profile of each sweepq server to DIR
 *
 * Prints the tables, a goal table and one `BENCH_JSON {...}` line.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { formatTable } from '../services/cli/format/table.js';
import { readTable } from '../shared/ml/dataset/read-table.js';
import { writeMlflowModel } from '../shared/ml/export/onnx/index.js';
import { Pipeline } from '../shared/ml/pipeline.js';
import { Scorer } from '../shared/serving/index.js';
import { cleanParentEnv } from './support/bench-environment.js';
import { cleanupAll, defer, installCleanupHandlers, trackChild } from './support/cleanup-stack.js';
import { timedPost } from './support/http-post.js';
import { summarize, SampleBuffer, type LatencySummary } from './support/percentiles.js';
import { ms, renderGoalTable, type GoalRow } from './support/result-table.js';

const ROOT = process.cwd();
const BIN = path.join(ROOT, 'bin/sweepq.js');
const TRAIN = path.join(ROOT, 'test/fixtures/loan_default.train.csv');
const TEST = path.join(ROOT, 'test/fixtures/loan_default.test.csv');
const REFERENCE_SCRIPT = path.join(ROOT, 'bench/serve/onnx_reference.py');
const ENSURE_PYTHON = path.join(ROOT, 'scripts/ensure-python.mjs');
const JSON_TYPE = 'application/json';
const BATCH_ROWS = 10_000;
const SINGLE_THREAD = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

interface Args {
  quick: boolean;
  python: boolean;
  profileDir: string | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, python: true, profileDir: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--no-python') args.python = false;
    else if (arg === '--profile') args.profileDir = path.resolve(argv[++i] ?? 'serve-profiles');
    else throw new Error(`unknown argument ${arg} (use --quick, --no-python, --profile DIR)`);
  }
  return args;
}

function progress(message: string): void {
  process.stderr.write(`[bench:serve] ${message}\n`);
}

/** A number as Python's json.dumps writes a float (`1.0`, not `1`), NaN as null (pandas' to_json). */
function pythonFloat(value: number): string {
  if (value !== value) return 'null';
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

/** A `dataframe_split` body of `rows` rows, cycling through the test file's rows. */
function splitBody(names: readonly string[], columns: readonly Float64Array[], sourceRows: number, rows: number): Buffer {
  const lines: string[] = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    const r = i % sourceRows;
    let line = '[';
    for (let c = 0; c < columns.length; c++) line += (c === 0 ? '' : ',') + pythonFloat(columns[c]![r]!);
    lines[i] = `${line}]`;
  }
  return Buffer.from(`{"dataframe_split": {"columns": ${JSON.stringify(names)}, "data": [${lines.join(', ')}]}}`);
}

/** Clock ticks per second of /proc's CPU times. */
const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds of a process so far, every thread included (Linux /proc). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls GET /ping until it answers 200. */
async function waitForPing(port: number, child: ChildProcess, label: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/ping', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${label} did not answer /ping within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Starts a server on a free port (`argsFor(port)`), waits for GET /ping, and stops it at cleanup or on `stop`. */
async function startServer(
  label: string,
  command: string,
  argsFor: (port: number) => string[],
  env: NodeJS.ProcessEnv,
  pingTimeoutMs?: number,
): Promise<Server> {
  const port = await freePort();
  const child = spawn(command, argsFor(port), { env, stdio: ['ignore', 'ignore', 'inherit'] });
  trackChild(child);
  const undefer = defer(label, () => stopChild(child));
  await waitForPing(port, child, label, pingTimeoutMs);
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      undefer();
      await stopChild(child);
    },
  };
}

function startSweepqServe(model: string, profileDir: string | null): Promise<Server> {
  const nodeArgs = profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  return startServer(
    `sweepq serve ${model}`,
    process.execPath,
    (port) => [...nodeArgs, BIN, 'serve', model, '--port', String(port), '--max-rows', String(BATCH_ROWS)],
    { ...cleanParentEnv(), LOG_LEVEL: 'warn', NODE_ENV: 'production' },
  );
}

function startMlflowServe(python: string, modelDir: string): Promise<Server> {
  // What `mlflow models serve -m DIR --env-manager local` runs (mlflow/pyfunc/scoring_server get_cmd).
  return startServer(
    `MLflow scoring server ${modelDir}`,
    python,
    (port) => [
      '-m',
      'uvicorn',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1',
      '--log-level',
      'warning',
      'mlflow.pyfunc.scoring_server.app:app',
    ],
    { ...cleanParentEnv(), ...SINGLE_THREAD, __pyfunc_model_path__: modelDir, MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT: '600' },
    120_000,
  );
}

interface Latency {
  summary: LatencySummary;
  /** The server's CPU time per request (mean). */
  serverCpuMs: number;
}

const execFileAsync = promisify(execFile);
const LATENCY_CLIENT = path.join(ROOT, 'dist/bench/serve/latency-client.js');
const BARE_SERVER = path.join(ROOT, 'dist/bench/serve/bare-json-server.js');

/**
 * Closed-loop single-client latency of `requests` requests after `warmup`, timed by a client process
 * of its own (bench/serve/latency-client.ts: this process's garbage collections would land in the
 * tail), the body read from `bodyFile`.
 */
async function measureLatency({ port, pid }: Server, bodyFile: string, warmup: number, requests: number): Promise<Latency> {
  const cpuBefore = processCpuSeconds(pid);
  const { stdout: out } = await execFileAsync(process.execPath, [LATENCY_CLIENT, String(port), bodyFile, String(warmup), String(requests)], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const cpu = processCpuSeconds(pid) - cpuBefore;
  const samples = (JSON.parse(out) as { samples: number[] }).samples;
  // The server's CPU includes the warm-up requests: spread over all of them.
  return { summary: summarize(samples), serverCpuMs: (cpu * 1000) / (warmup + requests) };
}

/** The floor: a bare node:http server that parses the body and answers a constant (bench/serve/bare-json-server.ts). */
function startBareServer(): Promise<Server> {
  return startServer('bare node:http server', process.execPath, (port) => [BARE_SERVER, String(port)], cleanParentEnv());
}

/** Rows per second over `requests` batch requests (one client, closed loop) after `warmup`. */
interface Throughput {
  rowsPerS: number;
  meanMs: number;
  /** Rows per second of the server's own CPU time. */
  rowsPerServerCpuS: number;
}

async function measureThroughput({ port, pid }: Server, body: Buffer, rows: number, warmup: number, requests: number): Promise<Throughput> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < warmup; i++) {
      const r = await timedPost(agent, port, '/invocations', body, JSON_TYPE);
      if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body.slice(0, 300)}`);
    }
    const cpuBefore = processCpuSeconds(pid);
    const started = performance.now();
    for (let i = 0; i < requests; i++) {
      const r = await timedPost(agent, port, '/invocations', body, JSON_TYPE);
      if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body.slice(0, 300)}`);
    }
    const elapsed = performance.now() - started;
    const cpu = processCpuSeconds(pid) - cpuBefore;
    return { rowsPerS: (rows * requests) / (elapsed / 1000), meanMs: elapsed / requests, rowsPerServerCpuS: (rows * requests) / cpu };
  } finally {
    agent.destroy();
  }
}

/** Labels of an answer: sweepq's `["0", ...]` or MLflow's ONNX records `[{"label": "0", ...}]`. */
async function answerLabels(port: number, body: Buffer): Promise<string[]> {
  const agent = new http.Agent({ keepAlive: false });
  const r = await timedPost(agent, port, '/invocations', body, JSON_TYPE);
  if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body.slice(0, 300)}`);
  const predictions = (JSON.parse(r.body) as { predictions: unknown[] }).predictions;
  return predictions.map((p) => (typeof p === 'string' ? p : String((p as { label: unknown }).label)));
}

/** The sweepq Scorer in this process, without HTTP. */
function inProcess(scorer: Scorer, single: Buffer, batch: Buffer, quick: boolean): { singleP99: number; batchRowsPerS: number } {
  const request = (body: Buffer) => scorer.score({ body, contentType: JSON_TYPE }, { maxRows: BATCH_ROWS });
  for (let i = 0; i < 2000; i++) request(single);
  const samples = new SampleBuffer();
  for (let i = 0; i < (quick ? 5000 : 20_000); i++) {
    const t = performance.now();
    request(single);
    samples.push(performance.now() - t);
  }
  for (let i = 0; i < 2; i++) request(batch);
  const repeats = quick ? 5 : 15;
  const started = performance.now();
  for (let i = 0; i < repeats; i++) request(batch);
  const elapsed = performance.now() - started;
  return { singleP99: summarize(samples.values()).p99, batchRowsPerS: (BATCH_ROWS * repeats) / (elapsed / 1000) };
}

interface OnnxReference {
  batch_rows_per_s: number;
  single_p50_ms: number;
  single_p99_ms: number;
  versions: Record<string, string>;
}

function onnxReference(python: string, onnxFile: string, quick: boolean): OnnxReference {
  const out = execFileSync(python, [REFERENCE_SCRIPT, onnxFile, TEST, String(BATCH_ROWS), quick ? '5' : '15', quick ? '2000' : '10000'], {
    encoding: 'utf8',
    env: { ...process.env, ...SINGLE_THREAD },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as OnnxReference;
}

function projectPython(): string | null {
  try {
    return execFileSync(process.execPath, [ENSURE_PYTHON], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch (error) {
    progress(`no project Python (${error instanceof Error ? error.message : String(error)}): MLflow and onnxruntime columns skipped`);
    return null;
  }
}

function mlflowVersion(python: string): string {
  return execFileSync(python, ['-c', 'import mlflow; print(mlflow.__version__)'], { encoding: 'utf8' }).trim();
}

/** `a / b` as a ratio, or `-` when b is missing. */
function ratio(a: number, b: number | undefined): string {
  return b === undefined || !Number.isFinite(b) ? '-' : `${(a / b).toFixed(2)}×`;
}

/** A row of the single-row latency table; with `sweepq`, the ratios of sweepq's p99 and CPU to this server's. */
function latencyRow(label: string, latency: Latency, sweepq?: Latency): string[] {
  const { summary, serverCpuMs } = latency;
  return [
    label,
    ms(summary.p50, 3),
    ms(summary.p95, 3),
    ms(summary.p99, 3),
    ms(summary.max, 2),
    ms(serverCpuMs, 3),
    sweepq === undefined ? '' : ratio(sweepq.summary.p99, summary.p99),
    sweepq === undefined ? '' : ratio(sweepq.serverCpuMs, serverCpuMs),
  ];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  installCleanupHandlers();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-bench-serve-'));
  defer(`rm ${dir}`, () => rm(dir, { recursive: true, force: true }));

  progress('fitting logistic regression and a 100-tree random forest on loan_default');
  const train = await readTable(TRAIN, { target: 'target' });
  const lr = Pipeline.create({ imputer: { strategy: 'median' }, scaler: 'standard' }, 'logistic_regression', { C: 1, max_iter: 500 }, 0).fit(train);
  const rf = Pipeline.create({ imputer: { strategy: 'median' }, scaler: 'none' }, 'random_forest', { n_estimators: 100 }, 0).fit(train);
  const models = { lr: path.join(dir, 'lr.json'), rf: path.join(dir, 'rf.json') };
  await writeFile(models.lr, JSON.stringify(lr.toJSON()));
  await writeFile(models.rf, JSON.stringify(rf.toJSON()));
  const mlflowDirs = { lr: path.join(dir, 'lr-mlflow'), rf: path.join(dir, 'rf-mlflow') };
  await writeMlflowModel(mlflowDirs.lr, lr.toJSON());
  await writeMlflowModel(mlflowDirs.rf, rf.toJSON());

  const test = await readTable(TEST, lr.predictionReadOptions());
  const names = lr.inputColumns.map((c) => c.name);
  const columns = names.map((name) => (test.columns.find((c) => c.name === name) as { values: Float64Array }).values);
  const single = splitBody(names, columns, test.nRows, 1);
  const batch = splitBody(names, columns, test.nRows, BATCH_ROWS);
  const singleFile = path.join(dir, 'single-row.json');
  await writeFile(singleFile, single);
  progress(`requests: single row ${single.length} bytes, batch ${BATCH_ROWS} rows ${(batch.length / 1e6).toFixed(1)} MB`);

  const python = args.python ? projectPython() : null;
  const latencyRequests = args.quick ? 2000 : 10_000;
  const batchRequests = args.quick ? 5 : 20;

  progress('sweepq serve: LR single-row latency');
  const sweepqLr = await startSweepqServe(models.lr, args.profileDir);
  const lrLatency = await measureLatency(sweepqLr, singleFile, 500, latencyRequests);
  await sweepqLr.stop();
  progress('bare node:http server (the floor): single-row latency');
  const bare = await startBareServer();
  const floorLatency = await measureLatency(bare, singleFile, 500, latencyRequests);
  await bare.stop();
  progress('sweepq serve: RF-100 batch throughput');
  const sweepqRf = await startSweepqServe(models.rf, args.profileDir);
  const rfThroughput = await measureThroughput(sweepqRf, batch, BATCH_ROWS, 2, batchRequests);
  const sweepqLabels = await answerLabels(sweepqRf.port, batch);
  await sweepqRf.stop();

  progress('sweepq Scorer in-process (no HTTP)');
  const lrInProcess = inProcess(new Scorer(lr), single, batch, args.quick);
  const rfInProcess = inProcess(new Scorer(rf), single, batch, args.quick);

  let mlflow: { version: string; lrLatency: Latency; rfThroughput: Throughput; labelsAgree: boolean } | null = null;
  let reference: { lr: OnnxReference; rf: OnnxReference } | null = null;
  if (python !== null) {
    progress('MLflow scoring server (mlflow.onnx): LR single-row latency');
    const mlflowLr = await startMlflowServe(python, mlflowDirs.lr);
    const mlflowLrLatency = await measureLatency(mlflowLr, singleFile, 200, args.quick ? 500 : 2000);
    await mlflowLr.stop();
    progress('MLflow scoring server (mlflow.onnx): RF-100 batch throughput');
    const mlflowRf = await startMlflowServe(python, mlflowDirs.rf);
    const mlflowRfThroughput = await measureThroughput(mlflowRf, batch, BATCH_ROWS, 1, args.quick ? 3 : 8);
    const mlflowLabels = await answerLabels(mlflowRf.port, batch);
    await mlflowRf.stop();
    const labelsAgree = mlflowLabels.length === sweepqLabels.length && mlflowLabels.every((label, i) => label === sweepqLabels[i]);
    mlflow = { version: mlflowVersion(python), lrLatency: mlflowLrLatency, rfThroughput: mlflowRfThroughput, labelsAgree };
    progress('onnxruntime in-process reference');
    reference = {
      lr: onnxReference(python, path.join(mlflowDirs.lr, 'model.onnx'), args.quick),
      rf: onnxReference(python, path.join(mlflowDirs.rf, 'model.onnx'), args.quick),
    };
  }

  const count = (value: number): string => Math.round(value).toLocaleString('en-US');
  process.stdout.write(`\nSingle-row logistic regression over HTTP (${latencyRequests} sequential keep-alive requests)\n`);
  process.stdout.write(
    `${formatTable(
      ['server', 'p50', 'p95', 'p99', 'max', 'server CPU / request', 'p99 sweepq / this', 'CPU sweepq / this'],
      [
        latencyRow('sweepq serve', lrLatency),
        ...(mlflow === null ? [] : [latencyRow(`MLflow ${mlflow.version} scoring server (onnx)`, mlflow.lrLatency, lrLatency)]),
        latencyRow('bare node:http, parses the body, constant answer (the floor)', floorLatency, lrLatency),
        ['sweepq Scorer in-process (no HTTP)', '', '', ms(lrInProcess.singleP99, 3), '', '', '', ''],
        ...(reference === null
          ? []
          : [['onnxruntime in-process (no HTTP)', ms(reference.lr.single_p50_ms, 3), '', ms(reference.lr.single_p99_ms, 3), '', '', '', '']]),
      ],
      { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] },
    )}\n`,
  );
  process.stdout.write(`\nRandom forest (100 trees) batches of ${BATCH_ROWS} rows over HTTP (dataframe_split JSON, one client)\n`);
  process.stdout.write(
    `${formatTable(
      ['server', 'rows/s', 'ms per request', 'rows per server CPU-s', 'sweepq / this (wall)', 'sweepq / this (CPU)'],
      [
        ['sweepq serve', count(rfThroughput.rowsPerS), ms(rfThroughput.meanMs), count(rfThroughput.rowsPerServerCpuS), '', ''],
        ...(mlflow === null
          ? []
          : [
              [
                `MLflow ${mlflow.version} scoring server (onnx)`,
                count(mlflow.rfThroughput.rowsPerS),
                ms(mlflow.rfThroughput.meanMs),
                count(mlflow.rfThroughput.rowsPerServerCpuS),
                ratio(rfThroughput.rowsPerS, mlflow.rfThroughput.rowsPerS),
                ratio(rfThroughput.rowsPerServerCpuS, mlflow.rfThroughput.rowsPerServerCpuS),
              ],
            ]),
        ['sweepq Scorer in-process (no HTTP)', count(rfInProcess.batchRowsPerS), '', '', '', ''],
        ...(reference === null
          ? []
          : [
              [
                `onnxruntime ${reference.rf.versions.onnxruntime} in-process (no HTTP, no JSON)`,
                count(reference.rf.batch_rows_per_s),
                '',
                '',
                ratio(rfThroughput.rowsPerS, reference.rf.batch_rows_per_s),
                '',
              ],
            ]),
      ],
      { align: ['left', 'right', 'right', 'right', 'right', 'right'] },
    )}\n`,
  );
  if (mlflow !== null) process.stdout.write(`labels of the ${BATCH_ROWS}-row batch, sweepq vs MLflow: ${mlflow.labelsAgree ? 'all equal' : 'DIFFER'}\n`);

  const load = os.loadavg()[0]!.toFixed(1);
  const goals: GoalRow[] = [
    {
      part: 'LR single-row p99 over HTTP',
      measured: ms(lrLatency.summary.p99, 3),
      goal: '≤ 2 ms',
      ratio: lrLatency.summary.p99 / 2,
      pass: lrLatency.summary.p99 <= 2,
      note: `load average ${load}; bare node:http floor ${ms(floorLatency.summary.p99, 3)}`,
    },
    {
      part: 'RF-100 batch throughput over HTTP',
      measured: `${count(rfThroughput.rowsPerS)} rows/s`,
      goal: '≥ 50,000 rows/s',
      ratio: rfThroughput.rowsPerS / 50_000,
      pass: rfThroughput.rowsPerS >= 50_000,
      note: `load average ${load}`,
    },
    {
      part: 'RF-100 batch, per server CPU-second',
      measured: `${count(rfThroughput.rowsPerServerCpuS)} rows/s`,
      goal: '≥ 50,000 rows/s',
      ratio: rfThroughput.rowsPerServerCpuS / 50_000,
      pass: rfThroughput.rowsPerServerCpuS >= 50_000,
      note: 'one dedicated core (single-threaded server)',
    },
  ];
  process.stdout.write(`\n${renderGoalTable(goals)}\n`);
  process.stdout.write(
    `BENCH_JSON ${JSON.stringify({
      lrLatency,
      floorLatency,
      rfThroughput,
      lrInProcess,
      rfInProcess,
      mlflow,
      reference,
      cpus: os.availableParallelism(),
      loadavg: os.loadavg(),
    })}\n`,
  );
  if (args.profileDir !== null) progress(`CPU profiles in ${args.profileDir} (open in Chrome DevTools)`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`[bench:serve] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
