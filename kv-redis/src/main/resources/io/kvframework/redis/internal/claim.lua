-- KV Framework: the owner of a unique index value.
-- KEYS[1] claim hash {ns:shard}:u:<table>:<index>:<values> (fields pk, ts), KEYS[2] key filter of that shard
-- ARGV: pk, mode ('claim' | 'takeover' | 'release'), previous owner (takeover only), filter bits...
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
local seen = #ARGV >= 4
for j = 4, #ARGV do
  if redis.call('GETBIT', bloomKey, ARGV[j]) == 0 then seen = false end
  redis.call('SETBIT', bloomKey, ARGV[j], 1)
end
redis.call('HSET', claimKey, 'pk', pk, 'ts', nowMs)
if seen then return { 'new', 'seen' } end
return { 'new' }
