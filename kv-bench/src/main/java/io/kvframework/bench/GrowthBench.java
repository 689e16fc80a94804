package io.kvframework.bench;

import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.Servers;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How cost grows with work: drain throughput and write-to-commit lag as shards (16, 64, 256) and
 * drainer instances (1, 2, 4) grow, and create throughput and read latency as the rows held in
 * Redis grow (10^4, 10^5, 10^6). Each row's baseline is the smallest configuration of its series.
 */
final class GrowthBench {
    /** Measures one operation from the benchmark's callers the way the comparisons do. */
    @FunctionalInterface
    interface Measurer {
        Harness.Result measure(Harness.Op op) throws Exception;
    }

    private final boolean quick;
    private final Measurer measurer;
    private final List<Map<String, Object>> rows = new ArrayList<>();

    GrowthBench(boolean quick, Measurer measurer) {
        this.quick = quick;
        this.measurer = measurer;
    }

    List<Map<String, Object>> run() throws Exception {
        // quick: the ends of each series only, small windows; a backlog that takes longer to drain than taking the shards
        int backlog = quick ? 40_000 : 100_000;
        int rate = 2000;
        Duration window = Duration.ofSeconds(quick ? 2 : 10);
        double firstRate = 0;
        double firstP99 = 0;
        for (int shards : quick ? new int[] {16, 256} : new int[] {16, 64, 256}) {
            double drained = DrainBench.drainRate(shards, 1, backlog);
            if (shards == 16) {
                firstRate = drained;
            }
            add("drain rows/s with " + shards + " shards, 1 drainer (baseline: 16 shards)", drained, firstRate, "rows/s", "higher");
            if (!quick) {
                DrainBench.Lag lag = DrainBench.lag(rate, shards, 1, window);
                if (shards == 16) {
                    firstP99 = Math.max(1, lag.p99());
                }
                add("lag p99 at " + rate + " writes/s with " + shards + " shards, 1 drainer (baseline: 16 shards)", lag.p99(), firstP99,
                        "ms", "lower");
            }
        }
        for (int instances : quick ? new int[] {1, 4} : new int[] {1, 2, 4}) {
            double drained = DrainBench.drainRate(KvOptions.DEFAULT_SHARDS, instances, backlog);
            if (instances == 1) {
                firstRate = drained;
            }
            add("drain rows/s with " + instances + " drainers from their start, 64 shards (baseline: 1 drainer)", drained, firstRate, "rows/s", "higher");
            if (!quick) {
                DrainBench.Lag lag = DrainBench.lag(rate, KvOptions.DEFAULT_SHARDS, instances, window);
                if (instances == 1) {
                    firstP99 = Math.max(1, lag.p99());
                }
                add("lag p99 at " + rate + " writes/s with " + instances + " drainers, 64 shards (baseline: 1 drainer)", lag.p99(), firstP99,
                        "ms", "lower");
            }
        }
        int[] sizes = quick ? new int[] {10_000, 100_000} : new int[] {10_000, 100_000, 1_000_000};
        double firstCreate = 0;
        double firstRead = 0;
        RedisServer redis = Servers.redis();
        for (int size : sizes) {
            TestNamespace ns = TestNamespace.create();
            try (KvClient kv = KvClient.builder().redis(redis.redisUri()).options(KvOptions.builder().namespace(ns.value()).build()).build()) {
                KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
                DrainBench.fill(repo, "g", size);
                Harness.Result create = measurer.measure(n -> repo.createWithKV(BenchOrder.sample("n" + n, n)));
                Harness.Result read = measurer.measure(n -> {
                    if (repo.findOneWithKV(BenchOrderTable.ID.eq("g" + Math.floorMod(n * 7919L, size))).isEmpty()) {
                        throw new IllegalStateException("missing row");
                    }
                });
                if (size == sizes[0]) {
                    firstCreate = create.opsPerSecond();
                    firstRead = Math.max(1, read.p99Micros());
                }
                add("createWithKV ops/s with " + size + " rows in Redis (baseline: 10^4 rows)", create.opsPerSecond(), firstCreate, "ops/s",
                        "higher");
                add("findOneWithKV p99 with " + size + " rows in Redis (baseline: 10^4 rows)", read.p99Micros(), firstRead, "us", "lower");
                // free the memory for the next size (only this namespace's keys: the server may be shared)
                deleteNamespace(kv);
            }
        }
        return rows;
    }

    /** UNLINKs every key of the client's namespace. */
    static void deleteNamespace(KvClient kv) throws Exception {
        var redis = kv.redis();
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.KeyScanCursor<String> page = redis.scan(cursor,
                    io.lettuce.core.ScanArgs.Builder.matches(kv.keys().namespacePattern()).limit(1000)).get(30, TimeUnit.SECONDS);
            if (!page.getKeys().isEmpty()) {
                redis.unlink(page.getKeys().toArray(String[]::new)).get(30, TimeUnit.SECONDS);
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private void add(String name, double ours, double baseline, String unit, String better) {
        rows.add(Results.row(name, ours, baseline, unit, better));
        System.out.printf(Locale.ROOT, "  growth: %s: %.1f %s%n", name, ours, unit);
    }
}
