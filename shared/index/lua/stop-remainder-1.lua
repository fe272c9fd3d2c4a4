--!include finish
--!include uncreated
-- Stops a sweep by one of its stop rules (issue 11: max_duration_s, target, patience): records why,
-- and counts its trials not created yet as cancelled, as cancel-remainder does, but without the
-- cancelled flag, so running trials finish and commit normally. create-trials refuses a stopped
-- sweep; the created queued trials are cancelled by cancel-queued afterwards. The first reason wins.
-- KEYS: sweep. ARGV: now, reason. → uncreated trials cancelled (-1 when already stopped or cancelled).
local v = redis.call('HMGET', KEYS[1], 'stopReason', 'cancelledFlag')
if (v[1] and v[1] ~= '') or v[2] == '1' then return -1 end
redis.call('HSET', KEYS[1], 'stopReason', ARGV[2], 'stoppedAt', ARGV[1])
local rest = cancelUncreated(KEYS[1])
maybeFinish(KEYS[1], ARGV[1])
return rest
