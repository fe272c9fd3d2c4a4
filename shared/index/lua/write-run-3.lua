-- Writes a run's data in one step, if nobody wrote it since the caller read it (compare-and-set on the
-- trial's `rev`, which only these writes move): hash fields, metric history points, a status move with
-- the sweep's counters (external sweeps only: a sweep's own trials move only through the fenced
-- transitions), and one completion-log event. The caller builds every JSON text: JavaScript keeps all
-- 17 digits of a double, Lua's cjson would round them to 14.
-- KEYS: trial, sweep, log.
-- ARGV: expected rev, from status ('' = no move), to status, now (ms), event JSON ('' = none),
--   n, then n field/value pairs, m, then m history-list-key/point pairs.
-- → 'ok' | 'conflict' | 'missing' | 'not-external'.
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if (redis.call('HGET', KEYS[1], 'rev') or '0') ~= ARGV[1] then return 'conflict' end
local moves = ARGV[2] ~= '' and ARGV[2] ~= ARGV[3]
if moves and redis.call('HGET', KEYS[2], 'kind') ~= 'external' then return 'not-external' end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
local a = 7
for _ = 1, tonumber(ARGV[6]) do
  redis.call('HSET', KEYS[1], ARGV[a], ARGV[a + 1])
  a = a + 2
end
local m = tonumber(ARGV[a])
a = a + 1
for _ = 1, m do
  redis.call('RPUSH', ARGV[a], ARGV[a + 1])
  a = a + 2
end
if moves then
  redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
  -- An external sweep is finished while none of its runs is active; a new or resumed run reopens it.
  if tonumber(redis.call('HGET', KEYS[2], 'active') or '0') == 0 then
    redis.call('HSET', KEYS[2], 'finishedAt', ARGV[4])
  else
    redis.call('HSET', KEYS[2], 'finishedAt', '')
  end
end
if ARGV[5] ~= '' then redis.call('RPUSH', KEYS[3], ARGV[5]) end
return 'ok'
