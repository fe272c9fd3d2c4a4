--!include finish
-- Flags a sweep cancelled, bumps its cancel epoch, and counts its trials not created yet as cancelled
-- (they never will be while the flag is set: create-trials refuses a cancelled sweep). `retry` undoes
-- this (resume-remainder). KEYS: sweep. ARGV: now.
-- → {uncreated trials cancelled, cancel epoch}.
redis.call('HSET', KEYS[1], 'cancelledFlag', 1)
local epoch = redis.call('HINCRBY', KEYS[1], 'cancelEpoch', 1)
local v = redis.call('HMGET', KEYS[1], 'total', 'created', 'uncreatedCancelled')
local rest = tonumber(v[1] or '0') - tonumber(v[2] or '0') - tonumber(v[3] or '0')
if rest > 0 then
  redis.call('HINCRBY', KEYS[1], 'cancelled', rest)
  redis.call('HINCRBY', KEYS[1], 'uncreatedCancelled', rest)
else
  rest = 0
end
maybeFinish(KEYS[1], ARGV[1])
return {rest, epoch}
