-- KV Framework: shard lease of one consumer group, with a fencing token that only grows.
-- KEYS[1] lease {ns:s}:lease:<group> (string "owner|fence", expires), KEYS[2] fence counter {ns:s}:fence:<group>
-- ARGV: owner, mode ('acquire' | 'renew' | 'release'), ttl in ms
-- acquire: {1, fence} when owner holds the lease now (a new fence when newly taken), {0, 0} when another owner holds it
-- renew:   {1, fence} when owner still holds it (ttl extended), {0, 0} otherwise
-- release: {1, 0} when owner held it (deleted), {0, 0} otherwise
local lease, counter = KEYS[1], KEYS[2]
local owner, mode, ttl = ARGV[1], ARGV[2], ARGV[3]
local current = redis.call('GET', lease)
local holder, fence = nil, 0
if current then
  local bar = string.find(current, '|', 1, true)
  holder = string.sub(current, 1, bar - 1)
  fence = tonumber(string.sub(current, bar + 1))
end
if mode == 'release' then
  if holder == owner then redis.call('DEL', lease); return { 1, 0 } end
  return { 0, 0 }
end
if holder == owner then
  redis.call('PEXPIRE', lease, ttl)
  return { 1, fence }
end
if mode == 'renew' or holder then return { 0, 0 } end
local next = redis.call('INCR', counter)
redis.call('SET', lease, owner .. '|' .. next, 'PX', ttl)
return { 1, next }
