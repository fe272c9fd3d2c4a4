/**
 * Entry point of a training slot's child process. Training is CPU-bound and synchronous; running it in
 * a child keeps the worker's event loop free to renew BullMQ job locks, and — unlike a worker thread —
 * lets the worker cap the trial's memory: the slot starts this process under RLIMIT_AS (prlimit), which
 * bounds the learners' typed arrays as well as the JS heap. An allocation beyond the budget is answered
 * as LIMIT_EXCEEDED (deterministic, never retried); a V8 heap that cannot grow aborts the process, and
 * the slot reports the same. The process keeps the last few parsed datasets, so trials of one sweep
 * read and split their data once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SweepqError } from '../../shared/errors/index.js';
import type { TabularDataset } from '../../shared/ml/dataset/table.js';
import type { AnyMetricName } from '../../shared/ml/metrics/metric-names.js';
import { runTrial, type TrialInput, type TrialOutcome } from '../../shared/ml/run-trial.js';
import { trialDiagnostics } from '../../shared/ml/diagnostics/trial-diagnostics.js';
import { loadTrainTestCached, parsedDataPath } from '../../shared/sweep/parsed-data-cache.js';
import { readSpecOf } from '../../shared/sweep/sweep-data.js';
import { seedColumnOrders, writeColumnOrderHints } from '../../shared/sweep/column-order-hints.js';
import { crossValidateByStages, type RungScores, type RungVerdict } from '../../shared/ml/cross-validate-by-stages.js';
import { meanStd } from '../../shared/ml/metrics/mean-std.js';
import type { RungAnswer, RungRequest, TrainingResult, TrainingTask } from './training-task.js';
import { scoreCvFold } from '../../shared/ml/score-cv-fold.js';
import { createPipelineWorkspace, type PipelineWorkspace } from '../../shared/ml/pipeline.js';
import { fitForestTrees } from '../../shared/ml/fit-forest-trees.js';
import { checkpointCodeCache } from '../../shared/runtime/code-cache-checkpoint.js';
import { mergeForestFit } from '../../shared/ml/merge-forest-fit.js';
import { learnerWarmUp } from '../../shared/ml/learner-warm-up.js';

const DATASET_CACHE_SIZE = 4;
/** A loaded dataset; `foldWorkspace` is shared by the fold jobs this process runs on it (score-cv-fold.ts). */
interface LoadedData {
  train: TabularDataset;
  test: TabularDataset;
  foldWorkspace?: PipelineWorkspace;
  /** Its parsed copy on disk (parsed-data-cache.ts), beside which fold jobs share column orders; null: none. */
  parsedFile: string | null;
  /** This process sorted the columns itself: it leaves the orders for the others after its part. */
  shareOrders?: boolean;
}
const datasets = new Map<string, LoadedData>();

async function loadData(task: TrainingTask): Promise<LoadedData> {
  const key = JSON.stringify([task.dataset, task.task, task.trainPath, task.testPath]);
  const cached = datasets.get(key);
  if (cached) return cached;
  const d = task.dataset;
  const read = readSpecOf({ dataset: d, task: task.task });
  const files = { train: task.trainPath, test: task.testPath };
  const data: LoadedData = { ...(await loadTrainTestCached(read, d.split, files)), parsedFile: parsedDataPath(read, d.split, files) };
  if (datasets.size >= DATASET_CACHE_SIZE) datasets.delete(datasets.keys().next().value!);
  datasets.set(key, data);
  return data;
}

/**
 * The workspace the fold jobs on this data share, seeded with the column orders another process on
 * this machine sorted (column-order-hints.ts): each worker's first part no longer sorts them again.
 */
async function foldWorkspaceOf(data: LoadedData): Promise<PipelineWorkspace> {
  if (data.foldWorkspace !== undefined) return data.foldWorkspace;
  const workspace = createPipelineWorkspace();
  if (data.parsedFile !== null && workspace.modelCache !== undefined) {
    // Hints only: a file that cannot be read or held (memory limit) leaves the part to sort.
    data.shareOrders = (await seedColumnOrders(workspace.modelCache.columnOrder, data.parsedFile).catch(() => 0)) === 0;
  }
  data.foldWorkspace = workspace;
  return workspace;
}

/** After a part's answer is sent: the orders its fit sorted, written once for the other processes. */
function shareColumnOrders(data: LoadedData): void {
  const cache = data.foldWorkspace?.modelCache;
  if (data.shareOrders !== true || data.parsedFile === null || cache === undefined) return;
  data.shareOrders = false;
  const parsedFile = data.parsedFile;
  setImmediate(() => writeColumnOrderHints(cache.columnOrder, parsedFile));
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** True for the errors V8 throws when an allocation hits the address-space limit. */
function isAllocationFailure(error: unknown): boolean {
  return error instanceof RangeError && /allocation failed|Invalid (typed )?array length|out of memory/i.test(error.message);
}

/** The dashboard's diagnostics of the fitted pipeline (trial-diagnostics.ts); a failure there never fails the trial. */
function diagnosticsOf(outcome: Pick<TrialOutcome, 'fitted' | 'pipeline'>, test: TabularDataset): string | null {
  try {
    return JSON.stringify(trialDiagnostics(outcome.fitted, outcome.pipeline, test));
  } catch {
    return null;
  }
}

async function handle(task: TrainingTask): Promise<TrainingResult> {
  try {
    const loadStarted = performance.now();
    const data = await loadData(task);
    const loadMs = performance.now() - loadStarted;
    const input: TrialInput = {
      train: data.train,
      test: data.test,
      pipeline: task.pipeline,
      pipelineOverrides: task.pipelineOverrides,
      ...(task.task === undefined ? {} : { task: task.task }),
      model: task.model,
      params: task.params,
      seed: task.seed,
      cv: { folds: task.cv.folds, scoring: task.cv.scoring as AnyMetricName, shuffle: task.cv.shuffle },
    };
    if (task.part?.kind === 'fold') {
      // One CV fold of a split trial (fold jobs): its score is the whole result.
      const { score, cvMs } = scoreCvFold(input, task.part.fold, await foldWorkspaceOf(data));
      shareColumnOrders(data);
      return {
        id: task.id,
        ok: true,
        metrics: {},
        cvScores: [score],
        pipelineJson: '',
        diagnosticsJson: null,
        timings: { fitMs: 0, cvMs, evalMs: 0, totalMs: cvMs, loadMs },
      };
    }
    if (task.part?.kind === 'trees') {
      // One tree range of a split trial's final fit: its partial pipeline is the whole result.
      if (task.treePartFile === undefined) throw new SweepqError('INTERNAL', 'a tree range task needs the file its part is written to');
      const { part, fitMs } = fitForestTrees(input, task.part, await foldWorkspaceOf(data));
      writeFileSync(task.treePartFile, part);
      shareColumnOrders(data);
      return {
        id: task.id,
        ok: true,
        metrics: {},
        cvScores: [],
        pipelineJson: '',
        diagnosticsJson: null,
        timings: { fitMs, cvMs: 0, evalMs: 0, totalMs: fitMs, loadMs },
      };
    }
    if (task.part?.kind === 'fit' && task.treePartFiles !== undefined) {
      // The final fit of a split trial fitted in tree ranges: merge them, score the merged model.
      const merged = mergeForestFit(
        task.treePartFiles.map((file) => readFileSync(file)),
        data.train,
        data.test,
      );
      const evalMs = merged.mergeMs + merged.evalMs;
      return {
        id: task.id,
        ok: true,
        metrics: { ...merged.metrics },
        cvScores: [],
        pipelineJson: merged.pipelineJson,
        diagnosticsJson: diagnosticsOf(merged, data.test),
        timings: { fitMs: 0, cvMs: 0, evalMs, totalMs: evalMs, loadMs },
      };
    }
    // The final fit of a split trial: runTrial without its CV (the folds run as their own jobs).
    if (task.part?.kind === 'fit') input.cv = { ...input.cv, folds: 0 };
    let rungs: RungScores[] | undefined;
    let stagedCvMs = 0;
    if (task.rungs !== undefined && task.rungs.length > 0) {
      const staged = await crossValidateByStages(input, task.rungs, (rung, history) => askVerdict(task.id, rung, history), task.rungResource);
      rungs = staged.history;
      if (staged.pruned) {
        const last = staged.history[staged.history.length - 1]!;
        const summary = meanStd(last.folds);
        return {
          id: task.id,
          ok: true,
          metrics: { cv_mean: finiteOrNull(summary.mean), cv_std: finiteOrNull(summary.std) },
          cvScores: last.folds,
          pipelineJson: '',
          diagnosticsJson: null,
          timings: { fitMs: 0, cvMs: staged.cvMs, evalMs: 0, totalMs: staged.cvMs, loadMs },
          rungs,
          pruned: { explanation: staged.explanation },
        };
      }
      input.cvScores = staged.cvScores;
      stagedCvMs = staged.cvMs;
    }
    const outcome = runTrial(input);
    outcome.timings.cvMs += stagedCvMs;
    outcome.timings.totalMs += stagedCvMs;
    return {
      ...(rungs === undefined ? {} : { rungs }),
      id: task.id,
      ok: true,
      metrics: { ...outcome.metrics },
      cvScores: outcome.cvScores,
      pipelineJson: JSON.stringify(outcome.pipeline),
      diagnosticsJson: diagnosticsOf(outcome, data.test),
      timings: { ...outcome.timings, loadMs },
    };
  } catch (error) {
    // Free what this trial held before answering: the next trial starts from a clean heap.
    datasets.clear();
    if (error instanceof SweepqError) return { id: task.id, ok: false, error: { code: error.code, message: error.message } };
    const errno = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
      // The data file vanished or the disk failed under us: the machine's fault, not the trial's.
      return { id: task.id, ok: false, error: { code: 'LOCAL_IO', message: `reading the trial's data failed: ${errno} (${(error as Error).message})` } };
    }
    if (isAllocationFailure(error)) {
      return {
        id: task.id,
        ok: false,
        error: {
          code: 'LIMIT_EXCEEDED',
          message: `the trial needs more memory than its limit of ${task.memoryMb} MB (${(error as Error).message}); raise limits.memory_mb or shrink the trial`,
        },
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { id: task.id, ok: false, error: { code: 'INTERNAL', message, stack: error instanceof Error ? error.stack : undefined } };
  }
}

/** The verdict the running trial waits for at its current rung (one trial at a time per process). */
let awaitingVerdict: { id: number; resolve(verdict: RungVerdict): void } | null = null;

/** Asks the worker for the pruner's verdict at a rung (the worker holds the Redis connection). */
function askVerdict(id: number, rung: RungScores, history: readonly RungScores[]): Promise<RungVerdict> {
  return new Promise<RungVerdict>((resolve) => {
    awaitingVerdict = { id, resolve };
    const request: RungRequest = { id, rung, history: [...history] };
    send(request);
  });
}

if (typeof process.send !== 'function') throw new Error('training-process must run as a child with an IPC channel');
const send = process.send.bind(process);
// The slot sends a batch of tasks (one, or a block's trials) and waits for every answer before the
// next batch, so handling never overlaps; between them come only the verdicts the running trial asked
// for. Each result is sent as soon as its trial is done: the worker stores and commits it while the
// next one trains.
async function handleBatch(tasks: readonly TrainingTask[]): Promise<void> {
  for (const task of tasks) send(task.part === undefined ? await handle(task) : await withCpuTime(task));
  // The worker kills this process rather than letting it exit, so the code cache is written here, once
  // the first batch is answered (a no-op once the cache exists): written at start, it left out every
  // function a trial compiles lazily — data reading, the pipeline, the learner, the metrics — which
  // each training process then compiled again on the way to its first result.
  setImmediate(checkpointCodeCache);
}

/** A fold job's part, with the CPU this process spent on it (bench (g) prints it per part). */
async function withCpuTime(task: TrainingTask): Promise<TrainingResult> {
  const before = process.cpuUsage();
  const result = await handle(task);
  if (!result.ok) return result;
  const used = process.cpuUsage(before);
  return { ...result, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * How long the process waits for a task before it warms the learners: a worker's first trial usually
 * arrives within this (`sweepq run`: ~120 ms after the process is ready), and then nothing competes
 * with it or with the worker's start-up for the CPU; an idle pool's processes warm up.
 */
const WARM_UP_AFTER_IDLE_MS = 250;
/** The learners' warm-up while the process waits for its first task; null before, once a task came, or once done. */
let warmUp: Generator<void, void, void> | null = null;

/** One warm-up step per turn of the event loop: a task that arrives meanwhile waits for one step at most. */
function warmUpStep(): void {
  if (warmUp === null) return;
  try {
    if (warmUp.next().done === true) {
      warmUp = null;
      // Warm code is what the cache should hold (a no-op once it exists).
      setImmediate(checkpointCodeCache);
    }
  } catch {
    // Only speed is at stake: a failing warm-up stops, the trials run as they would cold.
    warmUp = null;
  }
  if (warmUp !== null) setImmediate(warmUpStep);
}

// Warm the learners' code once idle (learner-warm-up.ts): a fresh process runs its first fit in V8's
// slow tiers, which every worker taking a part of a split trial would pay.
const warmUpTimer = setTimeout(() => {
  warmUp = learnerWarmUp();
  setImmediate(warmUpStep);
}, WARM_UP_AFTER_IDLE_MS);

process.on('message', (message: TrainingTask[] | RungAnswer) => {
  // The first task stops the warm-up for good: from then on the trials themselves keep the code hot.
  clearTimeout(warmUpTimer);
  warmUp = null;
  if (!Array.isArray(message)) {
    const waiting = awaitingVerdict;
    if (waiting !== null && waiting.id === message.id) {
      awaitingVerdict = null;
      waiting.resolve(message.verdict);
    }
    return;
  }
  void handleBatch(message);
});
// The parent going away (killed, crashed) closes the channel: nothing left to train for.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
