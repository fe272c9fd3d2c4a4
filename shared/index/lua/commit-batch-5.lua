--!include finish
--!include commit-trial
-- Commits several finished trials of one block job at once (issue 13 item 4), each exactly as
-- commit-6.lua would and fenced by its own token: a stale or superseded one is refused alone, the
-- others commit. A result of a cancelled sweep is recorded as cancelled. One round trip per group.
-- KEYS: sweep, log, best (objective leaderboard), open, result cache.
-- ARGV: trial key prefix, now, then 13 fields per trial: index, token, durationMs, metricsJSON,
--   foldsJSON, timingsJSON, artifactKey, status ('completed' | 'pruned'), rank score ('' = none),
--   leaderboard member, detailJSON, result-cache field ('' = none), entry JSON.
-- → per trial, in order: 'ok' | 'cancelled' | 'fenced' | 'stale'.
local out = {}
local cancelled = redis.call('HGET', KEYS[1], 'cancelledFlag') == '1'
local now = ARGV[2]
for a = 3, #ARGV, 13 do
  out[#out + 1] = commitTrial(ARGV[1] .. ARGV[a], KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], cancelled, now, ARGV[a + 1],
    {ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8], ARGV[a + 9], ARGV[a + 10], ARGV[a + 11], ARGV[a + 12]})
end
maybeFinish(KEYS[1], now)
return out
