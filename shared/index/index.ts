export { MetricsIndex, DEFAULT_HEARTBEAT_MS } from './metrics-index.js';
export { SweepRecords } from './sweep-records.js';
export type { SweepRecord, NewSweep } from './sweep-records.js';
export type { JobRef } from './trial-records.js';
export type { TrialCommit, TransitionResult, ClaimResult, ClaimOutcome, TrialDefinition } from './trial-transitions.js';
export type { FeedState, NewTrial } from './feed-cursor.js';
export type { LogEvent } from './completion-log.js';
export { IndexKeys } from './index-keys.js';
export { ensureIndexVersion, INDEX_VERSION } from './index-version.js';
