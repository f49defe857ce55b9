-- Hands the tenants due for a look to one reconciler: their next look moves to ARGV[2], so
-- other reconcilers skip them meanwhile; one that dies leaves them due again then.
-- KEYS: 1 shard schedule
-- ARGV: 1 now (epoch ms), 2 claimed until (epoch ms), 3 at most this many tenants
local due = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[3])
for _, tag in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], tag)
end
return due
