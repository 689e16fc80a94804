#!/usr/bin/env bash
# Redis's work per create, counted in CPU instructions instead of timed: a redis-server of its own runs
# under valgrind's callgrind, redis-benchmark sends the creates, and the instructions Redis executed
# while it served them (protocol, networking and the script) are divided by their number. Unlike the
# timings of script-cost.sh, the count is the same from run to run on a busy machine, so a change to a
# script can be judged by it. Compares write.lua (as createWithKV sends a create: key filter on,
# check 'b', two index keys, 8 fields) with the least script of the same effect.
#
#   bash kv-bench/scripts/script-instructions.sh [creates per side, default 5000]
#   PRE=20000 ...   creates made before counting (the key filter then has more layers to look at)
#   F0=8192 ...     bits of the filter's first layer (KvOptions.keyFilterInitialBits, default 2^13)
#   FILTER=positions ...  the key filter made in the positions layout of versions before words (as an
#                   upgraded application finds it) instead of a new one
#
# Needs valgrind (callgrind_control, callgrind_annotate), redis-server, redis-cli and redis-benchmark on
# PATH. Each side takes about 15 s here (callgrind runs Redis some 50 times slower).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
lua="$here/kv-redis/src/main/resources/io/kvframework/redis/internal"
n="${1:-5000}"
pre="${PRE:-0}"
f0="${F0:-8192}"
port="${PORT:-6399}"
work="$(mktemp -d)"
trap 'redis-cli -p "$port" shutdown nosave > /dev/null 2>&1 || true; rm -rf "$work"' EXIT
t="{kv-script-instr}"
# shellcheck source=create-args.sh
source "$here/kv-bench/scripts/create-args.sh"

# creates of one side: "ours" or "same"
send() {
  local side="$1" count="$2" sha="$3"
  [ "$count" -gt 0 ] || return 0
  if [ "$side" = ours ]; then
    set_ours_argv b "$f0"
    redis-benchmark -p "$port" -n "$count" -c 4 -r 100000000 -q EVALSHA "$sha" 5 "$t:r:bench_orders:r__rand_int__" "$t:stream" \
      "$t:filter" "$t:mode" "$t:bloom" "${ours_argv[@]}" > /dev/null
  else
    redis-benchmark -p "$port" -n "$count" -c 4 -r 100000000 -q EVALSHA "$sha" 4 "$t:r:bench_orders:r__rand_int__" "$t:stream" \
      "$t:i:bench_orders:by_city:city-7" "$t:i:bench_orders:by_status:NEW" r__rand_int__ 1700000000000 "$row" "${fields[@]}" _v 1 > /dev/null
  fi
}

# instructions per create of one side, in a fresh server
count() {
  local side="$1"
  valgrind --tool=callgrind --callgrind-out-file="$work/$side.%p" redis-server --port "$port" --save "" --appendonly no \
    > "$work/$side.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do redis-cli -p "$port" ping > /dev/null 2>&1 && break; sleep 0.3; done
  local sha
  if [ "$side" = ours ]; then sha=$(cat "$lua/common.lua" "$lua/write.lua" | redis-cli -p "$port" -x script load); else sha=$(redis-cli -p "$port" script load "$same_lua"); fi
  if [ "${FILTER:-words}" = positions ]; then
    # the header of a 32-bit-per-key filter of the positions layout: old filter looked for, log2 of f0, bits per key; bit 44 zero
    redis-cli -p "$port" BITFIELD "$t:filter" SET u2 32 2 SET u6 34 "$(awk -v f="$f0" 'BEGIN { print log(f) / log(2) }')" SET u4 40 5 > /dev/null
  fi
  send "$side" "$pre" "$sha"
  callgrind_control -z "$pid" > /dev/null 2>&1
  send "$side" "$n" "$sha"
  callgrind_control -d "$pid" > /dev/null 2>&1
  redis-cli -p "$port" shutdown nosave > /dev/null 2>&1 || true
  wait "$pid" || true
  # the dump holds what ran since the reset; the file written at exit, the shutdown
  local dump
  dump=$(ls "$work/$side".*.1)
  callgrind_annotate "$dump" 2> /dev/null | awk -v n="$n" '/PROGRAM TOTALS/ { gsub(",", "", $1); printf "%d", $1 / n }'
}

ours=$(count ours)
same=$(count same)
awk -v o="$ours" -v s="$same" -v p="$pre" -v f="$f0" 'BEGIN {
  printf "instructions per create (Redis, callgrind; %d creates made before, first filter layer %d bits): write.lua %d, same-effect script %d, ratio %.2f\n", p, f, o, s, o / s }'
