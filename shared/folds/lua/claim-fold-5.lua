--!include finish
-- Claims one part (a CV fold or the final fit) of a trial split into fold jobs. The split attempt's
-- token is the flow's (derived from its parent job id); the first part to start moves the trial from
-- queued to active under it, every other part finds it active under the same token. Each part run gets
-- its own fencing token in the fold hash: a re-run of a part (its worker died) supersedes the old run,
-- whose late result record-fold then refuses.
-- KEYS: trial, sweep, log, open, folds.
-- ARGV: flow token, part ('f<k>' | 'fit'), part token, worker, now, retries of the flow's job, parts in the flow.
-- → {'ok', name, model, params, seed, entry, cancelEpoch} | {'missing'} | {'fenced'} | {'done'} |
--   {terminal status}.
local v = redis.call('HMGET', KEYS[1], 'status', 'retries', 'index', 'token')
local st = v[1]
if not st then return {'missing'} end
if st ~= 'queued' and st ~= 'active' then return {st} end
-- A flow of an earlier job of this trial (before a retry or a reconciler repair) never runs it again.
if tonumber(v[2] or '0') ~= tonumber(ARGV[6]) then return {'fenced'} end
if st == 'active' and v[4] ~= ARGV[1] then return {'fenced'} end
local idx = v[3]
if redis.call('HGET', KEYS[2], 'cancelledFlag') == '1' then
  cancelAtClaim(KEYS[1], KEYS[2], KEYS[3], KEYS[4], idx, st, ARGV[5])
  return {'cancelled'}
end
if st == 'queued' then
  redis.call('HINCRBY', KEYS[2], 'active', 1)
  redis.call('HSET', KEYS[1], 'status', 'active', 'token', ARGV[1], 'worker', ARGV[4], 'startedAt', ARGV[5], 'split', '1',
    'splitParts', ARGV[7], 'splitDone', '0')
  redis.call('HINCRBY', KEYS[1], 'attempt', 1)
  redis.call('HSETNX', KEYS[2], 'startedAt', ARGV[5])
  logEvent(KEYS[3], idx, 'active', ARGV[5], ',"w":' .. cjson.encode(ARGV[4]))
end
if redis.call('HEXISTS', KEYS[5], ARGV[1] .. ':' .. ARGV[2] .. ':result') == 1 then return {'done'} end
redis.call('HSET', KEYS[5], ARGV[1] .. ':' .. ARGV[2] .. ':token', ARGV[3], ARGV[1] .. ':' .. ARGV[2] .. ':worker', ARGV[4])
local def = redis.call('HMGET', KEYS[1], 'name', 'model', 'params', 'seed', 'entry')
return {'ok', def[1], def[2], def[3], def[4], def[5], redis.call('HGET', KEYS[2], 'cancelEpoch') or '0'}
