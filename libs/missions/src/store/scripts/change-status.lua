-- Moves a mission to a new status if, and only if, its stored status is one the caller
-- prepared a candidate for. Deciding here, not in Node, is what makes K concurrent moves
-- out of one status produce exactly one change.
-- The tenant's dispatch set holds every RUNNING mission, due when it must be checked for a
-- job or a live owner; writing it here, with the status, is what lets a crash between this
-- commit and the enqueue lose nothing (MissionDispatchReconciler drains it).
-- KEYS: 1 mission, 2 stats, 3 log, 4 events, 5..9 the status indexes of ARGV[5..9], 10 dispatch,
--       11 the retention index of the target status (only when the target is terminal)
-- ARGV: 1 target status, 2 at (epoch ms), 3 stream MAXLEN, 4 mission id, 5..9 status names,
--       10 candidate count, 11 dispatch due (epoch ms) when entering RUNNING, then per candidate:
--       from, log entry count, log entries JSON, event count, (event type, envelope JSON) pairs
local current = redis.call('HGET', KEYS[1], 'status')
if not current then
  return { 'not_found' }
end
local to = ARGV[1]
if current == to then
  return { 'unchanged', redis.call('HGETALL', KEYS[1]) }
end

local i = 12
for _ = 1, tonumber(ARGV[10]) do
  local from, entryCount = ARGV[i], tonumber(ARGV[i + 1])
  local eventsAt = i + 2 + entryCount
  local eventCount = tonumber(ARGV[eventsAt])
  if from == current then
    local index = {}
    for k = 5, 9 do
      index[ARGV[k]] = KEYS[k]
    end
    local created = redis.call('HGET', KEYS[1], 'created_ms')
    -- Same layout as indexMember() in mission-keys.ts: created_ms zero-padded to 15, ':', id.
    local member = string.rep('0', 15 - #created) .. created .. ':' .. ARGV[4]
    redis.call('HSET', KEYS[1], 'status', to, 'updated_ms', ARGV[2])
    redis.call('HINCRBY', KEYS[1], 'version', 1)
    redis.call('ZREM', index[from], member)
    redis.call('ZADD', index[to], 0, member)
    if KEYS[11] then
      redis.call('ZADD', KEYS[11], ARGV[2], ARGV[4])
    end
    redis.call('HINCRBY', KEYS[2], from, -1)
    redis.call('HINCRBY', KEYS[2], to, 1)
    redis.call('HSET', KEYS[2], 'last_updated_ms', ARGV[2])
    if to == 'RUNNING' then
      redis.call('ZADD', KEYS[10], ARGV[11], ARGV[4])
    elseif from == 'RUNNING' then
      redis.call('ZREM', KEYS[10], ARGV[4])
    end
    redis.call('RPUSH', KEYS[3], unpack(ARGV, i + 2, eventsAt - 1))
    for e = eventsAt + 1, eventsAt + 2 * eventCount, 2 do
      redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*',
        'type', ARGV[e], 'mission', ARGV[4], 'envelope', ARGV[e + 1])
    end
    return { 'changed', from, redis.call('HGETALL', KEYS[1]) }
  end
  i = eventsAt + 1 + 2 * eventCount
end
return { 'conflict', redis.call('HGETALL', KEYS[1]) }
