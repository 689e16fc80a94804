# Sourced by script-cost.sh and script-instructions.sh: one benchmark create's values, as createWithKV
# sends them (8 fields, the event's row as JSON; redis-benchmark replaces __rand_int__), and the least
# script with the same effect (HSET the row, SADD per index, XADD the event; BaselineOps.SAME_EFFECT).
at=2023-11-14T22:13:20Z
row='{"id":"r__rand_int__","city":"city-7","status":"NEW","customer":"customer-7","total":"19.99","qty":"3","created_at":"2023-11-14T22:13:20Z","note":"benchmark row"}'
fields=(id r__rand_int__ city city-7 status NEW customer customer-7 total 19.99 qty 3 created_at "$at" note "benchmark row")
same_lua="redis.call('HSET', KEYS[1], unpack(ARGV, 4)) redis.call('SADD', KEYS[3], ARGV[1]) redis.call('SADD', KEYS[4], ARGV[1]) return redis.call('XADD', KEYS[2], '*', 'table', 'bench_orders', 'op', 'c', 'key', ARGV[1], 'version', '1', 'ts', ARGV[2], 'row', ARGV[3])"
