-- Replaces a sweep's user tags if they are still what the caller read (compare-and-set on the text).
-- KEYS: sweep. ARGV: expected tags JSON ('' = none yet), new tags JSON.
-- → 'ok' | 'conflict' | 'missing'.
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if (redis.call('HGET', KEYS[1], 'tags') or '') ~= ARGV[1] then return 'conflict' end
redis.call('HSET', KEYS[1], 'tags', ARGV[2])
return 'ok'
