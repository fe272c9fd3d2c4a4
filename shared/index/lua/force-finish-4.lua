--!include finish
-- Ends a trial without a token, for jobs BullMQ itself gave up on (stalled more than
-- SWEEPQ_MAX_STALLED_COUNT times: its workers died) when no live worker holds the trial. Applies only
-- while the trial is still queued or active under the same job (its `retries` number), so a late event
-- never touches a retried or finished trial.
-- KEYS: trial, sweep, log, open. ARGV: retries of the failed job, now, status ('failed' | 'quarantined'), error.
-- → 'ok' | 'stale'.
local v = redis.call('HMGET', KEYS[1], 'status', 'retries', 'index')
local st = v[1]
if st ~= 'active' and st ~= 'queued' then return 'stale' end
if tonumber(v[2] or '0') ~= tonumber(ARGV[1]) then return 'stale' end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'token', '', 'finishedAt', ARGV[2], 'error', ARGV[4])
if st == 'active' then redis.call('HINCRBY', KEYS[2], 'active', -1) end
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
redis.call('ZREM', KEYS[4], v[3])
logEvent(KEYS[3], v[3], ARGV[3], ARGV[2], finishedFields(KEYS[1], nil, ARGV[4]))
maybeFinish(KEYS[2], ARGV[2])
return 'ok'
