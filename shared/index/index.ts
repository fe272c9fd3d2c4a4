export { MetricsIndex } from './metrics-index.js';
export type { SweepRecord, NewSweep, NewTrial, TrialCommit, TransitionResult, ClaimResult } from './metrics-index.js';
export { IndexKeys } from './index-keys.js';
