export { MetricsIndex } from './metrics-index.js';
export type { SweepRecord, NewSweep, NewTrial, TrialCommit, TransitionResult, ClaimResult, ClaimOutcome, TrialDefinition, FeedState, JobRef } from './metrics-index.js';
export { IndexKeys } from './index-keys.js';
