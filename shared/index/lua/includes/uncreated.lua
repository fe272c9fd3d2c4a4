-- Shared by cancel-remainder and stop-remainder (included at load time, see index-scripts.ts).

-- Counts a sweep's trials not created yet as cancelled (create-trials refuses the sweep from now on);
-- returns how many. `uncreatedCancelled` lets resume-remainder undo it.
local function cancelUncreated(sweepKey)
  local v = redis.call('HMGET', sweepKey, 'total', 'created', 'uncreatedCancelled')
  local rest = tonumber(v[1] or '0') - tonumber(v[2] or '0') - tonumber(v[3] or '0')
  if rest <= 0 then return 0 end
  redis.call('HINCRBY', sweepKey, 'cancelled', rest)
  redis.call('HINCRBY', sweepKey, 'uncreatedCancelled', rest)
  return rest
end
