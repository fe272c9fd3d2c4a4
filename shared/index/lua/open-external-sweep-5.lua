-- The experiment's external sweep: the sweep record that holds the runs created through the MLflow API
-- (one per experiment, made on first use). Compare-and-set on the experiment name, so concurrent first
-- runs agree on one sweep.
-- KEYS: external sweeps (name → id), sweeps (zset), experiments (zset), the experiment's sweeps (zset),
--   the candidate sweep hash.
-- ARGV: experiment name, candidate sweep id, now (ms), metric registry JSON, description.
-- → the external sweep's id (the candidate's when it was created now).
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id then return id end
redis.call('HSET', KEYS[5], 'id', ARGV[2], 'kind', 'external', 'name', ARGV[1], 'description', ARGV[5],
  'createdAt', ARGV[3], 'objectiveMetric', '', 'objectiveGoal', 'maximize', 'metrics', ARGV[4], 'seed', 0,
  'total', 0, 'created', 0, 'fed', 0, 'active', 0, 'completed', 0, 'failed', 0, 'cancelled', 0, 'pruned', 0,
  'quarantined', 0, 'cancelledFlag', 0, 'uncreatedCancelled', 0, 'finishedAt', '')
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ARGV[2]
