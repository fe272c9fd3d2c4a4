--!include finish
-- Ends an active attempt without a result: failed (an error), cancelled (its sweep was cancelled) or
-- quarantined (it crashed its training repeatedly). Fenced by the attempt token, like the commit, so the
-- structured detail stored beside the error (a program run's record, issue 14) is the attempt's own.
-- KEYS: trial, sweep, log, open. ARGV: token, now, status, error message ('' = none), detail JSON
-- ('' = none: an earlier attempt's detail is removed, never shown as this one's).
-- → 'ok' | 'fenced' | 'stale'.
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'active' then return 'stale' end
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 'fenced' end
local status = ARGV[3]
local idx = redis.call('HGET', KEYS[1], 'index')
redis.call('HSET', KEYS[1], 'status', status, 'token', '', 'finishedAt', ARGV[2], 'error', ARGV[4])
if ARGV[5] == nil or ARGV[5] == '' then redis.call('HDEL', KEYS[1], 'detail') else redis.call('HSET', KEYS[1], 'detail', ARGV[5]) end
redis.call('HINCRBY', KEYS[2], 'active', -1)
redis.call('HINCRBY', KEYS[2], status, 1)
redis.call('ZREM', KEYS[4], idx)
logEvent(KEYS[3], idx, status, ARGV[2], finishedFields(KEYS[1], redis.call('HGET', KEYS[1], 'worker'), ARGV[4]))
maybeFinish(KEYS[2], ARGV[2])
return 'ok'
