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


-- The shard's key filter: a Bloom filter that grows with the keys it holds, in one string key.
-- The header (bits 0-63): bits 0-31 count the keys added; bits 32-33 say whether the fixed-size filter
-- of earlier versions ({ns:s}:bloom) was looked for (2) and exists (3); bits 34-39 hold log2 of the first
-- layer's size; bits 40-43 log2 of the bits per key (0: 16, the filters made before it was recorded; 5: 32);
-- bit 44 the layout (0: positions, the filters made before words; 1: words, every filter made now).
-- Layer k = 0, 1, ... holds f0 (KvOptions.keyFilterInitialBits) * 4^k bits right after layer k - 1
-- (layer 0 from bit 64) and takes f0 * 4^k / bitsPerKey keys; four times larger each, so that few
-- layers are looked at (with the default 2^13 bits and 32 bits per key: 1 layer up to 256 keys per
-- shard, 4 up to 21,760, 6 up to 349,440). A key is added to the newest layer; it may be present when
-- its bits are set in any layer (or in the old filter, while one exists). The key's two 32-bit hashes
-- h1, h2 (KvKeys.filterHash) say where its bits are:
--   words:     the 32-bit word number h1 modulo (the layer's size / 32), bits floor(h2 / 2 / 32^i) % 32 of it
--              (i = 0..3, counted from the word's first bit): one GET per layer and one SET, about 0.18 %
--              false positives per full layer;
--   positions: bits h1 + i * h2 modulo the layer's size (i = 0..3): four GETs or SETs per layer, about
--              0.02 % false positives per full layer at 32 bits per key, 0.24 % at 16.
-- count: 'always' counts the key as added; 'ifnew' counts it only when no layer held it.
-- Returns whether the key may have been added before.

local function kv_filter(filterKey, legacyKey, h1, h2, legacySize, f0, count)
  -- the header in one read: count (32 bits), flags (2), log2 of the first layer (6), log2 of bits per key (4), layout (1).
  -- Constant arguments are strings: Redis turns each Lua number argument into text, which costs more here
  -- than the BITFIELD itself.
  local word = redis.call('BITFIELD', filterKey, 'GET', 'u45', '0')[1]
  local words = word % 2 == 1
  local density = math.floor(word / 2) % 16
  local shift = math.floor(word / 32) % 64
  local flags = math.floor(word / 2048) % 4
  local n = math.floor(word / 8192)
  if flags < 2 or shift == 0 then
    -- a new filter: look for the old one once, and record the first layer's size, the bits per key and the layout,
    -- which are read from the filter ever after (a changed keyFilterInitialBits never misreads an existing filter)
    if flags < 2 then flags = 2 + redis.call('EXISTS', legacyKey) end
    if shift == 0 then
      local v = f0
      while v > 1 do v = v / 2; shift = shift + 1 end
      density = 5
      words = true
    end
    local layout = '0'
    if words then layout = '1' end
    redis.call('BITFIELD', filterKey, 'SET', 'u2', '32', flags, 'SET', 'u6', '34', shift, 'SET', 'u4', '40', density, 'SET', 'u1', '44', layout)
  end
  f0 = 2 ^ shift
  local perKey = 16
  if density > 0 then perKey = 2 ^ density end
  local layer, cap, total = 0, f0 / perKey, f0 / perKey
  while n >= total do layer = layer + 1; cap = cap * 4; total = total + cap end
  -- (helpers are not split out: the script's body makes each local function anew at every call)
  local maybe, newest, offset, mask = false, nil, nil, nil
  local args, na, base, size = {}, 0, 64, f0
  if words then
    -- one GET of the key's word per layer
    for k = 0, layer do
      offset = string.format('%d', base + (h1 % (size / 32)) * 32)
      args[na + 1] = 'GET'; args[na + 2] = 'i32'; args[na + 3] = offset
      na = na + 3
      base = base + size; size = size * 4
    end
    local hb
    mask, hb = 0, math.floor(h2 / 2)
    for i = 0, 3 do
      mask = bit.bor(mask, bit.lshift(1, 31 - hb % 32))
      hb = math.floor(hb / 32)
    end
    local got = redis.call('BITFIELD', filterKey, unpack(args))
    for k = 1, layer + 1 do
      if bit.band(got[k], mask) == mask then maybe = true end
    end
    newest = got[layer + 1]
  else
    -- four GETs per older layer, four SETs (which answer the old bits) in the newest, and an 'always' key counted
    for k = 0, layer do
      if k == layer then
        for i = 0, 3 do
          args[na + 1] = 'SET'; args[na + 2] = 'u1'; args[na + 3] = string.format('%d', base + (h1 + i * h2) % size); args[na + 4] = '1'
          na = na + 4
        end
      else
        for i = 0, 3 do
          args[na + 1] = 'GET'; args[na + 2] = 'u1'; args[na + 3] = string.format('%d', base + (h1 + i * h2) % size)
          na = na + 3
        end
      end
      base = base + size; size = size * 4
    end
    if count == 'always' then
      args[na + 1] = 'INCRBY'; args[na + 2] = 'u32'; args[na + 3] = '0'; args[na + 4] = '1'
    end
    local got = redis.call('BITFIELD', filterKey, unpack(args))
    for k = 0, layer do
      local j = k * 4
      if got[j + 1] == 1 and got[j + 2] == 1 and got[j + 3] == 1 and got[j + 4] == 1 then maybe = true end
    end
  end
  if not maybe and flags == 3 then
    local old = {}
    for i = 0, 3 do
      old[i * 3 + 1] = 'GET'; old[i * 3 + 2] = 'u1'; old[i * 3 + 3] = (h1 + i * h2) % legacySize
    end
    local bits = redis.call('BITFIELD', legacyKey, unpack(old))
    maybe = bits[1] == 1 and bits[2] == 1 and bits[3] == 1 and bits[4] == 1
  end
  local incr = count == 'always' or (count == 'ifnew' and not maybe)
  if words then
    -- one write: the key's bits into its word of the newest layer (unless they are all set already) and the count
    if bit.band(newest, mask) ~= mask then
      if incr then
        redis.call('BITFIELD', filterKey, 'SET', 'i32', offset, string.format('%d', bit.bor(newest, mask)), 'INCRBY', 'u32', '0', '1')
      else
        redis.call('BITFIELD', filterKey, 'SET', 'i32', offset, string.format('%d', bit.bor(newest, mask)))
      end
    elseif incr then
      redis.call('BITFIELD', filterKey, 'INCRBY', 'u32', '0', '1')
    end
  elseif incr and count == 'ifnew' then
    -- the positions layout counted an 'always' key in its one call
    redis.call('BITFIELD', filterKey, 'INCRBY', 'u32', '0', '1')
  end
  return maybe
end
