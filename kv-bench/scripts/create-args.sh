# Sourced by script-cost.sh and script-instructions.sh: one benchmark create's values, as createWithKV
# sends them (8 fields, the event's row as JSON; redis-benchmark replaces __rand_int__), and the least
# script with the same effect (HSET the row, SADD per index, XADD the event; BaselineOps.SAME_EFFECT).
at=2023-11-14T22:13:20Z
row='{"id":"r__rand_int__","city":"city-7","status":"NEW","customer":"customer-7","total":"19.99","qty":"3","created_at":"2023-11-14T22:13:20Z","note":"benchmark row"}'
fields=(id r__rand_int__ city city-7 status NEW customer customer-7 total 19.99 qty 3 created_at "$at" note "benchmark row")
same_lua="redis.call('HSET', KEYS[1], unpack(ARGV, 4)) redis.call('SADD', KEYS[3], ARGV[1]) redis.call('SADD', KEYS[4], ARGV[1]) return redis.call('XADD', KEYS[2], '*', 'table', 'bench_orders', 'op', 'c', 'key', ARGV[1], 'version', '1', 'ts', ARGV[2], 'row', ARGV[3])"
# write.lua's ARGV for one create, as createWithKV sends it, into the array ours_argv: op, expected version,
# table, pk, create check ($1), index key prefix, the key filter (h1 and h2 random per create, the old
# filter's size, the first layer's bits $2), no index specs, 8 fields, no clears, the event row, two index keys
set_ours_argv() {
  ours_argv=(c "" bench_orders r__rand_int__ "$1" "$t:i:bench_orders:" 4 __rand_int__ __rand_int__ 1048576 "$2" 0 8 "${fields[@]}" 0
    "$row" 2 "$t:i:bench_orders:by_city:city-7" "$t:i:bench_orders:by_status:NEW")
}
