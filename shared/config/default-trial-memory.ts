/**
 * Default of SWEEPQ_TRIAL_MEMORY_MB, in a module of its own: a worker's launcher starts its first
 * training process with this budget before the config (and zod) load, so it must not import them.
 */
export const DEFAULT_TRIAL_MEMORY_MB = 2048;
