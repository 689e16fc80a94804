-- KV Framework: cache a row read from the database, unless Redis already knows the key.
-- KEYS[1] row hash, KEYS[2] expiry schedule {ns:shard}:expiry, KEYS[3] key filter, KEYS[4] table modes,
-- KEYS[5] the old fixed-size key filter (consulted while it exists)
-- ARGV: table, pk, version, expire-at (epoch ms), key filter (counted: h1, h2, old filter size, first layer's size),
--       the row's index keys (counted; computed by the client from the fields, as for a create), field/value pairs (counted)
-- Returns the version Redis holds afterwards and whether this call wrote it; {-1, 0} when the table
-- is in database mode or switching (nothing is cached then).
local rowKey, expiryKey, bloomKey = KEYS[1], KEYS[2], KEYS[3]
local tbl, pk, version, expireAt = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local bits, indexKeys, sets
local i = 5
bits, i = kv_list(i)
indexKeys, i = kv_list(i)
sets, i = kv_pairs(i)

local tableMode = redis.call('HGET', KEYS[4], tbl)
if tableMode == 'db' or tableMode == 'draining' then return { -1, 0 } end
local current = redis.call('HGET', rowKey, '_v')
if current then return { tonumber(current), 0 } end

sets[#sets + 1] = '_v'; sets[#sets + 1] = version
redis.call('HSET', rowKey, unpack(sets))
for _, key in ipairs(indexKeys) do redis.call('SADD', key, pk) end
if #bits == 4 then kv_filter(bloomKey, KEYS[5], tonumber(bits[1]), tonumber(bits[2]), tonumber(bits[3]), tonumber(bits[4]), 'ifnew') end
redis.call('ZADD', expiryKey, expireAt, tbl .. ':' .. pk .. ':' .. version)
return { tonumber(version), 1 }
