-- One trial's claim, shared by claim-4.lua and claim-batch-3.lua (included at load time).

-- Claims the trial at `key` for a new attempt holding `token`, unless it is missing, finished, moved
-- to a job of its own (its retries differ from `expectedRetries`; '' = any) or its sweep is cancelled
-- (then it ends as cancelled). Keys: sweep, log, open.
-- → the refusal ('missing', a terminal status, 'moved', 'cancelled'), or nil and the trial's
--   definition {name, model, params, seed, entry}.
local function claimTrial(key, sweepKey, logKey, openKey, token, worker, now, expectedRetries, cancelled)
  -- One read for the checks and the definition (four reads were a third of a block trial's claim, issue 13 round 5).
  local t = redis.call('HMGET', key, 'status', 'retries', 'index', 'name', 'model', 'params', 'seed', 'entry')
  local st = t[1]
  if not st then return 'missing' end
  if st ~= 'queued' and st ~= 'active' then return st end
  if expectedRetries ~= nil and expectedRetries ~= '' and tonumber(t[2] or '0') ~= tonumber(expectedRetries) then
    return 'moved'
  end
  local idx = t[3]
  if cancelled then
    cancelAtClaim(key, sweepKey, logKey, openKey, idx, st, now)
    return 'cancelled'
  end
  if st == 'queued' then redis.call('HINCRBY', sweepKey, 'active', 1) end
  redis.call('HSET', key, 'status', 'active', 'token', token, 'worker', worker, 'startedAt', now)
  redis.call('HINCRBY', key, 'attempt', 1)
  logEvent(logKey, idx, 'active', now, ',"w":' .. cjson.encode(worker))
  return nil, {t[4], t[5], t[6], t[7], t[8]}
end
