--!include finish
-- Commits several finished trials of one block job at once (issue 13 item 4), each exactly as
-- commit-6.lua would and fenced by its own token: a stale or superseded one is refused alone, the
-- others commit. A result of a cancelled sweep is recorded as cancelled. One round trip per group.
-- KEYS: sweep, log, best (objective leaderboard), open, result cache.
-- ARGV: trial key prefix, now, then 13 fields per trial: index, token, durationMs, metricsJSON,
--   foldsJSON, timingsJSON, artifactKey, status ('completed' | 'pruned'), rank score ('' = none),
--   leaderboard member, detailJSON, result-cache field ('' = none), entry JSON.
-- → per trial, in order: 'ok' | 'cancelled' | 'fenced' | 'stale'.
local out = {}
local cancelled = redis.call('HGET', KEYS[1], 'cancelledFlag') == '1'
local now = ARGV[2]
for a = 3, #ARGV, 13 do
  local key = ARGV[1] .. ARGV[a]
  local st = redis.call('HGET', key, 'status')
  if st ~= 'active' then
    out[#out + 1] = 'stale'
  elseif redis.call('HGET', key, 'token') ~= ARGV[a + 1] then
    out[#out + 1] = 'fenced'
  else
    local idx = redis.call('HGET', key, 'index')
    local status = ARGV[a + 7]
    if cancelled then status = 'cancelled' end
    redis.call('HSET', key, 'status', status, 'token', '', 'finishedAt', now, 'durationMs', ARGV[a + 2],
      'metrics', ARGV[a + 3], 'folds', ARGV[a + 4], 'timings', ARGV[a + 5], 'artifact', ARGV[a + 6], 'error', '', 'detail', ARGV[a + 10])
    if status == 'completed' and ARGV[a + 8] ~= '' then redis.call('ZADD', KEYS[3], ARGV[a + 8], ARGV[a + 9]) end
    redis.call('HINCRBY', KEYS[1], 'active', -1)
    redis.call('HINCRBY', KEYS[1], status, 1)
    redis.call('ZREM', KEYS[4], idx)
    local fields = finishedFields(key, redis.call('HGET', key, 'worker'), nil)
    if not cancelled then fields = fields .. ',"d":' .. ARGV[a + 2] .. ',"m":' .. ARGV[a + 3] .. ',"f":' .. ARGV[a + 4] end
    logEvent(KEYS[2], idx, status, now, fields)
    if status == 'completed' and ARGV[a + 11] ~= '' then redis.call('HSET', KEYS[5], ARGV[a + 11], ARGV[a + 12]) end
    if cancelled then out[#out + 1] = 'cancelled' else out[#out + 1] = 'ok' end
  end
end
maybeFinish(KEYS[1], now)
return out
