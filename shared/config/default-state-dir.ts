/**
 * Default of SWEEPQ_STATE_DIR, in a module of its own: bin/sweepq.js starts a run's first worker for
 * this folder before the config (and zod) load, so it must not import them.
 */
export const DEFAULT_STATE_DIR = './.sweepq';
