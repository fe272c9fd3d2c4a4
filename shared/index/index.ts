export { MetricsIndex } from './metrics-index.js';
export { SweepRecords } from './sweep-records.js';
export type { SweepProgress, SweepRecord } from './sweep-records.js';
export type { ClaimOutcome, TrialCommit } from './trial-transitions.js';
export type { LogEvent, TrialDataUpdate } from './completion-log.js';
export { ensureIndexVersion, INDEX_VERSION } from './index-version.js';
export type { RunState, RunWrite } from './run-records.js';
export { parseTags } from './sweep-records.js';
