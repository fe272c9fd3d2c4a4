/**
 * The Python side of the ML benchmark: bench/sklearn/peer_trials.py run with the project's virtualenv
 * (scripts/ensure-python.mjs: scikit-learn 1.9.1, LightGBM 4.7.0), single-threaded — every estimator
 * gets n_jobs=1 and the BLAS/OpenMP pools are pinned to one thread through the environment.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const SCRIPT = path.resolve(process.cwd(), 'bench/sklearn/peer_trials.py');
const ENSURE_PYTHON = path.resolve(process.cwd(), 'scripts/ensure-python.mjs');
const SINGLE_THREAD = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', NUMEXPR_NUM_THREADS: '1' };

/** One peer measurement (seconds of wall time; CPU seconds of the Python process over the same span). */
export interface PeerTrial {
  name: string;
  seconds: number;
  cpu_seconds: number;
  /** Classification trials and the big fit. */
  auc_roc?: number;
  /** Regression trials: test R². */
  r2?: number;
  accuracy?: number;
  cv_mean?: number;
  peak_rss_mib?: number;
  rss_before_fit_mib?: number;
}

export interface PeerRun {
  versions: Record<string, string>;
  trials: PeerTrial[];
}

/** The venv's interpreter (created or refreshed by scripts/ensure-python.mjs), or null with the reason. */
export function peerPython(): { python: string | null; reason: string } {
  if (!existsSync(SCRIPT)) return { python: null, reason: `${SCRIPT} is missing` };
  try {
    const python = execFileSync(process.execPath, [ENSURE_PYTHON], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    return { python, reason: '' };
  } catch (error) {
    return { python: null, reason: `scripts/ensure-python.mjs failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function run(python: string, args: string[]): PeerRun {
  const stdout = execFileSync(python, [SCRIPT, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, ...SINGLE_THREAD },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout) as PeerRun;
}

/** Fit + 5-fold CV + test evaluation of each named peer on a train/test CSV pair. */
export function runPeerTrials(python: string, trainCsv: string, testCsv: string, names: readonly string[]): PeerRun {
  return run(python, ['trials', trainCsv, testCsv, 'target', names.join(',')]);
}

/** Fit + 5-fold KFold R² CV + test evaluation of each named regression peer (target column `target`). */
export function runPeerRegressionTrials(python: string, trainCsv: string, testCsv: string, names: readonly string[]): PeerRun {
  return run(python, ['regression', trainCsv, testCsv, 'target', names.join(',')]);
}

/** One fit of `name` on a column-major float64 matrix file and an int32 label file. */
export function runPeerBigFit(python: string, xPath: string, yPath: string, rows: number, features: number, name: string): PeerRun {
  return run(python, ['big', xPath, yPath, String(rows), String(features), name]);
}
