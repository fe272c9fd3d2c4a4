-- One trial's commit, shared by commit-6.lua and commit-batch-5.lua (included at load time).

-- Records an attempt's result if `token` still holds the active trial at `key`; a result of a
-- cancelled sweep is recorded as cancelled. `f` holds the fields in commit order: durationMs,
-- metricsJSON, foldsJSON, timingsJSON, artifactKey, status, rank score ('' = none), leaderboard
-- member, detailJSON, result-cache field ('' = none), entry JSON.
-- Keys: sweep, log, best, open, result cache. → 'ok' | 'cancelled' | 'fenced' | 'stale'.
local function commitTrial(key, sweepKey, logKey, bestKey, openKey, cacheKey, cancelled, now, token, f)
  -- One read for the fence and the log event (five calls were a third of a trivial trial's commit, issue 13 round 5).
  local t = redis.call('HMGET', key, 'status', 'token', 'index', 'worker', 'entry', 'params')
  if t[1] ~= 'active' then return 'stale' end
  if t[2] ~= token then return 'fenced' end
  local idx = t[3]
  local status = f[6]
  if cancelled then status = 'cancelled' end
  redis.call('HSET', key, 'status', status, 'token', '', 'finishedAt', now, 'durationMs', f[1],
    'metrics', f[2], 'folds', f[3], 'timings', f[4], 'artifact', f[5], 'error', '', 'detail', f[9])
  if status == 'completed' and f[7] ~= '' then redis.call('ZADD', bestKey, f[7], f[8]) end
  redis.call('HINCRBY', sweepKey, 'active', -1)
  redis.call('HINCRBY', sweepKey, status, 1)
  redis.call('ZREM', openKey, idx)
  local fields = finishedFieldsOf(t[5], t[6], t[4], nil)
  if not cancelled then fields = fields .. ',"d":' .. f[1] .. ',"m":' .. f[2] .. ',"f":' .. f[3] end
  logEvent(logKey, idx, status, now, fields)
  if status == 'completed' and f[10] ~= '' then redis.call('HSET', cacheKey, f[10], f[11]) end
  if cancelled then return 'cancelled' end
  return 'ok'
end
