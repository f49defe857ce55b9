-- Deletes a finished mission with everything that belongs to it, or answers why not. The
-- caller read the name and created_ms first (the name index member needs JavaScript's lower
-- case); they are checked again here, so a mission recreated under the same id in between is
-- answered 'stale' and never half-removed. A mission that is gone answers 'not_found', so of
-- two deletes (a request and a sweeper, or two sweepers) exactly one decrements the stats.
-- KEYS: 1 mission, 2 log, 3 ix:all, 4 ix:name, 5 stats, 6 events,
--       7..9 the status indexes of ARGV[10..12], 10..12 the retention indexes of the same
-- ARGV: 1 mission id, 2 at (epoch ms), 3 stream MAXLEN, 4 name as read, 5 created_ms as read,
--       6 ix:all member, 7 ix:name member, 8 latest finish time (epoch ms) a retention delete
--       takes, '' for a delete on request, 9 event type, 10..12 the terminal statuses,
--       13..15 the event envelope JSON for a mission in each of them
local stored = redis.call('HMGET', KEYS[1], 'status', 'name', 'created_ms')
local status = stored[1]
if not status then
  return { 'not_found' }
end
if stored[2] ~= ARGV[4] or stored[3] ~= ARGV[5] then
  return { 'stale' }
end
local t = nil
for k = 1, 3 do
  if ARGV[9 + k] == status then
    t = k
  end
end
if not t then
  return { 'not_finished', status }
end
if ARGV[8] ~= '' then
  local finished = redis.call('ZSCORE', KEYS[9 + t], ARGV[1])
  if not finished or tonumber(finished) > tonumber(ARGV[8]) then
    return { 'not_expired' }
  end
end

redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[6])
redis.call('ZREM', KEYS[4], ARGV[7])
redis.call('ZREM', KEYS[6 + t], ARGV[6])
redis.call('ZREM', KEYS[9 + t], ARGV[1])
redis.call('HINCRBY', KEYS[5], 'total', -1)
redis.call('HINCRBY', KEYS[5], status, -1)
redis.call('HSET', KEYS[5], 'last_updated_ms', ARGV[2])
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[3], '*',
  'type', ARGV[9], 'mission', ARGV[1], 'envelope', ARGV[12 + t])
return { 'deleted', status }
