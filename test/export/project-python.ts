/**
 * The project's Python (scripts/ensure-python.mjs: the pinned venv with onnx, onnxruntime, mlflow,
 * pandas) for interop tests: installed on first use, located afterwards. Run alone, tests skip with the
 * returned reason when no Python can be had on this machine; under `npm test` (which installs the venv
 * first and sets SWEEPQ_TEST_REQUIRE_PYTHON) a missing Python is an error, so they cannot skip silently.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ENSURE_PYTHON = path.resolve(process.cwd(), 'scripts/ensure-python.mjs');

export type ProjectPython = { python: string; reason: null } | { python: null; reason: string };

let cached: ProjectPython | undefined;

/** The venv interpreter, or null and why (no python3 ≥ 3.10, or the install failed). */
export function projectPython(): ProjectPython {
  if (cached !== undefined) return cached;
  try {
    // First use installs the venv (minutes on a fresh machine); later calls only check its stamp.
    const python = execFileSync(process.execPath, [ENSURE_PYTHON], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30 * 60_000 }).trim();
    cached = { python, reason: null };
  } catch (error) {
    // ensure-python's last stderr line says why (`ensure-python: no python3 ≥ 3.10 …`).
    const lastLine = ((error as { stderr?: string }).stderr ?? '').trim().split('\n').pop();
    const reason = `project Python unavailable: ${lastLine || (error instanceof Error ? error.message : String(error))}`;
    if (process.env.SWEEPQ_TEST_REQUIRE_PYTHON === '1')
      throw new Error(`${reason} (npm test requires it; run scripts/ensure-python.mjs to see why)`, { cause: error });
    cached = { python: null, reason };
  }
  return cached;
}

/** Runs a Python script of the repository with the project venv (`env` adds variables); returns its stdout. */
export function runPython(python: string, script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): string {
  return execFileSync(python, [path.resolve(process.cwd(), script), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
    // BLAS pools pinned to one thread: the machine is shared.
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', ...env },
  });
}
