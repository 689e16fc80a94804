-- KV Framework: one atomic single-row write (create, update, save or delete) with index maintenance
-- and the change event. All keys share the row's shard hash tag, so this runs on Redis Cluster too.
--
-- KEYS[1] row hash      {ns:shard}:r:<table>:<pk>
-- KEYS[2] stream shard  {ns:shard}:stream
-- KEYS[3] key filter    {ns:shard}:filter (see kv_filter)
-- KEYS[4] table modes   {ns:shard}:mode
-- KEYS[5] the fixed-size key filter of earlier versions {ns:shard}:bloom, consulted while it exists
-- ARGV: op (c|u|s|d), expected version ('' = any; for a create: the version of the key's last delete
--       that the database remembers, so that its version sequence goes on; for a save: 0 = must not
--       exist, n = must be at version n), table, pk, create check, index key prefix,
--       then counted lists: key filter (h1, h2, size of the old fixed filter, first layer's size; creates and saves), index specs (name, column count, columns...),
--       field/value pairs to set, fields to clear, then (creates) the event's row as JSON or '', then
--       (creates) the counted index keys of the new row, computed by the client from the fields it sets
--       (a create then sends no index specs: nothing is read back to find them).
-- A save (s) is an update of the whole row when the row is live, else a create (same checks); its
-- event says which (u or c).
-- Create check (creates and saves): 'b' ask the database when the key filter may contain the key,
--       'd' always ask the database, 'n' the caller already asked.
-- Returns {status, version, stream id, flattened row} (a create given its row: no flattened row); status ok | dup | check | missing | gone | conflict,
-- or {'mode', 0, table mode} when the table is in database mode or switching ('db' | 'draining'): nothing written.
local rowKey, streamKey, bloomKey = KEYS[1], KEYS[2], KEYS[3]
local op, expected, tbl, pk, check, ixprefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local indexes, clears
-- the filter hashes and the fields to set are used straight from ARGV (no copies): where they start and how many
local bitsFrom, bitCount = 8, tonumber(ARGV[7])
local i = bitsFrom + bitCount
indexes, i = kv_indexes(i)
local setsFrom, setsCount = i + 1, tonumber(ARGV[i]) * 2
i = setsFrom + setsCount
clears, i = kv_list(i)
-- a create's event row as JSON when the client already knows it ('' or absent: read back from the hash)
local givenRow = ARGV[i] or ''
-- a create's index keys when the client computed them (absent: read back from the hash)
local givenKeys = nil
if ARGV[i + 1] then givenKeys = kv_list(i + 1) end

local function indexKeys()
  return kv_index_keys(rowKey, ixprefix, indexes)
end

local function image()
  local flat = redis.call('HGETALL', rowKey)
  local obj, out = {}, {}
  for j = 1, #flat, 2 do
    local f = flat[j]
    if string.sub(f, 1, 1) ~= '_' then
      obj[f] = flat[j + 1]
      out[#out + 1] = f
      out[#out + 1] = flat[j + 1]
    end
  end
  return obj, out
end

local tableMode = redis.call('HGET', KEYS[4], tbl)
if tableMode == 'db' or tableMode == 'draining' then return { 'mode', 0, tableMode } end
if tableMode == 'checked' and check == 'b' then check = 'd' end

local state = redis.call('HMGET', rowKey, '_v', '_d')
local version = tonumber(state[1] or '0')
local tombstone = state[2] == '1'
local live = state[1] and not tombstone

if op == 's' then
  if expected ~= '' then
    local want = tonumber(expected)
    if want == 0 and live then return { 'dup', version } end
    if want > 0 and not live then return { 'missing', 0 } end
    if want > 0 and version ~= want then return { 'conflict', version } end
  end
  expected = ''
  if live then op = 'u' else op = 'c' end
end

if op ~= 'c' and expected ~= '' and tonumber(expected) ~= version then
  if not state[1] then return { 'missing', 0 } end
  return { 'conflict', version }
end

local oldKeys = nil
if op == 'c' then
  if live then return { 'dup', version } end
  if not state[1] and check == 'd' then return { 'check', 0 } end
  if bitCount > 0 then
    -- add the key to the filter and learn in the same calls whether it may have been there already
    local maybe = kv_filter(bloomKey, KEYS[5], tonumber(ARGV[bitsFrom]), tonumber(ARGV[bitsFrom + 1]), tonumber(ARGV[bitsFrom + 2]),
      tonumber(ARGV[bitsFrom + 3]), 'always')
    -- the key may be in the database only: the caller asks it, then writes again
    if not state[1] and check == 'b' and maybe then return { 'check', 0 } end
  end
  if expected ~= '' and tonumber(expected) > version then version = tonumber(expected) end
  -- a tombstone goes; a key never seen has nothing to remove
  if state[1] then redis.call('DEL', rowKey) end
else
  if not state[1] then return { 'missing', 0 } end
  if tombstone then return { 'gone', version } end
  oldKeys = indexKeys()
end

-- the event's time in epoch milliseconds, as text put together from TIME's two texts (seconds, then the
-- microseconds' first three of six digits): no conversion to a number and back
local now = redis.call('TIME')
local ts = now[1] .. string.sub('00000' .. now[2], -6, -4)
version = version + 1
-- as text once: Redis turns a Lua number argument into text at every call that passes it ('%d': tostring
-- would write 1e+14 from 10^14 on, where Redis writes every digit)
local vtext = string.format('%d', version)
local json
local flat
if op == 'd' then
  local obj
  obj, flat = image()
  json = cjson.encode(obj)
  for j = 1, #oldKeys do redis.call('SREM', oldKeys[j], pk) end
  redis.call('DEL', rowKey)
  redis.call('HSET', rowKey, '_v', vtext, '_d', '1')
else
  -- the row is live or new here ('_d' exists only on a tombstone, which a create deleted)
  if setsCount > 0 then
    redis.call('HSET', rowKey, '_v', vtext, unpack(ARGV, setsFrom, setsFrom + setsCount - 1))
  else
    redis.call('HSET', rowKey, '_v', vtext)
  end
  if #clears > 0 then redis.call('HDEL', rowKey, unpack(clears)) end
  local newKeys
  if op == 'c' and givenKeys then newKeys = givenKeys else newKeys = indexKeys() end
  for j = 1, #newKeys do
    if oldKeys == nil or oldKeys[j] ~= newKeys[j] then
      if oldKeys ~= nil then redis.call('SREM', oldKeys[j], pk) end
      redis.call('SADD', newKeys[j], pk)
    end
  end
  if op == 'c' and givenRow ~= '' then
    -- the client knows the row: no image in the reply (an empty nested table costs Redis a conversion)
    json = givenRow
  else
    local obj
    obj, flat = image()
    json = cjson.encode(obj)
  end
end
local id = redis.call('XADD', streamKey, '*', 'table', tbl, 'op', op, 'key', pk, 'version', vtext, 'ts', ts, 'row', json)
if flat == nil then return { 'ok', version, id } end
return { 'ok', version, id, flat }
