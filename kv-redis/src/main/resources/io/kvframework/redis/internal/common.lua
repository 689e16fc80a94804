-- KV Framework: helpers shared by the row scripts; Script.loadRowScript prepends this file.

-- A value inside a key name, as KeyEncoding.encode writes it: bytes outside [A-Za-z0-9._-] as %XX; nil is '~'.
local function kv_enc(v)
  if not v then return '~' end
  return (string.gsub(v, '[^%w%.%-_]', function(c) return string.format('%%%02X', string.byte(c)) end))
end

-- A counted list in ARGV at i (count, items...): the items and the index after them.
local function kv_list(i)
  local n = tonumber(ARGV[i])
  local out = {}
  for j = 1, n do out[j] = ARGV[i + j] end
  return out, i + n + 1
end

-- Counted field/value pairs in ARGV at i (pair count, field, value, ...): the flat list and the index after it.
local function kv_pairs(i)
  local n = tonumber(ARGV[i]) * 2
  local out = {}
  for j = 1, n do out[j] = ARGV[i + j] end
  return out, i + n + 1
end

-- Counted index specs in ARGV at i (count, then per index: name, column count, columns...).
local function kv_indexes(i)
  local indexes = {}
  local n = tonumber(ARGV[i]); i = i + 1
  for j = 1, n do
    local name, ncol = ARGV[i], tonumber(ARGV[i + 1])
    local cols = {}
    for c = 1, ncol do cols[c] = ARGV[i + 1 + c] end
    indexes[j] = { name, cols }
    i = i + 2 + ncol
  end
  return indexes, i
end

-- The index keys of the values the row hash holds now, one per index spec.
local function kv_index_keys(rowKey, prefix, indexes)
  local keys = {}
  for j = 1, #indexes do
    local cols = indexes[j][2]
    local vals = redis.call('HMGET', rowKey, unpack(cols))
    local parts = {}
    for c = 1, #cols do parts[c] = kv_enc(vals[c] or nil) end
    keys[j] = prefix .. indexes[j][1] .. ':' .. table.concat(parts, ':')
  end
  return keys
end

