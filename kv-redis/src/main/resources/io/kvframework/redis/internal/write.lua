-- KV Framework: one atomic single-row write (create, update, save or delete) with index maintenance
-- and the change event. All keys share the row's shard hash tag, so this runs on Redis Cluster too.
--
-- KEYS[1] row hash      {ns:shard}:r:<table>:<pk>
-- KEYS[2] stream shard  {ns:shard}:stream
-- KEYS[3] key filter    {ns:shard}:bloom
-- KEYS[4] table modes   {ns:shard}:mode
-- ARGV: op (c|u|s|d), expected version ('' = any; for a create: the version of the key's last delete
--       that the database remembers, so that its version sequence goes on; for a save: 0 = must not
--       exist, n = must be at version n), table, pk, create check, index key prefix,
--       then counted lists: filter bits, index specs (name, column count, columns...),
--       field/value pairs to set, fields to clear, then (creates) the event's row as JSON or ''.
-- A save (s) is an update of the whole row when the row is live, else a create (same checks); its
-- event says which (u or c).
-- Create check (creates and saves): 'b' ask the database when the key filter may contain the key,
--       'd' always ask the database, 'n' the caller already asked.
-- Returns {status, version, stream id, flattened row}; status ok | dup | check | missing | gone | conflict,
-- or {'mode', 0, table mode} when the table is in database mode or switching ('db' | 'draining'): nothing written.
local rowKey, streamKey, bloomKey = KEYS[1], KEYS[2], KEYS[3]
local op, expected, tbl, pk, check, ixprefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local bits, indexes, sets, clears
local i = 7
bits, i = kv_list(i)
indexes, i = kv_indexes(i)
sets, i = kv_pairs(i)
clears, i = kv_list(i)
-- a create's event row as JSON when the client already knows it ('' or absent: read back from the hash)
local givenRow = ARGV[i] or ''

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
local before = nil
if op == 'c' then
  if live then return { 'dup', version } end
  if not state[1] then
    if check == 'd' then return { 'check', 0 } end
    if check == 'b' and #bits > 0 then
      local maybe = true
      for j = 1, #bits do
        if redis.call('GETBIT', bloomKey, bits[j]) == 0 then maybe = false; break end
      end
      if maybe then return { 'check', 0 } end
    end
  end
  if expected ~= '' and tonumber(expected) > version then version = tonumber(expected) end
  redis.call('DEL', rowKey)
  for j = 1, #bits do redis.call('SETBIT', bloomKey, bits[j], 1) end
else
  if not state[1] then return { 'missing', 0 } end
  if tombstone then return { 'gone', version } end
  oldKeys = indexKeys()
end

local now = redis.call('TIME')
local ts = tostring(now[1] * 1000 + math.floor(now[2] / 1000))
version = version + 1
local json
local flat
if op == 'd' then
  local obj
  obj, flat = image()
  json = cjson.encode(obj)
  for j = 1, #oldKeys do redis.call('SREM', oldKeys[j], pk) end
  redis.call('DEL', rowKey)
  redis.call('HSET', rowKey, '_v', version, '_d', '1')
else
  if #sets > 0 then redis.call('HSET', rowKey, unpack(sets)) end
  if #clears > 0 then redis.call('HDEL', rowKey, unpack(clears)) end
  redis.call('HSET', rowKey, '_v', version)
  redis.call('HDEL', rowKey, '_d')
  local newKeys = indexKeys()
  for j = 1, #newKeys do
    if oldKeys == nil or oldKeys[j] ~= newKeys[j] then
      if oldKeys ~= nil then redis.call('SREM', oldKeys[j], pk) end
      redis.call('SADD', newKeys[j], pk)
    end
  end
  if op == 'c' and givenRow ~= '' then
    json, flat = givenRow, {}
  else
    local obj
    obj, flat = image()
    json = cjson.encode(obj)
  end
end
local id = redis.call('XADD', streamKey, '*', 'table', tbl, 'op', op, 'key', pk, 'version', version, 'ts', ts, 'row', json)
return { 'ok', version, id, flat }
