-- Creates a mission with all its effects, or answers why not. Nothing is written unless
-- everything is, so a durable event exists exactly when its change does.
-- KEYS: 1 mission, 2 ix:all, 3 status index of the new mission, 4 stats, 5 log, 6 events,
--       7 ix:name, 8 idempotency (only when the request carried an Idempotency-Key)
-- ARGV: 1 index member, 2 status, 3 created_ms, 4 log entry JSON ('' when the hash stands for it:
--       see CREATED_LOG_FIELDS in mission-record.ts), 5 stream MAXLEN, 6 mission id,
--       7 idempotency TTL seconds, 8 idempotency record JSON, 9 name index member,
--       10 n = number of hash fields, 11 .. 10+2n hash field/value pairs,
--       then (event type, envelope JSON) pairs
-- User data arrives serialized and is stored as given: cjson would alter numbers and [].
if KEYS[8] then
  local remembered = redis.call('GET', KEYS[8])
  if remembered then
    return { 'idempotent', remembered }
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return { 'id_taken' }
end

local lastField = 10 + 2 * tonumber(ARGV[10])
redis.call('HSET', KEYS[1], unpack(ARGV, 11, lastField))
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('ZADD', KEYS[7], 0, ARGV[9])
redis.call('HINCRBY', KEYS[4], 'total', 1)
redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
redis.call('HSET', KEYS[4], 'last_updated_ms', ARGV[3])
if ARGV[4] ~= '' then
  redis.call('RPUSH', KEYS[5], ARGV[4])
end
for i = lastField + 1, #ARGV, 2 do
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[5], '*',
    'type', ARGV[i], 'mission', ARGV[6], 'envelope', ARGV[i + 1])
end
if KEYS[8] then
  redis.call('SET', KEYS[8], ARGV[8], 'EX', ARGV[7])
end
return { 'created' }
