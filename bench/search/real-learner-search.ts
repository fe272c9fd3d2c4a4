/**
 * One search with the real learners, as a user starts it, for part (b) of the search benchmark:
 * `sweepq run FILE --workers 2` on a fresh state folder, or bench/search/optuna_learners.py
 * (Optuna + scikit-learn, `n_jobs=2`) in the project venv. Each is a whole process whose start-up
 * (Redis and worker processes; the interpreter and imports) counts: times are measured from the
 * spawn to each trial's completion time (sweepq's `finishedAt`, Optuna's `datetime_complete`). The
 * Optuna process runs at sweepq's training niceness (PEER_NICENESS below).
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SearchSpaceEntry } from '../../shared/schemas/search-space.schema.js';
import type { TrialRecord } from '../../shared/schemas/trial.schema.js';
import { cleanParentEnv } from '../support/bench-environment.js';
import { timedProcess } from '../support/timed-cli-run.js';

const OPTUNA_TOOL = path.resolve(process.cwd(), 'bench/search/optuna_learners.py');
const SWEEPQ_BIN = path.resolve(process.cwd(), 'bin/sweepq.js');
/**
 * sweepq trains at niceness 10 (TRAINING_NICENESS in services/worker/training-slot.ts, so a worker's
 * event loop stays responsive). On a shared machine that hands sweepq's training a small share of
 * the CPU whenever other jobs run at the default priority, so the peer's training runs at the same
 * niceness: the other jobs' load then falls on both sides alike, as on a dedicated machine.
 */
const PEER_NICENESS = '10';
/** scikit-learn's trees are single-threaded; pin the BLAS/OpenMP pools so `n_jobs=2` means 2 cores. */
const SINGLE_THREAD = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', NUMEXPR_NUM_THREADS: '1' };

export type SamplerName = 'tpe' | 'random';

/**
 * What the Optuna side trains for a `gradient_boosting` entry: scikit-learn's GradientBoosting (the
 * same algorithm as sweepq's) or HistGradientBoosting (the one scikit-learn recommends for speed).
 */
export type OptunaEstimator = 'gradient_boosting' | 'hist_gradient_boosting';

/** What both sides search: the same training file, space, CV folds (stratified, no shuffle) and AUC. */
export interface SearchProblem {
  train: string;
  test: string;
  target: string;
  space: SearchSpaceEntry[];
  folds: number;
  workers: number;
}

export interface SearchRequest {
  sampler: SamplerName;
  seed: number;
  trials: number;
  /** Stop once a trial's CV AUC reaches this (sweepq `search.stop.target`, an Optuna callback). */
  stopAt: number | null;
}

export interface FinishedTrial {
  value: number;
  /** Milliseconds from the process spawn to the trial's completion. */
  atMs: number;
}

export interface SearchRun {
  /** Completed trials in completion order. */
  trials: FinishedTrial[];
  /** Wall time of the whole process. */
  wallMs: number;
  /** Set when the process failed; `trials` is then empty. */
  error?: string;
}

/** The first completed trial reaching `target`: when, and how many trials had completed by then. */
export function timeToTarget(run: SearchRun, target: number): { ms: number; trials: number } | null {
  for (let i = 0; i < run.trials.length; i++) {
    if (run.trials[i]!.value >= target) return { ms: run.trials[i]!.atMs, trials: i + 1 };
  }
  return null;
}

/** The best value of a run, when it was first reached and how many trials had completed by then. */
export function bestOf(run: SearchRun): { value: number; ms: number; trials: number } | null {
  let best = -1;
  for (let i = 0; i < run.trials.length; i++) if (best < 0 || run.trials[i]!.value > run.trials[best]!.value) best = i;
  return best < 0 ? null : { value: run.trials[best]!.value, ms: run.trials[best]!.atMs, trials: best + 1 };
}

function byCompletion(trials: FinishedTrial[]): FinishedTrial[] {
  return trials.sort((a, b) => a.atMs - b.atMs);
}

function sweepFile(problem: SearchProblem, request: SearchRequest): Record<string, unknown> {
  return {
    name: `searchbench_b_${request.sampler}`,
    seed: 0,
    task: 'classification',
    dataset: { train: problem.train, test: problem.test, target: problem.target },
    pipeline: { imputer: { strategy: 'median' }, scaler: 'standard' },
    cv: { folds: problem.folds, scoring: 'auc_roc' },
    objective: { metric: 'cv_mean' },
    // Every run starts on a fresh state folder anyway; this says so in the file.
    cache: false,
    search: {
      method: request.sampler,
      max_trials: request.trials,
      seed: request.seed,
      ...(request.sampler === 'tpe' ? { tpe: { multivariate: true, constant_liar: true } } : {}),
      ...(request.stopAt === null ? {} : { stop: { target: request.stopAt } }),
      space: problem.space,
    },
  };
}

export async function runSweepqSearch(problem: SearchProblem, request: SearchRequest): Promise<SearchRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-bench-search-b-'));
  try {
    const file = path.join(dir, 'sweep.json');
    writeFileSync(file, JSON.stringify(sweepFile(problem, request)));
    const env = { ...cleanParentEnv(), SWEEPQ_STATE_DIR: path.join(dir, 'state'), LOG_LEVEL: 'warn', NODE_ENV: 'production' };
    const run = await timedProcess(process.execPath, [SWEEPQ_BIN, 'run', file, '--json', '--workers', String(problem.workers)], { cwd: process.cwd(), env });
    if (run.code !== 0) return { trials: [], wallMs: run.wallMs, error: `sweepq run exited ${run.code}: ${run.stderr.slice(-500)}` };
    const doc = JSON.parse(run.stdout) as { trials: TrialRecord[] };
    const trials: FinishedTrial[] = [];
    for (const t of doc.trials) {
      const value = t.metrics?.cv_mean;
      if (t.status === 'completed' && typeof value === 'number' && t.finishedAt !== null) trials.push({ value, atMs: t.finishedAt - run.startEpoch });
    }
    return { trials: byCompletion(trials), wallMs: run.wallMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runOptunaSearch(python: string, problem: SearchProblem, request: SearchRequest, estimator: OptunaEstimator): Promise<SearchRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-bench-search-b-optuna-'));
  try {
    const job = path.join(dir, 'job.json');
    writeFileSync(
      job,
      JSON.stringify({
        train: problem.train,
        target: problem.target,
        space: problem.space,
        sampler: request.sampler,
        seed: request.seed,
        trials: request.trials,
        workers: problem.workers,
        folds: problem.folds,
        stop_at: request.stopAt,
        estimator,
      }),
    );
    const run = await timedProcess('nice', ['-n', PEER_NICENESS, python, OPTUNA_TOOL, job], { cwd: process.cwd(), env: { ...process.env, ...SINGLE_THREAD } });
    if (run.code !== 0) return { trials: [], wallMs: run.wallMs, error: `optuna_learners.py exited ${run.code}: ${run.stderr.slice(-500)}` };
    const doc = JSON.parse(run.stdout) as { trials: { value: number; finished_ms: number }[] };
    return { trials: byCompletion(doc.trials.map((t) => ({ value: t.value, atMs: t.finished_ms - run.startEpoch }))), wallMs: run.wallMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
