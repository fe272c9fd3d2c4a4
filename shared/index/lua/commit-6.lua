--!include finish
-- Records an attempt's result: completed (or pruned, keeping its partial metrics). Fenced: only the
-- attempt holding the current token of an active trial may commit. A result of a cancelled sweep (its
-- attempt missed the cancel) is recorded as cancelled: a cancel is never undone by a late result.
-- KEYS: trial, sweep, log, best (objective leaderboard), open, result cache.
-- ARGV: token, now, durationMs, metricsJSON, foldsJSON, timingsJSON, artifactKey, status
--   ('completed' | 'pruned'), rank score of the objective ('' = none), leaderboard member (padded index),
--   detailJSON (a JSON object of status-specific details, '{}' when none), result-cache field ('' = none)
--   and entry JSON: a completed trial's result is cached in the same step (one round trip per trial).
-- → 'ok' | 'cancelled' | 'fenced' | 'stale'.
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'active' then return 'stale' end
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 'fenced' end
local idx = redis.call('HGET', KEYS[1], 'index')
local cancelled = redis.call('HGET', KEYS[2], 'cancelledFlag') == '1'
local status = ARGV[8]
if cancelled then status = 'cancelled' end
redis.call('HSET', KEYS[1], 'status', status, 'token', '', 'finishedAt', ARGV[2], 'durationMs', ARGV[3],
  'metrics', ARGV[4], 'folds', ARGV[5], 'timings', ARGV[6], 'artifact', ARGV[7], 'error', '', 'detail', ARGV[11])
if status == 'completed' and ARGV[9] ~= '' then redis.call('ZADD', KEYS[4], ARGV[9], ARGV[10]) end
redis.call('HINCRBY', KEYS[2], 'active', -1)
redis.call('HINCRBY', KEYS[2], status, 1)
redis.call('ZREM', KEYS[5], idx)
local fields = finishedFields(KEYS[1], redis.call('HGET', KEYS[1], 'worker'), nil)
if not cancelled then fields = fields .. ',"d":' .. ARGV[3] .. ',"m":' .. ARGV[4] .. ',"f":' .. ARGV[5] end
logEvent(KEYS[3], idx, status, ARGV[2], fields)
if status == 'completed' and ARGV[12] ~= '' then redis.call('HSET', KEYS[6], ARGV[12], ARGV[13]) end
maybeFinish(KEYS[2], ARGV[2])
if cancelled then return 'cancelled' end
return 'ok'
