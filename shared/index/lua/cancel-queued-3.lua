--!include finish
-- Cancels the created, queued trials with index in [start, end).
-- KEYS: sweep, log, open. ARGV: trial key prefix, now, start, end. → number cancelled.
local count = 0
for i = tonumber(ARGV[3]), tonumber(ARGV[4]) - 1 do
  local key = ARGV[1] .. i
  if redis.call('HGET', key, 'status') == 'queued' then
    redis.call('HSET', key, 'status', 'cancelled', 'finishedAt', ARGV[2])
    redis.call('ZREM', KEYS[3], i)
    logEvent(KEYS[2], i, 'cancelled', ARGV[2], finishedFields(key, nil, nil))
    count = count + 1
  end
end
if count > 0 then redis.call('HINCRBY', KEYS[1], 'cancelled', count) end
maybeFinish(KEYS[1], ARGV[2])
return count
