--!include finish
--!include commit-trial
-- Records an attempt's result: completed (or pruned, keeping its partial metrics). Fenced: only the
-- attempt holding the current token of an active trial may commit. A result of a cancelled sweep (its
-- attempt missed the cancel) is recorded as cancelled: a cancel is never undone by a late result.
-- KEYS: trial, sweep, log, best (objective leaderboard), open, result cache.
-- ARGV: token, now, durationMs, metricsJSON, foldsJSON, timingsJSON, artifactKey, status
--   ('completed' | 'pruned'), rank score of the objective ('' = none), leaderboard member (padded index),
--   detailJSON (a JSON object of status-specific details, '{}' when none), result-cache field ('' = none)
--   and entry JSON: a completed trial's result is cached in the same step (one round trip per trial).
-- → 'ok' | 'cancelled' | 'fenced' | 'stale'.
local cancelled = redis.call('HGET', KEYS[2], 'cancelledFlag') == '1'
local result = commitTrial(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], cancelled, ARGV[2], ARGV[1],
  {ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13]})
if result == 'ok' or result == 'cancelled' then maybeFinish(KEYS[2], ARGV[2]) end
return result
