/**
 * Model serving (issue 12): MLflow's scoring contract over sweepq pipelines. The public API: the
 * scorer (`sweepq serve`), the scoring thread pool (the scheduler's predict route) and the request
 * flags they share; the JSON table builder, the fast path and the answer writers stay internal.
 */
export { Scorer, parseProbaFlag, SCORING_CONTENT_TYPES } from './scorer.js';
export { ScoringPool } from './scoring-pool.js';
