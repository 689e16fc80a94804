package io.kvframework.bench;

import io.kvframework.core.KvRepository;
import io.kvframework.drainer.Drainer;
import io.kvframework.drainer.EngineOptions;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.sql.DbRow;
import io.kvframework.redis.sql.SqlTable;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.Servers;
import io.kvframework.testkit.TestNamespace;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Drainer figures: throughput against a raw multi-row upsert, and write-to-commit lag at fixed write rates. */
final class DrainBench {
    private final boolean quick;

    DrainBench(boolean quick) {
        this.quick = quick;
    }

    private KvClient client(RedisServer redis, IsolatedDatabase db, TestNamespace ns) {
        return KvClient.builder().redis(redis.redisUri()).dataSource(db.dataSource())
                .options(KvOptions.builder().namespace(ns.value()).defaultTtl(Duration.ofMinutes(10)).build()).build();
    }

    /** Rows/s of the drainer draining a backlog, against a raw JDBC multi-row upsert of the same rows, same server. */
    Map<String, Object> throughput() throws Exception {
        int rows = quick ? 20_000 : 100_000;
        RedisServer redis = Servers.redis();
        TestNamespace ns = TestNamespace.create();
        try (IsolatedDatabase db = Servers.postgres().isolated(ns.value()); KvClient kv = client(redis, db, ns)) {
            new SqlTable<>(BenchOrderTable.MODEL, kv.dialect()).createTable(kv.dsl()).forEach(q -> q.execute());
            KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
            // warm-up: the JIT and the connections, with a first drainer that then stops
            fill(repo, "w", 5000);
            try (Drainer warm = drainer(kv)) {
                warm.awaitDrained(Duration.ofMinutes(2));
            }
            // the measured backlog, drained by a drainer that owns every shard before the clock starts
            fill(repo, "d", rows);
            double ours;
            try (Drainer drainer = drainer(kv)) {
                while (drainer.engine().ownedShards().size() < kv.keys().shards()) {
                    Thread.onSpinWait();
                }
                long t0 = System.nanoTime();
                if (!drainer.awaitDrained(Duration.ofMinutes(5))) {
                    throw new IllegalStateException("drainer did not drain " + rows + " rows within 5 minutes");
                }
                ours = rows / ((System.nanoTime() - t0) / 1e9);
            }
            long count = kv.dsl().fetchCount(DSL.table(DSL.name("bench_orders")));
            if (count != rows + 5000) {
                throw new IllegalStateException("drained " + count + " rows, expected " + (rows + 5000));
            }

            // baseline: the same rows, raw multi-row upserts of 2000 rows per statement and transaction
            kv.dsl().execute("create table bench_orders_raw (like bench_orders including all)");
            SqlTable<BenchOrder> raw = new SqlTable<>(BenchOrderTable.MODEL, kv.dialect());
            DSLContext dsl = kv.dsl();
            List<DbRow> all = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                all.add(new DbRow(BenchOrderTable.MODEL.values(BenchOrder.sample("d" + i, i)), 1));
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < all.size(); i += 2000) {
                List<DbRow> chunk = all.subList(i, Math.min(all.size(), i + 2000));
                dsl.transaction(cfg -> DSL.using(cfg).execute(raw.upsert(DSL.using(cfg), chunk).getSQL(org.jooq.conf.ParamType.INLINED)
                        .replace("\"bench_orders\"", "\"bench_orders_raw\"")));
            }
            double baseline = rows / ((System.nanoTime() - t1) / 1e9);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", "drainer rows/s vs raw JDBC multi-row upsert (" + rows + " rows)");
            row.put("ours", Math.round(ours));
            row.put("baseline", Math.round(baseline));
            row.put("unit", "rows/s");
            row.put("ratio", Math.round(ours / baseline * 100) / 100.0);
            return row;
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

    private static Drainer drainer(KvClient kv) {
        return Drainer.builder(kv).models(BenchOrderTable.MODEL).createTables(true)
                .engineOptions(EngineOptions.builder(Drainer.GROUP).batchSize(2000).build()).build().start();
    }

    /** Write-to-commit lag at a fixed write rate (creates from 8 paced threads). */
    Map<String, Object> lagAt(int rate) throws Exception {
        RedisServer redis = Servers.redis();
        TestNamespace ns = TestNamespace.create();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Duration duration = Duration.ofSeconds(quick ? 6 : 15);
        try (IsolatedDatabase db = Servers.postgres().isolated(ns.value()); KvClient kv = client(redis, db, ns);
                Drainer drainer = Drainer.builder(kv).models(BenchOrderTable.MODEL).createTables(true)
                        .engineOptions(EngineOptions.builder(Drainer.GROUP).meterRegistry(registry).build()).build().start()) {
            KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
            while (drainer.engine().ownedShards().size() < kv.keys().shards()) {
                Thread.sleep(5);
            }
            // two seconds at the rate to warm up, then the measured window
            write(repo, rate, Duration.ofSeconds(2), "warm" + rate);
            List<Long> lags = java.util.Collections.synchronizedList(new ArrayList<>());
            drainer.engine().addCommitListener(events -> {
                long now = System.currentTimeMillis();
                for (var e : events) {
                    lags.add(now - e.event().timestampMillis());
                }
            });
            double achieved = write(repo, rate, duration, "l" + rate);
            if (!drainer.awaitDrained(Duration.ofMinutes(2))) {
                throw new IllegalStateException("drainer did not catch up after the " + rate + "/s run");
            }
            long[] sorted;
            synchronized (lags) {
                sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            double p50 = sorted[(int) (sorted.length * 0.50)];
            double p99 = sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))];
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", "write-to-commit lag at " + rate + " writes/s (achieved " + Math.round(achieved) + "/s)");
            row.put("ours", p99);
            row.put("baseline", 250.0);
            row.put("unit", "ms p99 (baseline column: the target)");
            row.put("ratio", Math.round(p99 / 250.0 * 100) / 100.0);
            row.put("p50_ms", p50);
            row.put("events", sorted.length);
            return row;
        }
    }

    /** Creates at a fixed rate from 8 paced threads for {@code duration}; returns the achieved rate. */
    private static double write(KvRepository<BenchOrder> repo, int rate, Duration duration, String prefix) throws InterruptedException {
        {
            int threads = 8;
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
