-- Hands a tenant's due dispatch entries (RUNNING missions to check) to one reconciler, moving
-- each to its next check, and says when the earliest remaining entry falls due.
-- KEYS: 1 tenant dispatch set
-- ARGV: 1 now (epoch ms), 2 next check (epoch ms), 3 at most this many entries
-- Returns: { earliest remaining due or '' when the set is empty, mission ids... }
local due = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[3])
for _, id in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id)
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
table.insert(due, 1, first[2] or '')
return due
