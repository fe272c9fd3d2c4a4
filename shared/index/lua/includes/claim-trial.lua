-- One trial's claim, shared by claim-4.lua and claim-batch-3.lua (included at load time).

-- Claims the trial at `key` for a new attempt holding `token`, unless it is missing, finished, moved
-- to a job of its own (its retries differ from `expectedRetries`; '' = any) or its sweep is cancelled
-- (then it ends as cancelled). Keys: sweep, log, open.
-- → the refusal ('missing', a terminal status, 'moved', 'cancelled'), or nil and the trial's
--   definition {name, model, params, seed, entry}.
local function claimTrial(key, sweepKey, logKey, openKey, token, worker, now, expectedRetries, cancelled)
  local st = redis.call('HGET', key, 'status')
  if not st then return 'missing' end
  if st ~= 'queued' and st ~= 'active' then return st end
  if expectedRetries ~= nil and expectedRetries ~= '' and tonumber(redis.call('HGET', key, 'retries') or '0') ~= tonumber(expectedRetries) then
    return 'moved'
  end
  local idx = redis.call('HGET', key, 'index')
  if cancelled then
    cancelAtClaim(key, sweepKey, logKey, openKey, idx, st, now)
    return 'cancelled'
  end
  if st == 'queued' then redis.call('HINCRBY', sweepKey, 'active', 1) end
  redis.call('HSET', key, 'status', 'active', 'token', token, 'worker', worker, 'startedAt', now)
  redis.call('HINCRBY', key, 'attempt', 1)
  logEvent(logKey, idx, 'active', now, ',"w":' .. cjson.encode(worker))
  return nil, redis.call('HMGET', key, 'name', 'model', 'params', 'seed', 'entry')
end
