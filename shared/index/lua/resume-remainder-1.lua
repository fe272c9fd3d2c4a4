-- Resumes a cancelled sweep after `retry` re-queued trials (or when uncreated trials were cancelled):
-- clears the cancelled flag and un-cancels the uncreated remainder, so the feeder creates those trials
-- again. A retry that brings nothing back leaves a cancelled sweep cancelled.
-- KEYS: sweep. ARGV: trials re-queued by this retry. → the number of uncreated trials resumed.
local rest = tonumber(redis.call('HGET', KEYS[1], 'uncreatedCancelled') or '0')
if rest == 0 and tonumber(ARGV[1]) == 0 then return 0 end
-- A sweep its stop rule ended resumes too (the rule is checked again as trials finish).
redis.call('HSET', KEYS[1], 'cancelledFlag', 0, 'uncreatedCancelled', 0, 'stopReason', '')
if rest > 0 then
  redis.call('HINCRBY', KEYS[1], 'cancelled', -rest)
  redis.call('HSET', KEYS[1], 'finishedAt', '')
  redis.call('SADD', string.match(KEYS[1], '^(.*):sweep:[^:]+$') .. ':unfinished', redis.call('HGET', KEYS[1], 'id'))
end
return rest
