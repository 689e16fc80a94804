-- KV Framework: remove a cached row (and its index entries) from Redis, if it is still the version
-- the database has. Used when a drained row's TTL is due, and for drained tombstones.
-- KEYS[1] row hash, KEYS[2] expiry schedule
-- ARGV: pk, version ('' = any), schedule member to remove ('' = none), index key prefix,
--       index specs (counted: name, column count, columns...)
-- Returns 1 evicted, 0 absent, -1 kept because the row changed since.
local rowKey, expiryKey = KEYS[1], KEYS[2]
local pk, version, member, ixprefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if member ~= '' then redis.call('ZREM', expiryKey, member) end
local state = redis.call('HMGET', rowKey, '_v', '_d')
if not state[1] then return 0 end
if version ~= '' and state[1] ~= version then return -1 end
if state[2] ~= '1' then
  local indexes = kv_indexes(5)
  for _, key in ipairs(kv_index_keys(rowKey, ixprefix, indexes)) do redis.call('SREM', key, pk) end
end
redis.call('DEL', rowKey)
return 1
