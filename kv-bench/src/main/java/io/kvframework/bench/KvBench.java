package io.kvframework.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.zaxxer.hikari.HikariDataSource;
import io.kvframework.bench.baseline.RedissonWriteBehind;
import io.kvframework.bench.baseline.SdOrder;
import io.kvframework.bench.baseline.SdOrderRepository;
import io.kvframework.bench.baseline.SpringDataRedis;
import io.kvframework.core.KvRepository;
import io.kvframework.drainer.Drainer;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.sql.SqlDatabase;
import io.kvframework.stream.EngineOptions;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.Servers;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.RedisClient;
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
import org.jooq.impl.DSL;

/**
 * Side-by-side benchmarks: each comparison measures KV Framework and its baseline in the same run,
 * alternating rounds, and reports the ratio. {@code --quick} takes about a minute.
 */
public final class KvBench {
    private final boolean quick;
    private final int threads = Integer.getInteger("kv.bench.threads", 16);
    private final List<Map<String, Object>> results = new ArrayList<>();
    private final PairedRuns runs;

    private KvBench(boolean quick) {
        this.quick = quick;
        this.runs = new PairedRuns(quick, threads);
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

    private void runAll() throws Exception {
        String only = System.getProperty("kv.bench.only", "");
        if (!System.getProperty("kv.bench.one", "").isEmpty()) {
            repositoryComparisons();
            report();
            return;
        }
        if (only.isEmpty() || only.equals("repository")) {
            section("repository", () -> {
                repositoryComparisons();
                redissonComparison();
            });
        }
        if (only.isEmpty() || only.equals("repository") || only.equals("memory")) {
            section("memory", () -> new MemoryBench(quick).run().forEach(this::add));
        }
        if (only.isEmpty() || only.equals("drain")) {
            section("drain", () -> {
                DrainBench drain = new DrainBench(quick);
                add(drain.throughput());
                add(drain.throughputMariaDb());
                add(new EvictionBench(quick).run());
                for (int rate : quick ? new int[] {5000, 20000} : new int[] {1000, 5000, 10000, 20000}) {
                    add(drain.lagAt(rate));
                }
            });
        }
        if (only.equals("lag")) {
            // the write-to-commit lag rounds of the drain section alone (5,000 and 20,000 writes/s)
            section("lag", () -> {
                DrainBench drain = new DrainBench(quick);
                for (int rate : new int[] {5000, 20000}) {
                    add(drain.lagAt(rate));
                }
            });
        }
        if (only.equals("eviction")) {
            section("eviction", () -> add(new EvictionBench(quick).run()));
        }
        if (only.equals("drain-throughput")) {
            // the PostgreSQL drain comparison alone (for profiling; -Dkv.bench.drainRows sets the rows of a round)
            section("drain-throughput", () -> add(new DrainBench(quick).throughput()));
        }
        if (only.isEmpty() || only.equals("growth")) {
            section("growth", () -> new GrowthBench(quick, runs::alone).run().forEach(this::add));
        }
        if (only.isEmpty() || only.equals("analytics")) {
            section("analytics", () -> new AnalyticsBench(quick).run().forEach(this::add));
        }
        report();
    }

    /** A part of the run that may throw. */
    @FunctionalInterface
    private interface Section {
        void run() throws Exception;
    }

    private static void section(String name, Section section) throws Exception {
        long t0 = System.nanoTime();
        section.run();
        System.out.printf(Locale.ROOT, "kv-bench: %s took %.0f s%n", name, (System.nanoTime() - t0) / 1e9);
    }

    private void add(Map<String, Object> row) {
        results.add(row);
        System.out.printf(Locale.ROOT, "%-60s ours %,10.1f  baseline %,10.1f  %s  ratio %.2f%n", row.get("name"),
                ((Number) row.get("ours")).doubleValue(), ((Number) row.get("baseline")).doubleValue(), row.get("unit"), row.get("ratio"));
    }

    /** The repository API against raw Lettuce and against a Spring Data Redis repository, same Redis, same JVM. */
    private void repositoryComparisons() throws Exception {
        RedisServer redis = Servers.redis();
        TestNamespace ns = TestNamespace.create();
        try (IsolatedDatabase db = Servers.postgres().isolated(ns.value());
                KvClient kv = KvClient.builder().redis(redis.redisUri()).dataSource(db.dataSource())
                        .options(KvOptions.builder().namespace(ns.value()).build()).build();
                SpringDataRedis spring = new SpringDataRedis(redis)) {
            ((HikariDataSource) db.dataSource()).setMaximumPoolSize(threads);
            DrainBench.createTable(kv);
            KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
            SdOrderRepository sd = spring.repository();
            // the raw baseline runs with the same Lettuce resources as KvClient (no per-command latency histograms)
            io.lettuce.core.resource.ClientResources rawResources = KvClient.clientResources();
            RedisClient raw = RedisClient.create(rawResources, redis.redisUri());
            try (StatefulRedisConnection<String, String> connection = raw.connect()) {
                RedisCommands<String, String> sync = connection.sync();
                runs.probe(sync);
                // -Dkv.bench.one=create,find,findAll,miss,async (any of them) runs only those comparisons (for profiling)
                List<String> one = List.of(System.getProperty("kv.bench.one", "").split(","));
                boolean all = one.equals(List.of(""));
                if (all || one.contains("create")) {
                    createComparison(kv, repo, sync);
                    compare("createWithKV vs a minimal script with the same effect (HSET row, SADD per index, XADD)",
                            n -> repo.createWithKV(BenchOrder.sample("e" + n, n)), BaselineOps.sameEffectCreate(kv, sync));
                    compare("createWithKV vs Spring Data Redis save() (2 @Indexed fields)",
                            n -> repo.createWithKV(BenchOrder.sample("s" + n, n)), n -> sd.save(SdOrder.sample("s" + n, n)));
                }
                if (all || one.contains("find")) {
                    findComparison(kv, repo, sync, sd);
                }
                if (all || one.contains("findAll")) {
                    findAllComparison(repo, sd);
                }
                if (all || one.contains("miss")) {
                    Harness.Op[] miss = BaselineOps.miss(kv, repo, quick);
                    compare("findOneWithKV (miss, read from PostgreSQL and cached) vs raw JDBC select by key", miss[0], miss[1]);
                }
                if (all || one.contains("async")) {
                    AsyncBench async = new AsyncBench(runs, threads);
                    add(async.asyncVsThreads(kv.asyncRepository(BenchOrderTable.MODEL), repo));
                    add(async.manyVsSingles(repo));
                }
            } finally {
                runs.probe(null);
                raw.shutdown();
                rawResources.shutdown();
            }
        }
    }

    /** createWithKV against the same Lua script called through raw Lettuce with the same arguments. */
    private void createComparison(KvClient kv, KvRepository<BenchOrder> repo, RedisCommands<String, String> sync) throws Exception {
        Harness.Op ours = n -> repo.createWithKV(BenchOrder.sample("k" + n, n));
        Harness.Op base = BaselineOps.rawCreate(kv, sync);
        compare("createWithKV vs raw Lettuce EVALSHA of the same script", ours, base);
    }

    /** findOneWithKV of a cached row against a raw HGETALL of the same hash and against Spring Data's findById. */
    private void findComparison(KvClient kv, KvRepository<BenchOrder> repo, RedisCommands<String, String> sync, SdOrderRepository sd)
            throws Exception {
        int rows = quick ? 5_000 : 10_000;
        List<BenchOrder> batch = new ArrayList<>();
        List<SdOrder> sdBatch = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            batch.add(BenchOrder.sample("f" + i, i));
            sdBatch.add(SdOrder.sample("f" + i, i));
            if (batch.size() == 1000) {
                repo.createManyWithKV(batch);
                sd.saveAll(sdBatch);
                batch.clear();
                sdBatch.clear();
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
        Harness.Op spring = n -> {
            if (sd.findById("f" + (n % rows)).isEmpty()) {
                throw new IllegalStateException("missing row in Spring Data");
            }
        };
        compare("findOneWithKV (hit) vs Spring Data Redis findById", ours, spring);
    }

    /** findAllWithKV on an indexed field with 10 matches against Spring Data's derived findByCity. */
    private void findAllComparison(KvRepository<BenchOrder> repo, SdOrderRepository sd) throws Exception {
        int groups = quick ? 500 : 1000;
        List<BenchOrder> batch = new ArrayList<>();
        List<SdOrder> sdBatch = new ArrayList<>();
        for (int i = 0; i < groups * 10; i++) {
            BenchOrder o = BenchOrder.sample("q" + i, i);
            batch.add(new BenchOrder(o.id(), "q-city-" + (i / 10), o.status(), o.customer(), o.total(), o.qty(), o.createdAt(), o.note()));
            SdOrder s = SdOrder.sample("q" + i, i);
            sdBatch.add(new SdOrder(s.id(), "q-city-" + (i / 10), s.status(), s.customer(), s.total(), s.qty(), s.createdAt(), s.note()));
            if (batch.size() == 1000) {
                repo.createManyWithKV(batch);
                sd.saveAll(sdBatch);
                batch.clear();
                sdBatch.clear();
            }
        }
        Harness.Op ours = n -> {
            int found = repo.findAllWithKV(BenchOrderTable.CITY.eq("q-city-" + (n % groups))).size();
            if (found != 10) {
                throw new IllegalStateException("findAllWithKV found " + found + " rows, expected 10");
            }
        };
        Harness.Op spring = n -> {
            int found = sd.findByCity("q-city-" + (n % groups)).size();
            if (found != 10) {
                throw new IllegalStateException("Spring Data findByCity found " + found + " rows, expected 10");
            }
        };
        compare("findAllWithKV by index (10 matches; merges PostgreSQL) vs Spring Data Redis findByCity", ours, spring);
        Harness.Op redisOnly = n -> {
            int found = repo.findAllFromKvRedis(BenchOrderTable.CITY.eq("q-city-" + (n % groups))).size();
            if (found != 10) {
                throw new IllegalStateException("findAllFromKvRedis found " + found + " rows, expected 10");
            }
        };
        compare("findAllFromKvRedis by index (10 matches; Redis only) vs Spring Data Redis findByCity", redisOnly, spring);
    }

    /**
     * findOneWithKV of a row that only the database holds (each call a different key; the row is
     * cached back as it is read) against a raw JDBC select by primary key on the same pool.
     */

    /**
     * createWithKV with the drainer writing behind into PostgreSQL, against Redisson's RMap.fastPut
     * with a write-behind MapWriter into the same PostgreSQL; afterwards both must have every row.
     */
    private void redissonComparison() throws Exception {
        RedisServer redis = Servers.redis();
        TestNamespace ns = TestNamespace.create();
        try (IsolatedDatabase db = Servers.postgres().isolated(ns.value());
                KvClient kv = KvClient.builder().redis(redis.redisUri()).dataSource(db.dataSource())
                        .options(KvOptions.builder().namespace(ns.value()).defaultTtl(Duration.ofMinutes(10)).build()).build();
                Drainer drainer = Drainer.builder(kv).models(BenchOrderTable.MODEL).createTables(true)
                        .engineOptions(EngineOptions.builder(Drainer.GROUP).batchSize(2000).build()).build().start();
                RedissonWriteBehind redisson = new RedissonWriteBehind(redis, db.dataSource(), threads)) {
            ((HikariDataSource) db.dataSource()).setMaximumPoolSize(threads);
            KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
            AtomicLong ourWrites = new AtomicLong();
            AtomicLong theirWrites = new AtomicLong();
            Harness.Op ours = n -> {
                repo.createWithKV(BenchOrder.sample("w" + n, n));
                ourWrites.incrementAndGet();
            };
            Harness.Op base = n -> {
                redisson.map().fastPut("w" + n, SdOrder.sample("w" + n, n));
                theirWrites.incrementAndGet();
            };
            compare("createWithKV + drainer vs Redisson RMap.fastPut + write-behind MapWriter (both into PostgreSQL)", ours, base);
            long t0 = System.nanoTime();
            if (!drainer.awaitDrained(Duration.ofMinutes(5))) {
                throw new IllegalStateException("the drainer did not catch up with " + ourWrites.get() + " creates");
            }
            long ourRows = SqlDatabase.of(kv.database()).dsl().fetchCount(DSL.table(DSL.name("bench_orders")));
            double ourCatchUp = (System.nanoTime() - t0) / 1e9;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (redisson.rowsInDatabase() < theirWrites.get() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            double theirCatchUp = (System.nanoTime() - t0) / 1e9;
            if (ourRows != ourWrites.get() || redisson.rowsInDatabase() != theirWrites.get()) {
                throw new IllegalStateException("rows in PostgreSQL after the write-behind comparison: ours " + ourRows + " of "
                        + ourWrites.get() + ", Redisson " + redisson.rowsInDatabase() + " of " + theirWrites.get());
            }
            Map<String, Object> last = results.get(results.size() - 1);
            last.put("ours_catch_up_s", Results.round2(ourCatchUp));
            last.put("baseline_catch_up_s", Results.round2(theirCatchUp));
            System.out.printf(Locale.ROOT, "  every row reached PostgreSQL: ours %d (%.1f s after the last write), Redisson %d (%.1f s)%n",
                    ourRows, ourCatchUp, redisson.rowsInDatabase(), theirCatchUp);
        }
    }

    private void compare(String name, Harness.Op ours, Harness.Op baseline) throws Exception {
        Harness.Result[] m = runs.measurePair(ours, baseline);
        Map<String, Object> row = Results.row(name, Math.round(m[0].opsPerSecond()), Math.round(m[1].opsPerSecond()), "ops/s", "higher");
        row.put("ours_p50_us", Results.round2(m[0].p50Micros()));
        row.put("ours_p99_us", Results.round2(m[0].p99Micros()));
        row.put("baseline_p50_us", Results.round2(m[1].p50Micros()));
        row.put("baseline_p99_us", Results.round2(m[1].p99Micros()));
        row.put("ours_jvm_cpu_us_per_op", Results.round2(m[0].jvmCpuMicrosPerOp()));
        row.put("baseline_jvm_cpu_us_per_op", Results.round2(m[1].jvmCpuMicrosPerOp()));
        row.put("threads", threads);
        double[] redisCpu = runs.lastRedisCpuMicrosPerOp();
        if (runs.probing()) {
            row.put("ours_redis_cpu_us_per_op", Results.round2(redisCpu[0]));
            row.put("baseline_redis_cpu_us_per_op", Results.round2(redisCpu[1]));
            double[] exec = runs.lastRedisExecMicrosPerOp();
            row.put("ours_redis_exec_us_per_op", Results.round2(exec[0]));
            row.put("baseline_redis_exec_us_per_op", Results.round2(exec[1]));
        }
        results.add(row);
        System.out.printf(Locale.ROOT, "%-60s ours %,10.0f ops/s  baseline %,10.0f ops/s  ratio %.2f  (p99 %.0f vs %.0f us;"
                + " JVM CPU/op %.0f vs %.0f us; Redis CPU/op %.1f vs %.1f us)%n", name, m[0].opsPerSecond(), m[1].opsPerSecond(),
                m[0].opsPerSecond() / m[1].opsPerSecond(), m[0].p99Micros(), m[1].p99Micros(), m[0].jvmCpuMicrosPerOp(),
                m[1].jvmCpuMicrosPerOp(), redisCpu[0], redisCpu[1]);
    }

    private void report() throws Exception {
        // the same table, in Markdown, on stdout and next to the JSON (docs/performance.md takes it as it is)
        StringBuilder md = new StringBuilder();
        md.append("| comparison | ours | baseline | unit | ratio | better | ours p50 / p99 | baseline p50 / p99 |\n");
        md.append("|---|---:|---:|---|---:|---|---|---|\n");
        for (Map<String, Object> r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %,.1f | %,.1f | %s | **%.2f** | %s | %s | %s |%n", r.get("name"),
                    ((Number) r.get("ours")).doubleValue(), ((Number) r.get("baseline")).doubleValue(), r.get("unit"),
                    ((Number) r.get("ratio")).doubleValue(), r.getOrDefault("better", ""),
                    r.containsKey("ours_p50_us") ? r.get("ours_p50_us") + " / " + r.get("ours_p99_us") + " us"
                            : r.containsKey("p50_ms") ? r.get("p50_ms") + " / " + r.get("ours") + " ms" : "",
                    r.containsKey("baseline_p50_us") ? r.get("baseline_p50_us") + " / " + r.get("baseline_p99_us") + " us" : ""));
        }
        System.out.println();
        System.out.print(md);
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
        Files.writeString(dir.resolve("latest.md"), md);
        System.out.println("kv-bench: wrote " + out.toAbsolutePath() + " and latest.md");
    }
}
