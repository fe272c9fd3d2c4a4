-- Records one part's result of a split trial. Fenced twice: the trial must still be active under the
-- flow's token (not committed, cancelled, failed or taken over by a later job), and the part's run must
-- hold the part's current token (a run superseded after its worker was thought dead is refused).
-- KEYS: trial, folds. ARGV: flow token, part, part token, result JSON.
-- → 'ok' | 'fenced' | 'stale' | 'done'.
local v = redis.call('HMGET', KEYS[1], 'status', 'token')
if v[1] ~= 'active' then return 'stale' end
if v[2] ~= ARGV[1] then return 'fenced' end
local field = ARGV[1] .. ':' .. ARGV[2]
if redis.call('HGET', KEYS[2], field .. ':token') ~= ARGV[3] then return 'fenced' end
if redis.call('HEXISTS', KEYS[2], field .. ':result') == 1 then return 'done' end
redis.call('HSET', KEYS[2], field .. ':result', ARGV[4])
-- Progress shown with the trial (`split.done` of its record) while its parts run.
redis.call('HINCRBY', KEYS[1], 'splitDone', 1)
return 'ok'
