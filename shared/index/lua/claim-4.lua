--!include finish
-- Claims a trial for a new attempt with a fresh fencing token.
-- KEYS: trial, sweep, log, open. ARGV: token, worker, now, expected retries ('' = any: a block job
--   passes 0, so it never claims a trial moved to a job of its own).
-- → {'ok', name, model, params, seed, entry, cancelEpoch} (the trial's definition: jobs carry only its
--   id; the epoch tells a later cancel message from one sent before this attempt) |
--   {'missing'} | {terminal status} | {'moved'} (retries differ from the expected ones).
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {'missing'} end
if st ~= 'queued' and st ~= 'active' then return {st} end
if ARGV[4] ~= nil and ARGV[4] ~= '' and tonumber(redis.call('HGET', KEYS[1], 'retries') or '0') ~= tonumber(ARGV[4]) then
  return {'moved'}
end
local idx = redis.call('HGET', KEYS[1], 'index')
if redis.call('HGET', KEYS[2], 'cancelledFlag') == '1' then
  cancelAtClaim(KEYS[1], KEYS[2], KEYS[3], KEYS[4], idx, st, ARGV[3])
  return {'cancelled'}
end
if st == 'queued' then redis.call('HINCRBY', KEYS[2], 'active', 1) end
redis.call('HSET', KEYS[1], 'status', 'active', 'token', ARGV[1], 'worker', ARGV[2], 'startedAt', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'attempt', 1)
redis.call('HSETNX', KEYS[2], 'startedAt', ARGV[3])
logEvent(KEYS[3], idx, 'active', ARGV[3], ',"w":' .. cjson.encode(ARGV[2]))
local def = redis.call('HMGET', KEYS[1], 'name', 'model', 'params', 'seed', 'entry')
return {'ok', def[1], def[2], def[3], def[4], def[5], redis.call('HGET', KEYS[2], 'cancelEpoch') or '0'}
