-- Shared by the transition scripts (included at load time, see index-scripts.ts).

-- Statuses that end a trial; a sweep is finished when they add up to its total.
local function doneCount(sweepKey)
  local v = redis.call('HMGET', sweepKey, 'completed', 'failed', 'cancelled', 'pruned', 'quarantined')
  return tonumber(v[1] or '0') + tonumber(v[2] or '0') + tonumber(v[3] or '0') + tonumber(v[4] or '0') + tonumber(v[5] or '0')
end

-- The set of unfinished sweeps (the reconciler walks it), derived from a sweep key `<prefix>:sweep:<id>`:
-- like the chunked scripts' trial keys, this assumes one Redis (no cluster hash slots).
local function unfinishedKey(sweepKey)
  return string.match(sweepKey, '^(.*):sweep:[^:]+$') .. ':unfinished'
end

-- Marks the sweep finished when every planned trial reached a terminal state.
local function maybeFinish(sweepKey, now)
  local v = redis.call('HMGET', sweepKey, 'total', 'finishedAt', 'id')
  if doneCount(sweepKey) >= tonumber(v[1] or '0') and (v[2] == false or v[2] == '') then
    redis.call('HSET', sweepKey, 'finishedAt', now)
    redis.call('SREM', unfinishedKey(sweepKey), v[3])
  end
end

-- Appends one event to the sweep's completion log (a Redis list of JSON objects). `extra` is a
-- JSON fragment of further fields (starting with a comma) or ''.
local function logEvent(logKey, index, status, now, extra)
  redis.call('RPUSH', logKey, '{"i":' .. index .. ',"s":"' .. status .. '","t":' .. now .. extra .. '}')
end

-- The JSON fragment describing a finished trial: its definition (entry, params), so samplers and the
-- read model never re-read trial hashes. Worker and error are strings, escaped by cjson. For a caller
-- that has read entry and params already (a commit reads them with the status and token).
local function finishedFieldsOf(entry, params, worker, errorText)
  local out = ',"e":' .. (entry or '0') .. ',"p":' .. (params or '{}')
  if worker ~= nil and worker ~= false and worker ~= '' then out = out .. ',"w":' .. cjson.encode(worker) end
  if errorText ~= nil and errorText ~= '' then out = out .. ',"x":' .. cjson.encode(errorText) end
  return out
end

-- The same fragment, read from the trial's hash.
local function finishedFields(trialKey, worker, errorText)
  local v = redis.call('HMGET', trialKey, 'entry', 'params')
  return finishedFieldsOf(v[1], v[2], worker, errorText)
end

-- A claim (of a trial, or of a part of a split trial) that finds its sweep cancelled ends the trial
-- there, queued or active: cancelled, out of the open set, logged; the sweep may finish with it.
local function cancelAtClaim(trialKey, sweepKey, logKey, openKey, index, status, now)
  redis.call('HSET', trialKey, 'status', 'cancelled', 'finishedAt', now, 'token', '')
  if status == 'active' then redis.call('HINCRBY', sweepKey, 'active', -1) end
  redis.call('HINCRBY', sweepKey, 'cancelled', 1)
  redis.call('ZREM', openKey, index)
  logEvent(logKey, index, 'cancelled', now, finishedFields(trialKey, nil, nil))
  maybeFinish(sweepKey, now)
end
