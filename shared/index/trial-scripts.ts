/**
 * The atomic state transitions of trials (see the lifecycle in docs/ARCHITECTURE.md). Counters in the
 * sweep hash move only here, in the same script as the trial's status, so they always agree.
 *
 * Fencing: `claim` stores a fresh random token per attempt; `commit`, `fail`, `release` and `abort`
 * succeed only when the caller presents the current token of an active trial. A worker that lost its
 * lock (killed, paused, superseded by a re-run) can therefore neither overwrite nor double-count.
 *
 * The chunked scripts build trial keys from a prefix inside Lua; that is fine on a single Redis (and on
 * Redis with AOF, our deployment) but would need hash tags for Redis Cluster.
 */
import { LuaScript } from './lua-script.js';

/** Marks the sweep finished when every trial reached a terminal state. */
const MAYBE_FINISH = `
local function maybeFinish(sweepKey, now)
  local v = redis.call('HMGET', sweepKey, 'total', 'completed', 'failed', 'cancelled', 'finishedAt')
  local done = tonumber(v[2] or '0') + tonumber(v[3] or '0') + tonumber(v[4] or '0')
  if done >= tonumber(v[1] or '0') and (v[5] == false or v[5] == '') then
    redis.call('HSET', sweepKey, 'finishedAt', now)
  end
end
`;

/**
 * KEYS: trial, sweep. ARGV: token, worker, now.
 * → {'ok', name, model, params, seed} (the trial's definition: jobs carry only its id) |
 *   {'missing'} | {terminal status}.
 */
export const claimTrial = new LuaScript(
  'claim',
  `${MAYBE_FINISH}
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {'missing'} end
if st == 'completed' or st == 'cancelled' or st == 'failed' then return {st} end
if redis.call('HGET', KEYS[2], 'cancelledFlag') == '1' then
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finishedAt', ARGV[3], 'token', '')
  if st == 'active' then redis.call('HINCRBY', KEYS[2], 'active', -1) end
  redis.call('HINCRBY', KEYS[2], 'cancelled', 1)
  maybeFinish(KEYS[2], ARGV[3])
  return {'cancelled'}
end
if st == 'queued' then redis.call('HINCRBY', KEYS[2], 'active', 1) end
redis.call('HSET', KEYS[1], 'status', 'active', 'token', ARGV[1], 'worker', ARGV[2], 'startedAt', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'attempt', 1)
redis.call('HSETNX', KEYS[2], 'startedAt', ARGV[3])
return {'ok', unpack(redis.call('HMGET', KEYS[1], 'name', 'model', 'params', 'seed'))}
`,
);

/**
 * KEYS: trial, sweep, then one leaderboard key per metric.
 * ARGV: token, now, durationMs, metricsJSON, timingsJSON, artifactKey, trialIndex, then one value per
 * metric ('' = no value: not added to that leaderboard), then the metric names in the same order.
 * → 'ok' | 'fenced' | 'stale'.
 */
export const commitTrial = new LuaScript(
  'commit',
  `${MAYBE_FINISH}
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'active' then return 'stale' end
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 'fenced' end
redis.call('HSET', KEYS[1], 'status', 'completed', 'token', '', 'finishedAt', ARGV[2], 'durationMs', ARGV[3],
  'metrics', ARGV[4], 'timings', ARGV[5], 'artifact', ARGV[6], 'error', '')
local n = #KEYS - 2
for i = 1, n do
  local value = ARGV[7 + i]
  if value ~= '' then
    redis.call('HSET', KEYS[1], 'm:' .. ARGV[7 + n + i], value)
    redis.call('ZADD', KEYS[2 + i], value, ARGV[7])
  end
end
redis.call('HINCRBY', KEYS[2], 'active', -1)
redis.call('HINCRBY', KEYS[2], 'completed', 1)
maybeFinish(KEYS[2], ARGV[2])
return 'ok'
`,
);

/** KEYS: trial, sweep. ARGV: token, now, error message. → 'ok' | 'fenced' | 'stale'. */
export const failTrial = new LuaScript(
  'fail',
  `${MAYBE_FINISH}
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'active' then return 'stale' end
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 'fenced' end
redis.call('HSET', KEYS[1], 'status', 'failed', 'token', '', 'finishedAt', ARGV[2], 'error', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'active', -1)
redis.call('HINCRBY', KEYS[2], 'failed', 1)
maybeFinish(KEYS[2], ARGV[2])
return 'ok'
`,
);

/** Hands an active trial back to the queue (graceful shutdown, transient error). KEYS: trial, sweep. ARGV: token. */
export const releaseTrial = new LuaScript(
  'release',
  `
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'active' then return 'stale' end
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 'fenced' end
redis.call('HSET', KEYS[1], 'status', 'queued', 'token', '')
redis.call('HINCRBY', KEYS[2], 'active', -1)
return 'ok'
`,
);

/** Marks a running trial cancelled (its sweep was cancelled). KEYS: trial, sweep. ARGV: token, now. */
export const abortTrial = new LuaScript(
  'abort',
  `${MAYBE_FINISH}
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'active' then return 'stale' end
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 'fenced' end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'token', '', 'finishedAt', ARGV[2])
redis.call('HINCRBY', KEYS[2], 'active', -1)
redis.call('HINCRBY', KEYS[2], 'cancelled', 1)
maybeFinish(KEYS[2], ARGV[2])
return 'ok'
`,
);

/**
 * Cancels the queued trials with index in [start, end). KEYS: sweep. ARGV: trial key prefix, now, start, end.
 * → number cancelled.
 */
export const cancelQueuedTrials = new LuaScript(
  'cancelQueued',
  `${MAYBE_FINISH}
local count = 0
for i = tonumber(ARGV[3]), tonumber(ARGV[4]) - 1 do
  local key = ARGV[1] .. i
  if redis.call('HGET', key, 'status') == 'queued' then
    redis.call('HSET', key, 'status', 'cancelled', 'finishedAt', ARGV[2])
    count = count + 1
  end
end
if count > 0 then redis.call('HINCRBY', KEYS[1], 'cancelled', count) end
maybeFinish(KEYS[1], ARGV[2])
return count
`,
);

/**
 * Moves failed and cancelled trials with index in [start, end) back to queued and bumps their
 * `retries` (the retry's job id suffix). KEYS: sweep. ARGV: trial key prefix, start, end.
 * → flat list [index, retries, index, retries, ...].
 */
export const requeueTrials = new LuaScript(
  'requeue',
  `
local out = {}
local failed = 0
local cancelled = 0
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) - 1 do
  local key = ARGV[1] .. i
  local st = redis.call('HGET', key, 'status')
  if st == 'failed' or st == 'cancelled' then
    if st == 'failed' then failed = failed + 1 else cancelled = cancelled + 1 end
    redis.call('HSET', key, 'status', 'queued', 'error', '', 'finishedAt', '', 'token', '')
    local retries = redis.call('HINCRBY', key, 'retries', 1)
    out[#out + 1] = i
    out[#out + 1] = retries
  end
end
if failed > 0 then redis.call('HINCRBY', KEYS[1], 'failed', -failed) end
if cancelled > 0 then redis.call('HINCRBY', KEYS[1], 'cancelled', -cancelled) end
if #out > 0 then redis.call('HSET', KEYS[1], 'finishedAt', '', 'cancelledFlag', '0') end
return out
`,
);

/**
 * Moves a sweep's feed cursor from `expected` to `next` if nobody moved it meanwhile (compare and set),
 * so concurrent feeders never skip a range. KEYS: sweep. ARGV: expected, next. → 1 moved, 0 not.
 */
export const advanceFeedCursor = new LuaScript(
  'advanceFeed',
  `
if tonumber(redis.call('HGET', KEYS[1], 'fed') or '0') ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'fed', ARGV[2])
return 1
`,
);

/**
 * Marks a trial failed without a token, for jobs BullMQ itself gave up on (stalled more than
 * SWEEPQ_MAX_STALLED_COUNT times, e.g. a worker OOM-killed on every attempt): no attempt of ours is
 * alive to call `fail`. Applies only while the trial is still queued or active under the same job
 * (its `retries` number), so a late event never touches a retried or finished trial.
 * KEYS: trial, sweep. ARGV: retries of the failed job, now, error. → 'ok' | 'stale'.
 */
export const forceFailTrial = new LuaScript(
  'forceFail',
  `${MAYBE_FINISH}
local v = redis.call('HMGET', KEYS[1], 'status', 'retries')
local st = v[1]
if st ~= 'active' and st ~= 'queued' then return 'stale' end
if tonumber(v[2] or '0') ~= tonumber(ARGV[1]) then return 'stale' end
redis.call('HSET', KEYS[1], 'status', 'failed', 'token', '', 'finishedAt', ARGV[2], 'error', ARGV[3])
if st == 'active' then redis.call('HINCRBY', KEYS[2], 'active', -1) end
redis.call('HINCRBY', KEYS[2], 'failed', 1)
maybeFinish(KEYS[2], ARGV[2])
return 'ok'
`,
);
