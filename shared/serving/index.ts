/**
 * Model serving (issue 12): MLflow's scoring contract over sweepq pipelines. The public API; the JSON
 * table builder and answer writers stay internal.
 */
export { Scorer, bodyKindOf, parseProbaFlag, SCORING_CONTENT_TYPES, SCORING_PARAMS, JSON_CONTENT_TYPE, CSV_CONTENT_TYPE } from './scorer.js';
export type { ScoringLimits, ScoringRequest } from './scorer.js';
export { ScoringPool } from './scoring-pool.js';
export type { PooledScoreRequest, ScoringPoolOptions } from './scoring-pool.js';
export { INVOCATION_FORMATS } from './invocation-table.js';
export type { InvocationFormat } from './invocation-table.js';
