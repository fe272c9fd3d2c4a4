--!include finish
--!include claim-trial
-- Claims several trials of one block job at once (issue 13 item 4), each exactly as claim-4.lua would:
-- its own fresh fencing token, refused when finished, moved (retries differ) or missing, and ended
-- as cancelled when the sweep is. One round trip instead of one per trial.
-- KEYS: sweep, log, open. ARGV: trial key prefix (`<prefix>:sweep:<id>:trial:`), worker, now, expected
--   retries ('' = any), then one (index, token) pair per trial.
-- → per trial, in order, 7 entries: 'ok', name, model, params, seed, entry, cancelEpoch | a refusal
--   ('missing', a terminal status, 'moved', 'cancelled') followed by 6 empty strings.
local out = {}
local epoch = redis.call('HGET', KEYS[1], 'cancelEpoch') or '0'
local cancelled = redis.call('HGET', KEYS[1], 'cancelledFlag') == '1'
local startedAt = false
for a = 5, #ARGV, 2 do
  local refused, def = claimTrial(ARGV[1] .. ARGV[a], KEYS[1], KEYS[2], KEYS[3], ARGV[a + 1], ARGV[2], ARGV[3], ARGV[4], cancelled)
  if refused then
    for _, v in ipairs({refused, '', '', '', '', '', ''}) do out[#out + 1] = v end
  else
    startedAt = true
    for _, v in ipairs({'ok', def[1] or '', def[2] or '', def[3] or '{}', def[4] or '0', def[5] or '0', epoch}) do out[#out + 1] = v end
  end
end
if startedAt then redis.call('HSETNX', KEYS[1], 'startedAt', ARGV[3]) end
return out
