-- Gives a queued trial a new job identity (its `retries` number, the job id suffix), so a repair can
-- enqueue it even where BullMQ still holds a finished job under the old id. Guarded by the number the
-- caller saw, so two repairers never both re-enqueue one trial.
-- KEYS: trial. ARGV: expected retries. → the new retries number, or -1 when the trial moved on.
local v = redis.call('HMGET', KEYS[1], 'status', 'retries')
if v[1] ~= 'queued' or tonumber(v[2] or '0') ~= tonumber(ARGV[1]) then return -1 end
return redis.call('HINCRBY', KEYS[1], 'retries', 1)
