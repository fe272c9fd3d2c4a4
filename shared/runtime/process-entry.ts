/**
 * Which file a sweepq child process starts from. scripts/bundle-entry-points.mjs bundles the CLI, the
 * worker and the training process into dist/bundle/ (issue 13, fixed costs: one file to load instead
 * of hundreds of modules) and defines `SWEEPQ_BUNDLED` there; a process running from the bundle starts
 * its children from the bundle too, and one running the compiled modules (tests, benches,
 * `node dist/services/...`) starts the compiled modules.
 */
import { fileURLToPath } from 'node:url';

/** Replaced by `true` in the bundle (esbuild `define`); undeclared, and so never read, elsewhere. */
declare const SWEEPQ_BUNDLED: boolean | undefined;

export type ProcessEntry = 'worker' | 'training-process';

/** Compiled module of each entry, relative to dist/. Keep in sync with scripts/bundle-entry-points.mjs. */
const COMPILED: Record<ProcessEntry, string> = {
  worker: 'services/worker/main.js',
  'training-process': 'services/worker/training-process.js',
};

/** True in a process started from dist/bundle/. */
export const RUNNING_BUNDLED = typeof SWEEPQ_BUNDLED === 'boolean' && SWEEPQ_BUNDLED;

/** Absolute path of the file that starts `entry`'s process: bundled when this process is. */
export function processEntryFile(entry: ProcessEntry): string {
  // dist/ is two folders up from dist/shared/runtime/ (the bundle keeps each module's own URL).
  const file = RUNNING_BUNDLED ? `bundle/${entry}.start.cjs` : COMPILED[entry];
  return fileURLToPath(new URL(`../../${file}`, import.meta.url));
}
