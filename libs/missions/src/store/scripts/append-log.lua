-- Appends one log entry to an existing mission. The mission's version, updated_ms and the
-- stats stay as they are: a log entry is not a change of the mission document.
-- KEYS: 1 mission, 2 log, 3 events
-- ARGV: 1 log entry JSON, 2 stream MAXLEN, 3 mission id, then (event type, envelope JSON) pairs
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('RPUSH', KEYS[2], ARGV[1])
for i = 4, #ARGV, 2 do
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*',
    'type', ARGV[i], 'mission', ARGV[3], 'envelope', ARGV[i + 1])
end
return 1
