-- Assigns an MLflow experiment id to an experiment name, once: ids are never changed or reused, so a
-- client that stored one keeps finding the same experiment.
-- KEYS: ids (name → id), names (id → name), created (id → ms), seq (last id handed out).
-- ARGV: name, creation time (ms) recorded with a new id.
-- → the id (a decimal string; 0 is MLflow's `Default` and never handed out here).
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id then return id end
id = tostring(redis.call('INCR', KEYS[4]))
redis.call('HSET', KEYS[1], ARGV[1], id)
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('HSET', KEYS[3], id, ARGV[2])
return id
