#!/usr/bin/env bash
# Redis execution time per create of write.lua against the least script with the same effect
# (HSET the row, SADD per index, XADD the event), measured with redis-benchmark and INFO commandstats
# (time inside the script only: no network or protocol work). Needs redis-cli and redis-benchmark on
# PATH and a Redis at REDIS_HOST:REDIS_PORT (default 127.0.0.1:6379). It writes keys under the hash
# tag {kv-script-cost} only and deletes them afterwards.
#
#   bash kv-bench/scripts/script-cost.sh [creates per side, default 200000]   (F0=<first filter layer bits> to vary it)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
lua="$here/kv-redis/src/main/resources/io/kvframework/redis/internal"
n="${1:-200000}"
cli=(redis-cli -h "${REDIS_HOST:-127.0.0.1}" -p "${REDIS_PORT:-6379}")
bench=(redis-benchmark -h "${REDIS_HOST:-127.0.0.1}" -p "${REDIS_PORT:-6379}" -n "$n" -c 16 -r 100000000 -q)
t="{kv-script-cost}"
# shellcheck source=create-args.sh
source "$here/kv-bench/scripts/create-args.sh"

evalsha_usec() { "${cli[@]}" info commandstats | tr -d '\r' | sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\),usec=\([0-9]*\),.*/\1 \2/p'; }

# per call microseconds of the EVALSHA calls run by "$@"
measure() {
  read -r c0 u0 <<< "$(evalsha_usec || echo '0 0')"; c0=${c0:-0}; u0=${u0:-0}
  "$@" > /dev/null
  read -r c1 u1 <<< "$(evalsha_usec)"
  awk -v c="$((c1 - c0))" -v u="$((u1 - u0))" 'BEGIN { printf "%.2f", u / c }'
}

ours_sha=$(cat "$lua/common.lua" "$lua/write.lua" | "${cli[@]}" -x script load)
same_sha=$("${cli[@]}" script load "$same_lua")

# a create as createWithKV sends it: the key filter's hashes (random: existence check 'n', the database is not asked),
# no index specs, 8 fields, the event row, the two index keys
set_ours_argv n "${F0:-65536}"
ours=$(measure "${bench[@]}" EVALSHA "$ours_sha" 5 "$t:r:bench_orders:r__rand_int__" "$t:stream" "$t:filter" "$t:mode" "$t:bloom" \
  "${ours_argv[@]}")
same=$(measure "${bench[@]}" EVALSHA "$same_sha" 4 "$t:r:bench_orders:r__rand_int__" "$t:stream" \
  "$t:i:bench_orders:by_city:city-7" "$t:i:bench_orders:by_status:NEW" r__rand_int__ 1700000000000 "$row" "${fields[@]}" _v 1)

"${cli[@]}" --scan --pattern "$t*" | xargs -r -n 500 "${cli[@]}" del > /dev/null
awk -v o="$ours" -v s="$same" 'BEGIN { printf "write.lua create: %s us per call; same-effect script: %s us per call; ratio %.2f\n", o, s, o / s }'
