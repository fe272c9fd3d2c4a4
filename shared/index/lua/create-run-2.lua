-- Creates a run of an external sweep (a run created through the MLflow API) as the sweep's next trial,
-- active from its start time. External sweeps have no segments, feed cursor or open set: no worker or
-- reconciler ever sees their trials.
-- KEYS: sweep, log. ARGV: trial key prefix, sweep id, start time (ms), then field/value pairs for the
--   trial hash (name, tags, …).
-- → the trial index, or -1 when the sweep is not an external sweep.
if redis.call('HGET', KEYS[1], 'kind') ~= 'external' then return -1 end
local index = tonumber(redis.call('HGET', KEYS[1], 'created') or '0')
local key = ARGV[1] .. index
redis.call('HSET', key, 'id', ARGV[2] .. '-t' .. index, 'index', index, 'model', '', 'entry', 0, 'segment', -1,
  'seed', 0, 'params', '{}', 'status', 'active', 'attempt', 1, 'retries', 0, 'startedAt', ARGV[3], 'rev', 0)
for a = 4, #ARGV, 2 do redis.call('HSET', key, ARGV[a], ARGV[a + 1]) end
redis.call('HINCRBY', KEYS[1], 'created', 1)
redis.call('HINCRBY', KEYS[1], 'total', 1)
redis.call('HINCRBY', KEYS[1], 'active', 1)
redis.call('HSET', KEYS[1], 'finishedAt', '')
redis.call('HSETNX', KEYS[1], 'startedAt', ARGV[3])
redis.call('RPUSH', KEYS[2], '{"i":' .. index .. ',"s":"active","t":' .. ARGV[3] .. '}')
return index
