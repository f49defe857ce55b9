-- Puts a tenant on a dispatch registry shard before one of its missions may enter RUNNING, so
-- reconcilers find its dispatch set (in the tenant's own slot, which they cannot guess).
-- LT: an earlier due time already scheduled stays; registered_at always moves forward, so a
-- reconciler never drops a tenant whose commit may still be on its way.
-- KEYS: 1 shard schedule (zset tag -> next look), 2 shard registrations (hash tag -> at)
-- ARGV: 1 tenant tag, 2 due (epoch ms), 3 at (epoch ms)
redis.call('ZADD', KEYS[1], 'LT', ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
