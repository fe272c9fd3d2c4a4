--!include finish
-- Claims several trials of one block job at once (issue 13 item 4), each exactly as claim-4.lua would:
-- its own fresh fencing token, refused when finished, moved (retries differ) or missing, and ended
-- as cancelled when the sweep is. One round trip instead of one per trial.
-- KEYS: sweep, log, open. ARGV: trial key prefix (`<prefix>:sweep:<id>:trial:`), worker, now, expected
--   retries ('' = any), then one (index, token) pair per trial.
-- → per trial, in order, 7 entries: 'ok', name, model, params, seed, entry, cancelEpoch | a refusal
--   ('missing', a terminal status, 'moved', 'cancelled') followed by 6 empty strings.
local out = {}
local epoch = redis.call('HGET', KEYS[1], 'cancelEpoch') or '0'
local cancelled = redis.call('HGET', KEYS[1], 'cancelledFlag') == '1'
local startedAt = false
for a = 5, #ARGV, 2 do
  local key = ARGV[1] .. ARGV[a]
  local token = ARGV[a + 1]
  local result = nil
  local st = redis.call('HGET', key, 'status')
  if not st then
    result = 'missing'
  elseif st ~= 'queued' and st ~= 'active' then
    result = st
  elseif ARGV[4] ~= '' and tonumber(redis.call('HGET', key, 'retries') or '0') ~= tonumber(ARGV[4]) then
    result = 'moved'
  elseif cancelled then
    cancelAtClaim(key, KEYS[1], KEYS[2], KEYS[3], redis.call('HGET', key, 'index'), st, ARGV[3])
    result = 'cancelled'
  end
  if result ~= nil then
    for _, v in ipairs({result, '', '', '', '', '', ''}) do out[#out + 1] = v end
  else
    if st == 'queued' then redis.call('HINCRBY', KEYS[1], 'active', 1) end
    redis.call('HSET', key, 'status', 'active', 'token', token, 'worker', ARGV[2], 'startedAt', ARGV[3])
    redis.call('HINCRBY', key, 'attempt', 1)
    startedAt = true
    logEvent(KEYS[2], redis.call('HGET', key, 'index'), 'active', ARGV[3], ',"w":' .. cjson.encode(ARGV[2]))
    local def = redis.call('HMGET', key, 'name', 'model', 'params', 'seed', 'entry')
    for _, v in ipairs({'ok', def[1] or '', def[2] or '', def[3] or '{}', def[4] or '0', def[5] or '0', epoch}) do out[#out + 1] = v end
  end
end
if startedAt then redis.call('HSETNX', KEYS[1], 'startedAt', ARGV[3]) end
return out
