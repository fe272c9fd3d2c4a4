-- Moves a sweep's feed cursor from `expected` to `next` if nobody moved it meanwhile (compare and set),
-- so concurrent feeders never skip a range. KEYS: sweep. ARGV: expected, next. → 1 moved, 0 not.
if tonumber(redis.call('HGET', KEYS[1], 'fed') or '0') ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'fed', ARGV[2])
return 1
