package io.kvframework.bench;

import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.testkit.Servers;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.ScoredValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The drainer's eviction sweep ({@code KvAdmin.evictDue}, a shard's due evictions pipelined) against
 * the same evictions made one round trip each ({@code KvAdmin.evict} per due member, as the sweep
 * did before): rows/s of emptying the due schedules of every shard, same rows, same Redis.
 */
final class EvictionBench {
    private final boolean quick;

    EvictionBench(boolean quick) {
        this.quick = quick;
    }

    Map<String, Object> run() throws Exception {
        int rows = quick ? 20_000 : 100_000;
        int rounds = quick ? 3 : 5;
        TestNamespace ns = TestNamespace.create();
        try (KvClient kv = KvClient.builder().redis(Servers.redis().redisUri()).options(KvOptions.builder().namespace(ns.value()).build())
                .build()) {
            KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
            List<Double> ours = new ArrayList<>();
            List<Double> base = new ArrayList<>();
            // a warm-up round of each side, not counted, then rounds alternating which side goes first
            for (int r = 0; r <= rounds; r++) {
                for (int side = 0; side < 2; side++) {
                    boolean sweep = (side == 0) == (r % 2 == 0);
                    String prefix = "v" + r + (sweep ? "s" : "o") + "-";
                    DrainBench.fill(repo, prefix, rows);
                    schedule(kv, prefix, rows);
                    long t0 = System.nanoTime();
                    long evicted = sweep ? sweepAll(kv) : oneByOne(kv);
                    double rate = evicted / ((System.nanoTime() - t0) / 1e9);
                    if (evicted != rows) {
                        throw new IllegalStateException((sweep ? "the sweep" : "one by one") + " evicted " + evicted + " of " + rows);
                    }
                    if (r > 0) {
                        (sweep ? ours : base).add(rate);
                    }
                }
            }
            return Results.row("eviction sweep rows/s (a shard's due evictions pipelined) vs the same evictions one round trip each ("
                    + rows + " rows a round, 64 shards, median of " + rounds + " rounds)", Math.round(Results.median(ours)), Math.round(Results.median(base)),
                    "rows/s", "higher");
        }
    }

    /** Schedules every row for eviction now, as the drainer would after draining it (version 1). */
    private static void schedule(KvClient kv, String prefix, int rows) {
        KvKeys keys = kv.keys();
        Map<Integer, List<ScoredValue<String>>> byShard = new HashMap<>();
        for (int i = 0; i < rows; i++) {
            String pk = prefix + i;
            byShard.computeIfAbsent(keys.shard("bench_orders", pk), s -> new ArrayList<>())
                    .add(ScoredValue.just(1, "bench_orders:" + pk + ":1"));
        }
        byShard.forEach((shard, members) -> {
            @SuppressWarnings("unchecked")
            ScoredValue<String>[] array = members.toArray(new ScoredValue[0]);
            io.kvframework.redis.support.Futures.await(kv.redis().zadd(keys.expiryKey(shard), array), kv.options().commandTimeout(),
                    "scheduling");
        });
    }

    private static long sweepAll(KvClient kv) {
        long evicted = 0;
        long now = System.currentTimeMillis();
        for (int shard = 0; shard < kv.keys().shards(); shard++) {
            int n;
            do {
                n = kv.admin().evictDue(shard, now, 1000);
                evicted += n;
            } while (n > 0);
        }
        return evicted;
    }

    private static long oneByOne(KvClient kv) {
        long evicted = 0;
        long now = System.currentTimeMillis();
        for (int shard = 0; shard < kv.keys().shards(); shard++) {
            List<String> due;
            do {
                due = io.kvframework.redis.support.Futures.await(kv.redis().zrangebyscore(kv.keys().expiryKey(shard),
                        io.lettuce.core.Range.create(Double.NEGATIVE_INFINITY, (double) now), io.lettuce.core.Limit.create(0, 1000)),
                        kv.options().commandTimeout(), "reading due evictions");
                for (String member : due) {
                    int first = member.indexOf(':');
                    int last = member.lastIndexOf(':');
                    if (kv.admin().evict(member.substring(0, first), member.substring(first + 1, last),
                            Long.parseLong(member.substring(last + 1)), member) == 1) {
                        evicted++;
                    }
                }
            } while (!due.isEmpty());
        }
        return evicted;
    }

}
