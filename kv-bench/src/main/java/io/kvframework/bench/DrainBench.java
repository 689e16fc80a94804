package io.kvframework.bench;

import io.kvframework.core.KvRepository;
import io.kvframework.core.spi.DbRow;
import io.kvframework.drainer.Drainer;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.sql.SqlDatabase;
import io.kvframework.sql.SqlTable;
import io.kvframework.stream.EngineOptions;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.Servers;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jooq.impl.DSL;

/** Drainer figures: throughput against a raw multi-row upsert, and write-to-commit lag at fixed write rates. */
final class DrainBench {
    private static final int WARM_ROWS = 2000;
    /**
     * Rows of a round of the drain comparisons, quick mode too: at 40,000 rows (about a second) the
     * JIT compiler threads used 40–60 % of this JVM's CPU during each drainer round, recompiling what
     * the fill and the other side's round had deoptimised, and the figure measured that.
     */
    private static final int COMPARED_ROWS = 100_000;
    private final boolean quick;

    DrainBench(boolean quick) {
        this.quick = quick;
    }

    private static KvClient client(RedisServer redis, IsolatedDatabase db, TestNamespace ns, int shards) {
        return KvClient.builder().redis(redis.redisUri()).dataSource(db.dataSource())
                .options(KvOptions.builder().namespace(ns.value()).shards(shards).defaultTtl(Duration.ofMinutes(10)).build()).build();
    }

    /** Creates the benchmark's table in the client's database, as the drainer would. */
    static void createTable(KvClient kv) {
        new SqlTable<>(BenchOrderTable.MODEL, kv.dialect()).createTable(SqlDatabase.of(kv.database()).dsl()).forEach(q -> q.execute());
    }

    /**
     * Rows/s of {@code instances} drainers (one JVM) draining a backlog of {@code rows} written to
     * {@code shards} shards, timed from their start (taking the shards included, so that one and
     * several instances are measured alike).
     */
    static double drainRate(int shards, int instances, int rows) throws Exception {
        RedisServer redis = Servers.redis();
        TestNamespace ns = TestNamespace.create();
        try (IsolatedDatabase db = Servers.postgres().isolated(ns.value()); KvClient kv = client(redis, db, ns, shards)) {
            createTable(kv);
            return drainRate(kv, instances, rows, true);
        }
    }

    private static double drainRate(KvClient kv, int instances, int rows, boolean fromStart) throws Exception {
        KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
        // warm-up: the JIT and the connections, with a first drainer that then stops
        fill(repo, "w", WARM_ROWS);
        try (Drainer warm = drainer(kv, "warm")) {
            warm.awaitDrained(Duration.ofMinutes(2));
        }
        double rate = drainRound(kv, "d", instances, rows, fromStart);
        checkCount(kv, "bench_orders", rows + WARM_ROWS);
        return rate;
    }

    /**
     * Fills a backlog of {@code rows} new rows (keys {@code prefix<i>}) and drains it with
     * {@code instances} new drainers; rows/s. One instance compared with a load is timed from the
     * moment it owns every shard, over what is left of the backlog then (taking the shards is not
     * draining, and it drains the first shards meanwhile); when instances are compared
     * ({@code fromStart}), every count is timed from the start over the whole backlog, because
     * sharing the shards among them is part of scaling out. The end is the last commit, not when
     * the polling notices it.
     */
    private static double drainRound(KvClient kv, String prefix, int instances, int rows, boolean fromStart) throws Exception {
        return drainRound(kv, prefix, instances, rows, fromStart, new ProcessCpu.Tally());
    }

    private static double drainRound(KvClient kv, String prefix, int instances, int rows, boolean fromStart, ProcessCpu.Tally cpu)
            throws Exception {
        fill(kv.repository(BenchOrderTable.MODEL), prefix, rows);
        List<Drainer> drainers = new ArrayList<>();
        cpu.start();
        try {
            long t0 = System.nanoTime();
            long work = rows;
            AtomicLong lastCommit = new AtomicLong();
            for (int i = 0; i < instances; i++) {
                Drainer d = drainer(kv, prefix + i);
                d.engine().addCommitListener(events -> lastCommit.set(System.nanoTime()));
                drainers.add(d);
            }
            if (!fromStart) {
                while (drainers.get(0).engine().ownedShards().size() < kv.keys().shards()) {
                    Thread.sleep(1);
                }
                t0 = System.nanoTime();
                work = drainers.get(0).engine().backlog();
            }
            if (!drainers.get(0).awaitDrained(Duration.ofMinutes(5))) {
                throw new IllegalStateException("drainers did not drain " + rows + " rows within 5 minutes");
            }
            cpu.stop(rows);
            return work / ((lastCommit.get() - t0) / 1e9);
        } finally {
            for (Drainer d : drainers) {
                d.close();
            }
        }
    }

    private static void checkCount(KvClient kv, String table, long expected) {
        long count = SqlDatabase.of(kv.database()).dsl().fetchCount(DSL.table(DSL.name(table)));
        if (count != expected) {
            throw new IllegalStateException(table + " holds " + count + " rows, expected " + expected);
        }
    }

    /** A baseline load of the rows given, into the table {@code bench_orders_raw}; rows/s. */
    private interface Load {
        double rowsPerSecond(List<DbRow> rows) throws Exception;
    }

    /**
     * The drainer against a load into the same database: a warm-up round of each side that is not
     * counted (the JIT compiles the drainer's path before the clock runs), then {@code rounds}
     * rounds alternating which side goes first, each with {@code rows} new rows into a table that
     * grows alike on both sides; the median round of each. Returns {ours, baseline}.
     */
    private Comparison compare(KvClient kv, int rows, Load baseline) throws Exception {
        int rounds = quick ? 3 : 5;
        List<Double> ours = new ArrayList<>();
        List<Double> base = new ArrayList<>();
        ProcessCpu.Tally oursCpu = new ProcessCpu.Tally();
        ProcessCpu.Tally baseCpu = new ProcessCpu.Tally();
        for (int r = 0; r <= rounds; r++) {
            String prefix = "d" + r + "-";
            boolean oursFirst = r % 2 == 0;
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == oursFirst) {
                    double rate = drainRound(kv, prefix, 1, rows, false, r > 0 ? oursCpu : new ProcessCpu.Tally());
                    if (r > 0) {
                        ours.add(rate);
                    }
                } else {
                    List<DbRow> all = new ArrayList<>();
                    for (int i = 0; i < rows; i++) {
                        all.add(new DbRow(BenchOrderTable.MODEL.values(BenchOrder.sample(prefix + i, i)), 1));
                    }
                    ProcessCpu.Tally cpu = r > 0 ? baseCpu : new ProcessCpu.Tally();
                    cpu.start();
                    double rate = baseline.rowsPerSecond(all);
                    cpu.stop(rows);
                    if (r > 0) {
                        base.add(rate);
                    }
                }
            }
        }
        checkCount(kv, "bench_orders", (long) rows * (rounds + 1));
        checkCount(kv, "bench_orders_raw", (long) rows * (rounds + 1));
        return new Comparison(Results.median(ours), Results.median(base), oursCpu.perUnit(), baseCpu.perUnit());
    }

    /** The medians of a drain comparison and the CPU per row each side used, by process. */
    private record Comparison(double ours, double base, Map<String, Double> oursCpu, Map<String, Double> baseCpu) {
        String cpu() {
            return "; CPU per row: ours " + ProcessCpu.describe(oursCpu) + ", baseline " + ProcessCpu.describe(baseCpu);
        }
    }


    /** Rows/s of the drainer draining a backlog, against the fastest PostgreSQL load of the same rows, same server. */
    Map<String, Object> throughput() throws Exception {
        int rows = Integer.getInteger("kv.bench.drainRows", COMPARED_ROWS);
        RedisServer redis = Servers.redis();
        TestNamespace ns = TestNamespace.create();
        try (IsolatedDatabase db = Servers.postgres().isolated(ns.value()); KvClient kv = client(redis, db, ns, KvOptions.DEFAULT_SHARDS)) {
            createTable(kv);
            // baseline: the same rows loaded the fastest way PostgreSQL offers (COPY + one version-guarded upsert per chunk, 2 connections)
            SqlDatabase.of(kv.database()).dsl().execute("create table bench_orders_raw (like bench_orders including all)");
            SqlTable<BenchOrder> table = new SqlTable<>(BenchOrderTable.MODEL, kv.dialect());
            Comparison r = compare(kv, rows, all -> CopyLoad.rowsPerSecond(db.dataSource(), table, "bench_orders_raw", all, 2000, 2));
            return Results.row("drainer rows/s vs the fastest PostgreSQL load (COPY + version-guarded INSERT … ON CONFLICT,"
                    + " 2 connections; " + rows + " rows a round, median of " + (quick ? 3 : 5) + " rounds" + r.cpu() + ")",
                    Math.round(r.ours()), Math.round(r.base()), "rows/s", "higher");
        }
    }

    /** The same comparison on MariaDB: the drainer against prepared multi-row version-guarded upserts on 2 connections. */
    Map<String, Object> throughputMariaDb() throws Exception {
        int rows = Integer.getInteger("kv.bench.drainRows", COMPARED_ROWS);
        RedisServer redis = Servers.redis();
        TestNamespace ns = TestNamespace.create();
        try (IsolatedDatabase db = Servers.mariadb().isolated(ns.value()); KvClient kv = client(redis, db, ns, KvOptions.DEFAULT_SHARDS)) {
            SqlTable<BenchOrder> table = new SqlTable<>(BenchOrderTable.MODEL, kv.dialect());
            table.createTable(SqlDatabase.of(kv.database()).dsl()).forEach(q -> q.execute());
            SqlDatabase.of(kv.database()).dsl().execute("create table bench_orders_raw like bench_orders");
            Comparison r = compare(kv, rows, all -> MariaLoad.rowsPerSecond(db.dataSource(), table, "bench_orders_raw", all, 2000, 500, 2));
            return Results.row("drainer rows/s into MariaDB vs prepared multi-row version-guarded INSERT … ON DUPLICATE KEY UPDATE"
                    + " (500 rows per statement, 2,000 per transaction, 2 connections; " + rows + " rows a round, median of "
                    + (quick ? 3 : 5) + " rounds" + r.cpu() + ")", Math.round(r.ours()), Math.round(r.base()), "rows/s", "higher");
        }
    }

    /** Creates {@code rows} sample orders, 1,000 per pipelined call. */
    static void fill(KvRepository<BenchOrder> repo, String prefix, int rows) {
        List<BenchOrder> batch = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            batch.add(BenchOrder.sample(prefix + i, i));
            if (batch.size() == 1000) {
                repo.createManyWithKV(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            repo.createManyWithKV(batch);
        }
    }

    private static Drainer drainer(KvClient kv, String instance) {
        return Drainer.builder(kv).models(BenchOrderTable.MODEL).createTables(true)
                .engineOptions(EngineOptions.builder(Drainer.GROUP).instanceId(instance).batchSize(2000).build()).build().start();
    }

    /** Write-to-commit lag at a fixed write rate (creates from paced threads), one drainer, the default shards. */
    Map<String, Object> lagAt(int rate) throws Exception {
        Lag lag = lag(rate, KvOptions.DEFAULT_SHARDS, 1, Duration.ofSeconds(quick ? 4 : 15));
        Map<String, Object> row = Results.row("write-to-commit lag at " + rate + " writes/s (achieved " + Math.round(lag.achieved()) + "/s)",
                lag.p99(), 250.0, "ms p99 (baseline column: the target)", "lower");
        row.put("p50_ms", lag.p50());
        row.put("events", lag.events());
        return row;
    }

    /** Lag percentiles in milliseconds, the write rate achieved, the events measured. */
    record Lag(double p50, double p99, double achieved, int events) {
    }

    /** Write-to-commit lag of {@code instances} drainers on {@code shards} shards while creating at {@code rate}/s. */
    static Lag lag(int rate, int shards, int instances, Duration duration) throws Exception {
        RedisServer redis = Servers.redis();
        TestNamespace ns = TestNamespace.create();
        try (IsolatedDatabase db = Servers.postgres().isolated(ns.value()); KvClient kv = client(redis, db, ns, shards)) {
            createTable(kv);
            List<Drainer> drainers = new ArrayList<>();
            try {
                for (int i = 0; i < instances; i++) {
                    drainers.add(drainer(kv, "l" + i));
                }
                return lag(kv, drainers, rate, duration);
            } finally {
                for (Drainer d : drainers) {
                    d.close();
                }
            }
        }
    }

    private static Lag lag(KvClient kv, List<Drainer> drainers, int rate, Duration duration) throws Exception {
        KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
        // lag is measured once the instances share the shards evenly (rebalancing is not steady state)
        int share = kv.keys().shards() / drainers.size();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (drainers.stream().mapToInt(d -> d.engine().ownedShards().size()).sum() < kv.keys().shards()
                || drainers.stream().anyMatch(d -> d.engine().ownedShards().size() < share)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(drainers.size() + " drainers did not share " + kv.keys().shards() + " shards within 60 s");
            }
            Thread.sleep(20);
        }
        // a warm-up at the rate (half the window, at most two seconds), then the measured window
        write(repo, rate, Duration.ofMillis(Math.min(2000, duration.toMillis() / 2)), "warm" + rate);
        List<Long> lags = java.util.Collections.synchronizedList(new ArrayList<>());
        for (Drainer d : drainers) {
            d.engine().addCommitListener(events -> {
                long now = System.currentTimeMillis();
                for (var e : events) {
                    lags.add(now - e.event().timestampMillis());
                }
            });
        }
        double achieved = write(repo, rate, duration, "l" + rate);
        if (!drainers.get(0).awaitDrained(Duration.ofMinutes(2))) {
            throw new IllegalStateException("drainer did not catch up after the " + rate + "/s run");
        }
        long[] sorted;
        synchronized (lags) {
            sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        if (sorted.length == 0) {
            throw new IllegalStateException("no commits observed at " + rate + "/s");
        }
        return new Lag(sorted[(int) (sorted.length * 0.50)], sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))], achieved,
                sorted.length);
    }

    /** Creates at a fixed rate from paced threads (8, or one per 1,000 writes/s up to 32) for {@code duration}; returns the achieved rate. */
    private static double write(KvRepository<BenchOrder> repo, int rate, Duration duration, String prefix) throws InterruptedException {
        {
            // enough paced writers for the rate (a blocking create takes about 0.5-1 ms here)
            int threads = Math.min(32, Math.max(8, rate / 1000));
            AtomicLong written = new AtomicLong();
            AtomicLong late = new AtomicLong();
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread w = new Thread(() -> {
                    long interval = TimeUnit.SECONDS.toNanos(1) * threads / rate;
                    long next = start + thread * interval / threads;
                    long n = thread;
                    while (next < end) {
                        long now = System.nanoTime();
                        if (now < next) {
                            LockSupport.parkNanos(next - now);
                        } else if (now - next > interval * 10) {
                            late.incrementAndGet();
                        }
                        repo.createWithKV(BenchOrder.sample(prefix + "-" + n, n));
                        written.incrementAndGet();
                        n += threads;
                        next += interval;
                    }
                });
                w.start();
                writers.add(w);
            }
            for (Thread w : writers) {
                w.join();
            }
            return written.get() / ((System.nanoTime() - start) / 1e9);
        }
    }
}
