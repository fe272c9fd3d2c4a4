-- Appends the segments of planned trials of a submit or an extension (its explicit trials, its search)
-- to a sweep, atomically with their sizes: the sweep's `total` grows and each segment records where it
-- starts, so concurrent extensions get disjoint index ranges and a refused one leaves nothing behind
-- (no reserved-but-unwritten indices for the feeder to wait on).
-- KEYS: sweep, segments list, feeding set, unfinished set.
-- ARGV: max total, sweep id, then per segment: its JSON object without `start`, its size.
-- → {'ok', first index} | {'cancelled'} | {'limit', current total}.
if redis.call('HGET', KEYS[1], 'cancelledFlag') == '1' then return {'cancelled'} end
local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '0')
local added = 0
for a = 3, #ARGV, 2 do added = added + tonumber(ARGV[a + 1]) end
if total + added > tonumber(ARGV[1]) then return {'limit', total} end
local start = total
for a = 3, #ARGV, 2 do
  redis.call('RPUSH', KEYS[2], '{"start":' .. start .. ',' .. string.sub(ARGV[a], 2))
  start = start + tonumber(ARGV[a + 1])
end
redis.call('HSET', KEYS[1], 'total', start, 'finishedAt', '')
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[2])
return {'ok', total}
