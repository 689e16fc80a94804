-- KV Framework: the owner of a unique index value.
-- KEYS[1] claim hash {ns:shard}:u:<table>:<index>:<values> (fields pk, ts), KEYS[2] key filter of that shard,
-- KEYS[3] that shard's old fixed-size key filter (consulted while it exists)
-- ARGV: pk, mode ('claim' | 'takeover' | 'release'), previous owner (takeover only), then the value's filter hashes h1, h2
--       the old filter's size and the first layer's size (none: no filter)
-- claim:    {'new'} or {'new', 'seen'} (the filter had seen the value before), {'own'} when pk holds
--           it already, {'taken', owner, age in ms} otherwise.
-- takeover: replaces the previous owner ARGV[3] by pk only if it still holds the claim.
-- release:  deletes the claim only if pk holds it.
local claimKey, bloomKey = KEYS[1], KEYS[2]
local pk, mode = ARGV[1], ARGV[2]
local owner = redis.call('HGET', claimKey, 'pk')
local now = redis.call('TIME')
local nowMs = now[1] * 1000 + math.floor(now[2] / 1000)
if mode == 'release' then
  if owner == pk then redis.call('DEL', claimKey); return { 'released' } end
  return { 'kept' }
end
if owner == pk then return { 'own' } end
if mode == 'takeover' then
  if owner and owner ~= ARGV[3] then
    return { 'taken', owner, nowMs - tonumber(redis.call('HGET', claimKey, 'ts') or '0') }
  end
  redis.call('HSET', claimKey, 'pk', pk, 'ts', nowMs)
  return { 'new' }
end
if owner then
  return { 'taken', owner, nowMs - tonumber(redis.call('HGET', claimKey, 'ts') or '0') }
end
local seen = false
if #ARGV >= 7 then seen = kv_filter(bloomKey, KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), 'ifnew') end
redis.call('HSET', claimKey, 'pk', pk, 'ts', nowMs)
if seen then return { 'new', 'seen' } end
return { 'new' }
