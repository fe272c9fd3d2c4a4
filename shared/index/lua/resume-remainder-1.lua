-- Clears a sweep's cancelled flag and un-cancels its uncreated trials (undoes cancel-remainder), so
-- the feeder creates them again. KEYS: sweep. → the number of uncreated trials resumed.
local rest = tonumber(redis.call('HGET', KEYS[1], 'uncreatedCancelled') or '0')
redis.call('HSET', KEYS[1], 'cancelledFlag', 0, 'uncreatedCancelled', 0)
if rest > 0 then
  redis.call('HINCRBY', KEYS[1], 'cancelled', -rest)
  redis.call('HSET', KEYS[1], 'finishedAt', '')
end
return rest
