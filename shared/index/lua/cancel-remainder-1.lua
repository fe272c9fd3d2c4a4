--!include finish
--!include uncreated
-- Flags a sweep cancelled, bumps its cancel epoch, and counts its trials not created yet as cancelled
-- (they never will be while the flag is set: create-trials refuses a cancelled sweep). `retry` undoes
-- this (resume-remainder). KEYS: sweep. ARGV: now.
-- → {uncreated trials cancelled, cancel epoch}.
redis.call('HSET', KEYS[1], 'cancelledFlag', 1)
local epoch = redis.call('HINCRBY', KEYS[1], 'cancelEpoch', 1)
local rest = cancelUncreated(KEYS[1])
maybeFinish(KEYS[1], ARGV[1])
return {rest, epoch}
