--!include finish
-- Flags a sweep cancelled and counts its trials not created yet as cancelled (they never will be, while
-- the flag is set: create-trials refuses a cancelled sweep). `retry` undoes this (resume-remainder).
-- KEYS: sweep. ARGV: now. → the number of uncreated trials cancelled.
redis.call('HSET', KEYS[1], 'cancelledFlag', 1)
local v = redis.call('HMGET', KEYS[1], 'total', 'created', 'uncreatedCancelled')
local rest = tonumber(v[1] or '0') - tonumber(v[2] or '0') - tonumber(v[3] or '0')
if rest > 0 then
  redis.call('HINCRBY', KEYS[1], 'cancelled', rest)
  redis.call('HINCRBY', KEYS[1], 'uncreatedCancelled', rest)
end
maybeFinish(KEYS[1], ARGV[1])
if rest < 0 then return 0 end
return rest
