-- Returns an active trial whose attempt is gone (no live worker holds it and its job is no longer
-- active in the queue) to queued, without a token: the reconciler's repair of a trial stranded by a
-- job the queue abandoned. Guarded by the attempt's retries number; bumps it so the repair's job gets
-- a fresh id. KEYS: trial, sweep, log. ARGV: expected retries, now. → new retries, or -1.
local v = redis.call('HMGET', KEYS[1], 'status', 'retries', 'index')
if v[1] ~= 'active' or tonumber(v[2] or '0') ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], 'status', 'queued', 'token', '')
redis.call('HINCRBY', KEYS[2], 'active', -1)
redis.call('RPUSH', KEYS[3], '{"i":' .. v[3] .. ',"s":"queued","t":' .. ARGV[2] .. '}')
return redis.call('HINCRBY', KEYS[1], 'retries', 1)
