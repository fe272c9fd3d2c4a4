-- Creates trials [expected, expected + n) of a sweep, if its `created` cursor is still at `expected`
-- (compare and set: two feeders never both create trial k, which matters when a sampler's proposals
-- depend on the results so far). Names are made unique within the sweep: the first `foo` stays `foo`,
-- later ones become `foo#2`, `foo#3`, … Created trials join the sweep's open set until they finish.
-- KEYS: sweep, names hash, open. ARGV: expected, trial key prefix, sweep id, then 6 fields per trial:
--   name, model, entry, segment, params JSON, seed.
-- → 'ok' | 'moved' (another feeder created them) | 'cancelled' (or stopped by a stop rule).
local v = redis.call('HMGET', KEYS[1], 'created', 'cancelledFlag', 'stopReason')
if v[2] == '1' or (v[3] and v[3] ~= '') then return 'cancelled' end
local index = tonumber(v[1] or '0')
if index ~= tonumber(ARGV[1]) then return 'moved' end
local n = 0
for a = 4, #ARGV, 6 do
  local base = ARGV[a]
  local name = base
  local k = redis.call('HINCRBY', KEYS[2], base, 1)
  while k > 1 do
    name = base .. '#' .. k
    if redis.call('HSETNX', KEYS[2], name, 1) == 1 then break end
    k = redis.call('HINCRBY', KEYS[2], base, 1)
  end
  redis.call('HSET', ARGV[2] .. index, 'id', ARGV[3] .. '-t' .. index, 'index', index, 'name', name, 'model', ARGV[a + 1],
    'entry', ARGV[a + 2], 'segment', ARGV[a + 3], 'params', ARGV[a + 4], 'seed', ARGV[a + 5],
    'status', 'queued', 'attempt', 0, 'retries', 0)
  redis.call('ZADD', KEYS[3], index, index)
  index = index + 1
  n = n + 1
end
redis.call('HINCRBY', KEYS[1], 'created', n)
return 'ok'
