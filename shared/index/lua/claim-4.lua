--!include finish
--!include claim-trial
-- Claims a trial for a new attempt with a fresh fencing token.
-- KEYS: trial, sweep, log, open. ARGV: token, worker, now, expected retries ('' = any: a block job
--   passes 0, so it never claims a trial moved to a job of its own).
-- → {'ok', name, model, params, seed, entry, cancelEpoch} (the trial's definition: jobs carry only its
--   id; the epoch tells a later cancel message from one sent before this attempt) |
--   {'missing'} | {terminal status} | {'moved'} (retries differ from the expected ones).
local cancelled = redis.call('HGET', KEYS[2], 'cancelledFlag') == '1'
local refused, def = claimTrial(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], cancelled)
if refused then return {refused} end
redis.call('HSETNX', KEYS[2], 'startedAt', ARGV[3])
return {'ok', def[1], def[2], def[3], def[4], def[5], redis.call('HGET', KEYS[2], 'cancelEpoch') or '0'}
