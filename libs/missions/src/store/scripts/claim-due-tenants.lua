-- Leases up to ARGV[2] tenants whose sweep is due to the caller, by moving their score (the
-- time of their next sweep) to the end of the lease. Two sweepers never get the same tenant
-- for one lease; one that dies mid-sweep leaves its tenants due again when the lease ends.
-- KEYS: 1 the registry of tenants with finished missions
-- ARGV: 1 now (epoch ms), 2 most tenants, 3 lease end (epoch ms)
local due = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[2])
for _, tag in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[3], tag)
end
return due
