/**
 * The project's Python (scripts/ensure-python.mjs: the pinned venv with onnx, onnxruntime, mlflow,
 * pandas) for interop tests: installed on first use, located afterwards. Tests skip with the returned
 * reason only when no Python can be had on this machine.
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
    cached = { python: null, reason: `project Python unavailable: ${lastLine || (error instanceof Error ? error.message : String(error))}` };
  }
  return cached;
}

/** Runs a Python script of the repository with the project venv; returns its stdout. */
export function runPython(python: string, script: string, args: readonly string[]): string {
  return execFileSync(python, [path.resolve(process.cwd(), script), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
    // BLAS pools pinned to one thread: the machine is shared.
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
}
