--!include finish
-- Records an attempt's result: completed (or pruned, keeping its partial metrics). Fenced: only the
-- attempt holding the current token of an active trial may commit.
-- KEYS: trial, sweep, log, best (objective leaderboard).
-- ARGV: token, now, durationMs, metricsJSON, foldsJSON, timingsJSON, artifactKey, status
--   ('completed' | 'pruned'), rank score of the objective ('' = none), leaderboard member (padded index),
--   extraJSON (a JSON object of status-specific details, '{}' when none).
-- → 'ok' | 'fenced' | 'stale'.
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'active' then return 'stale' end
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 'fenced' end
local status = ARGV[8]
redis.call('HSET', KEYS[1], 'status', status, 'token', '', 'finishedAt', ARGV[2], 'durationMs', ARGV[3],
  'metrics', ARGV[4], 'folds', ARGV[5], 'timings', ARGV[6], 'artifact', ARGV[7], 'error', '', 'detail', ARGV[11])
if status == 'completed' and ARGV[9] ~= '' then redis.call('ZADD', KEYS[4], ARGV[9], ARGV[10]) end
redis.call('HINCRBY', KEYS[2], 'active', -1)
redis.call('HINCRBY', KEYS[2], status, 1)
local idx = redis.call('HGET', KEYS[1], 'index')
logEvent(KEYS[3], idx, status, ARGV[2],
  finishedFields(KEYS[1], redis.call('HGET', KEYS[1], 'worker'), nil) .. ',"d":' .. ARGV[3] .. ',"m":' .. ARGV[4] .. ',"f":' .. ARGV[5])
maybeFinish(KEYS[2], ARGV[2])
return 'ok'
