-- Writes one mission brought over from another store (npm run import:seed) with everything
-- create-mission.lua gives a mission, but with its own status, times and whole log; or
-- nothing at all when the id is taken in the tenant, so a re-run or a resumed run skips what
-- is there. No event: the import is not a change a client watching the stream should replay.
-- KEYS: 1 mission, 2 ix:all, 3 status index of the mission, 4 stats, 5 log, 6 name index,
--       7 the retention index of its status (only for a finished mission)
-- ARGV: 1 index member, 2 status, 3 updated_ms, 4 name index member, 5 mission id,
--       6 n = number of hash fields, 7 .. 6+2n hash field/value pairs, then the log entries JSON, oldest first
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end

local lastField = 6 + 2 * tonumber(ARGV[6])
redis.call('HSET', KEYS[1], unpack(ARGV, 7, lastField))
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('ZADD', KEYS[6], 0, ARGV[4])
if KEYS[7] then
  -- It finished when it last changed: retention ages it from there, as change-status.lua does.
  redis.call('ZADD', KEYS[7], ARGV[3], ARGV[5])
end
redis.call('HINCRBY', KEYS[4], 'total', 1)
redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
-- The tenant's last change is the newest of what it held and what arrives.
local last = tonumber(redis.call('HGET', KEYS[4], 'last_updated_ms') or '0')
if tonumber(ARGV[3]) > last then
  redis.call('HSET', KEYS[4], 'last_updated_ms', ARGV[3])
end
-- In chunks: unpack() of a long log at once would overflow Lua's C stack.
for i = lastField + 1, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[5], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
return 1
