-- Moves failed, cancelled and quarantined trials with index in [start, end) back to queued and bumps
-- their `retries` (the retry's job id suffix). KEYS: sweep, log, open. ARGV: trial key prefix, start, end, now.
-- → flat list [index, retries, index, retries, ...].
local out = {}
local moved = {}
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) - 1 do
  local key = ARGV[1] .. i
  local st = redis.call('HGET', key, 'status')
  if st == 'failed' or st == 'cancelled' or st == 'quarantined' then
    moved[st] = (moved[st] or 0) + 1
    redis.call('HSET', key, 'status', 'queued', 'error', '', 'finishedAt', '', 'token', '', 'crashes', 0)
    -- The ended attempt's detail (a program run's record) is not the retry's.
    redis.call('HDEL', key, 'detail')
    local retries = redis.call('HINCRBY', key, 'retries', 1)
    redis.call('ZADD', KEYS[3], i, i)
    redis.call('RPUSH', KEYS[2], '{"i":' .. i .. ',"s":"queued","t":' .. ARGV[4] .. '}')
    out[#out + 1] = i
    out[#out + 1] = retries
  end
end
for st, n in pairs(moved) do redis.call('HINCRBY', KEYS[1], st, -n) end
if #out > 0 then
  redis.call('HSET', KEYS[1], 'finishedAt', '')
  redis.call('SADD', string.match(KEYS[1], '^(.*):sweep:[^:]+$') .. ':unfinished', redis.call('HGET', KEYS[1], 'id'))
end
return out
