package io.kvframework.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.zaxxer.hikari.HikariDataSource;
import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.internal.Script;
import io.kvframework.redis.sql.SqlTable;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.Servers;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Side-by-side benchmarks: each comparison measures KV Framework and its baseline in the same run,
 * alternating rounds, and reports the ratio. {@code --quick} takes about a minute.
 */
public final class KvBench {
    private final boolean quick;
    private final int threads = Integer.getInteger("kv.bench.threads", 16);
    private final List<Map<String, Object>> results = new ArrayList<>();

    private KvBench(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        KvBench bench = new KvBench(quick);
        int code = 0;
        try {
            bench.runAll();
        } catch (Exception e) {
            System.err.println("kv-bench: FAILED: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    private Duration warmup() {
        return Duration.ofSeconds(quick ? 3 : 8);
    }

    private Duration measure() {
        return Duration.ofSeconds(quick ? 3 : 8);
    }

    private int rounds() {
        return quick ? 2 : 4;
    }

    private void runAll() throws Exception {
        String only = System.getProperty("kv.bench.only", "");
        if (only.equals("analytics")) {
            new AnalyticsBench(quick).run().forEach(this::add);
            report();
            return;
        }
        if (only.equals("drain")) {
            DrainBench drain = new DrainBench(quick);
            add(drain.throughput());
            for (int rate : quick ? new int[] {1000, 5000} : new int[] {1000, 5000, 10000}) {
                add(drain.lagAt(rate));
            }
            report();
            return;
        }
        RedisServer redis = Servers.redis();
        TestNamespace ns = TestNamespace.create();
        try (IsolatedDatabase db = Servers.postgres().isolated(ns.value());
                KvClient kv = KvClient.builder().redis(redis.redisUri()).dataSource(db.dataSource())
                        .options(KvOptions.builder().namespace(ns.value()).build()).build()) {
            ((HikariDataSource) db.dataSource()).setMaximumPoolSize(threads);
            new SqlTable<>(BenchOrderTable.MODEL, kv.dialect()).createTable(kv.dsl()).forEach(q -> q.execute());
            KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
            RedisClient raw = RedisClient.create(redis.redisUri());
            try (StatefulRedisConnection<String, String> connection = raw.connect()) {
                RedisCommands<String, String> sync = connection.sync();
                createComparison(kv, repo, sync);
                findComparison(kv, repo, sync);
            } finally {
                raw.shutdown();
            }
        }
        DrainBench drain = new DrainBench(quick);
        add(drain.throughput());
        for (int rate : quick ? new int[] {1000, 5000} : new int[] {1000, 5000, 10000}) {
            add(drain.lagAt(rate));
        }
        new AnalyticsBench(quick).run().forEach(this::add);
        report();
    }

    private void add(Map<String, Object> row) {
        results.add(row);
        System.out.printf(Locale.ROOT, "%-60s ours %,10.1f  baseline %,10.1f  %s  ratio %.2f%n", row.get("name"),
                ((Number) row.get("ours")).doubleValue(), ((Number) row.get("baseline")).doubleValue(), row.get("unit"), row.get("ratio"));
    }

    /** createWithKV against the same Lua script called through raw Lettuce with the same arguments. */
    private void createComparison(KvClient kv, KvRepository<BenchOrder> repo, RedisCommands<String, String> sync) throws Exception {
        Script write = Script.loadRowScript("write");
        sync.scriptLoad(write.source());
        KvKeys keys = kv.keys();
        String ns = kv.options().namespace();
        Harness.Op ours = n -> repo.createWithKV(BenchOrder.sample("k" + n, n));
        Harness.Op base = n -> {
            String pk = "r" + n;
            int shard = keys.shard("bench_orders", pk);
            String tag = "{" + ns + ":" + shard + "}";
            long[] bits = keys.filterBits("bench_orders", pk, kv.options().keyFilterBits());
            sync.evalsha(write.sha(), ScriptOutputType.MULTI,
                    new String[] {tag + ":r:bench_orders:" + pk, tag + ":stream", tag + ":bloom", tag + ":mode"},
                    "c", "", "bench_orders", pk, "b", tag + ":i:bench_orders:", "4", Long.toString(bits[0]), Long.toString(bits[1]),
                    Long.toString(bits[2]), Long.toString(bits[3]),
                    "2", "by_city", "1", "city", "by_status", "1", "status",
                    "8", "id", pk, "city", "city-" + (n % 100), "status", n % 2 == 0 ? "NEW" : "PAID", "customer", "customer-" + (n % 1000),
                    "total", "19.99", "qty", Long.toString(n % 7), "created_at", Instant.ofEpochSecond(1_700_000_000L + n).toString(),
                    "note", "benchmark row", "0");
        };
        compare("createWithKV vs raw Lettuce EVALSHA of the same script", ours, base);
    }

    /** findOneWithKV of a cached row against a raw HGETALL of the same hash. */
    private void findComparison(KvClient kv, KvRepository<BenchOrder> repo, RedisCommands<String, String> sync) throws Exception {
        int rows = 10_000;
        List<BenchOrder> batch = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            batch.add(BenchOrder.sample("f" + i, i));
            if (batch.size() == 1000) {
                repo.createManyWithKV(batch);
                batch.clear();
            }
        }
        KvKeys keys = kv.keys();
        Harness.Op ours = n -> {
            if (repo.findOneWithKV(BenchOrderTable.ID.eq("f" + (n % rows))).isEmpty()) {
                throw new IllegalStateException("missing row");
            }
        };
        Harness.Op base = n -> {
            String pk = "f" + (n % rows);
            if (sync.hgetall(keys.rowKey(keys.shard("bench_orders", pk), "bench_orders", pk)).isEmpty()) {
                throw new IllegalStateException("missing row");
            }
        };
        compare("findOneWithKV (hit) vs raw HGETALL", ours, base);
    }

    private void compare(String name, Harness.Op ours, Harness.Op baseline) throws Exception {
        List<Harness.Result> o = new ArrayList<>();
        List<Harness.Result> b = new ArrayList<>();
        AtomicLong ourCounter = new AtomicLong();
        AtomicLong baseCounter = new AtomicLong();
        Harness.warmup(threads, warmup(), ours, ourCounter);
        Harness.warmup(threads, warmup(), baseline, baseCounter);
        // rounds alternate which side goes first (AB, BA, ...), so drift hits both alike
        for (int r = 0; r < rounds(); r++) {
            if (r % 2 == 0) {
                o.add(Harness.run(threads, measure(), ours, ourCounter));
                b.add(Harness.run(threads, measure(), baseline, baseCounter));
            } else {
                b.add(Harness.run(threads, measure(), baseline, baseCounter));
                o.add(Harness.run(threads, measure(), ours, ourCounter));
            }
        }
        Harness.Result ourMedian = median(o);
        Harness.Result baseMedian = median(b);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("ours", round(ourMedian.opsPerSecond()));
        row.put("baseline", round(baseMedian.opsPerSecond()));
        row.put("unit", "ops/s");
        row.put("ratio", round2(ourMedian.opsPerSecond() / baseMedian.opsPerSecond()));
        row.put("ours_p50_us", round2(ourMedian.p50Micros()));
        row.put("ours_p99_us", round2(ourMedian.p99Micros()));
        row.put("baseline_p50_us", round2(baseMedian.p50Micros()));
        row.put("baseline_p99_us", round2(baseMedian.p99Micros()));
        row.put("ours_jvm_cpu_us_per_op", round2(ourMedian.jvmCpuMicrosPerOp()));
        row.put("baseline_jvm_cpu_us_per_op", round2(baseMedian.jvmCpuMicrosPerOp()));
        row.put("threads", threads);
        results.add(row);
        System.out.printf(Locale.ROOT, "%-60s ours %,10.0f ops/s  baseline %,10.0f ops/s  ratio %.2f  (JVM cpu/op %.1f vs %.1f us)%n",
                name, ourMedian.opsPerSecond(), baseMedian.opsPerSecond(), ourMedian.opsPerSecond() / baseMedian.opsPerSecond(),
                ourMedian.jvmCpuMicrosPerOp(), baseMedian.jvmCpuMicrosPerOp());
    }

    private static Harness.Result median(List<Harness.Result> results) {
        List<Harness.Result> sorted = new ArrayList<>(results);
        sorted.sort(java.util.Comparator.comparingDouble(Harness.Result::opsPerSecond));
        return sorted.get(sorted.size() / 2);
    }

    private static double round(double v) {
        return Math.round(v);
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private void report() throws Exception {
        System.out.println();
        System.out.printf(Locale.ROOT, "| %-58s | %12s | %12s | %6s | %-20s | %-20s |%n", "comparison", "ours", "baseline", "ratio",
                "ours p50/p99 us", "base p50/p99 us");
        for (Map<String, Object> r : results) {
            System.out.printf(Locale.ROOT, "| %-58s | %,12.1f | %,12.1f | %6.2f | %-20s | %-20s |%n", r.get("name"),
                    ((Number) r.get("ours")).doubleValue(), ((Number) r.get("baseline")).doubleValue(), ((Number) r.get("ratio")).doubleValue(),
                    r.containsKey("ours_p50_us") ? r.get("ours_p50_us") + " / " + r.get("ours_p99_us") : r.getOrDefault("p50_ms", "") + "",
                    r.containsKey("baseline_p50_us") ? r.get("baseline_p50_us") + " / " + r.get("baseline_p99_us") : "");
        }
        Path dir = Files.isDirectory(Path.of("kv-bench")) ? Path.of("kv-bench", "results") : Path.of("results");
        Files.createDirectories(dir);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", Instant.now().toString());
        doc.put("mode", quick ? "quick" : "full");
        doc.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version"));
        doc.put("servers", Servers.describeProvided());
        doc.put("results", results);
        Path out = dir.resolve("latest.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
        System.out.println("kv-bench: wrote " + out.toAbsolutePath());
    }
}
