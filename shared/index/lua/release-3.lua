-- Hands an active trial back to the queue (graceful shutdown, transient error). Fenced.
-- KEYS: trial, sweep, log. ARGV: token, now. → 'ok' | 'fenced' | 'stale'.
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'active' then return 'stale' end
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 'fenced' end
redis.call('HSET', KEYS[1], 'status', 'queued', 'token', '')
redis.call('HINCRBY', KEYS[2], 'active', -1)
redis.call('RPUSH', KEYS[3], '{"i":' .. redis.call('HGET', KEYS[1], 'index') .. ',"s":"queued","t":' .. ARGV[2] .. '}')
return 'ok'
