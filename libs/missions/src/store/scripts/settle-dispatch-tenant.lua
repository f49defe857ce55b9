-- After a reconciler's pass over a tenant: look again when its earliest entry falls due, or,
-- when its dispatch set was empty, drop it unless it registered since `cutoff` (a commit that
-- registered then may land after the pass read the empty set).
-- KEYS: 1 shard schedule, 2 shard registrations
-- ARGV: 1 tenant tag, 2 earliest remaining due ('' = the set was empty), 3 cutoff (epoch ms)
if ARGV[2] ~= '' then
  redis.call('ZADD', KEYS[1], 'XX', 'LT', ARGV[2], ARGV[1])
  return 'scheduled'
end
local at = redis.call('HGET', KEYS[2], ARGV[1])
if at and tonumber(at) >= tonumber(ARGV[3]) then
  return 'kept'
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 'released'
