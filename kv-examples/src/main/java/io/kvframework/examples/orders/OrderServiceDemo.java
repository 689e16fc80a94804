package io.kvframework.examples.orders;

import static io.kvframework.examples.orders.OrderTable.CUSTOMER_ID;
import static io.kvframework.examples.orders.OrderTable.ID;
import static io.kvframework.examples.orders.OrderTable.STATUS;

import com.clickhouse.client.api.Client;
import io.kvframework.analytics.ClickHouseSink;
import io.kvframework.analytics.KafkaBridge;
import io.kvframework.analytics.KafkaSink;
import io.kvframework.drainer.Drainer;
import io.kvframework.examples.orders.Order.LineItem;
import io.kvframework.examples.orders.Order.Status;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.sql.SqlDatabase;
import io.kvframework.stream.EngineOptions;
import io.kvframework.testkit.ClickHouseServer;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KafkaServer;
import io.kvframework.testkit.PostgresServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.Servers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The order-service demo: an application that writes and reads orders through the generated
 * {@link OrderRepository}, with the drainer (into PostgreSQL) and the Kafka bridge (and, when a
 * ClickHouse server is reachable, the ClickHouse sink) running embedded. It ends by counting the
 * live orders in every store; its last line is {@code consistent: redis=N postgres=N kafka=N} and
 * it exits with 1 when the counts differ.
 *
 * <p>Servers come from the {@code KV_*} addresses when set ({@code KV_REDIS_URL},
 * {@code KV_POSTGRES_URL}, {@code KV_KAFKA_BOOTSTRAP}, {@code KV_CLICKHOUSE_URL}), else they are
 * started the way the tests start them (see docs/testkit.md). Every run works in its own key
 * namespace, PostgreSQL schema, Kafka topics and ClickHouse database.
 *
 * <p>Options: {@code --orders N} (default 20000), {@code --threads N} (default 8),
 * {@code --customers N} (default 500), {@code --keep} (keep the schema and ClickHouse database).
 */
public final class OrderServiceDemo {
    private final Settings settings;
    private final PrintStream out;

    /** What the demo is asked to do. */
    record Settings(int orders, int threads, int customers, boolean keep) {
        static Settings parse(String... args) {
            int orders = 20_000;
            int threads = 8;
            int customers = 500;
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--orders" -> orders = positive(args, ++i);
                    case "--threads" -> threads = positive(args, ++i);
                    case "--customers" -> customers = positive(args, ++i);
                    case "--keep" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown option '" + args[i]
                            + "'; options: --orders N, --threads N, --customers N, --keep");
                }
            }
            return new Settings(orders, threads, customers, keep);
        }

        private static int positive(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a number");
            }
            try {
                int n = Integer.parseInt(args[i]);
                if (n < 1) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(args[i - 1] + " needs a positive number, got '" + args[i] + "'");
            }
        }
    }

    /**
     * Live orders counted in each store (ClickHouse -1 when not used), the count the application's
     * own bookkeeping expects, and reads that did not return what the application had just written.
     */
    record Counts(long expected, long redis, long postgres, long kafka, long clickhouse, long readYourWritesViolations) {
        boolean consistent() {
            return redis == expected && postgres == expected && kafka == expected && (clickhouse < 0 || clickhouse == expected)
                    && readYourWritesViolations == 0;
        }

        String line() {
            return (consistent() ? "consistent" : "INCONSISTENT") + ": redis=" + redis + " postgres=" + postgres + " kafka=" + kafka
                    + (clickhouse >= 0 ? " clickhouse=" + clickhouse : "")
                    + (consistent() ? "" : " expected=" + expected + " read-your-writes-violations=" + readYourWritesViolations);
        }
    }

    OrderServiceDemo(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public static void main(String[] args) {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("order-service demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        int code;
        try {
            code = new OrderServiceDemo(settings, System.out).run().consistent() ? 0 : 1;
        } catch (Exception e) {
            System.err.println("order-service demo failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.exit(code); // shutdown hooks stop the servers the testkit started
    }

    /** Runs the demo and returns the counts it printed last. */
    Counts run() throws Exception {
        out.println("KV Framework order-service demo: " + settings.orders() + " orders, " + settings.threads() + " threads, "
                + settings.customers() + " customers");
        out.println("finding servers (KV_* addresses, else started here; the first run downloads nothing but may take a minute):");
        RedisServer redis = Servers.redis();
        PostgresServer postgres = Servers.postgres();
        KafkaServer kafka = Servers.kafka();
        out.println("  " + redis.describe());
        out.println("  " + postgres.describe());
        out.println("  " + kafka.describe());
        ClickHouseServer clickhouse = null;
        try {
            clickhouse = Servers.clickhouse();
            out.println("  " + clickhouse.describe());
        } catch (RuntimeException e) {
            out.println("  clickhouse: not reachable, the demo runs without it (" + firstLine(e.getMessage()) + ")");
        }

        String ns = "demo_" + Long.toString(System.currentTimeMillis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(1296), 36);
        String topics = ns + ".{table}";
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IsolatedDatabase db = postgres.isolated(ns);
        Client chClient = clickhouse == null ? null : clickhouse.newClient();
        try (KvClient kv = KvClient.builder().redis(redis.redisUri()).dataSource(db.dataSource())
                        .options(KvOptions.builder().namespace(ns).shards(16).meterRegistry(registry).build()).build();
                Drainer drainer = Drainer.builder(kv).models(OrderTable.MODEL).createTables(true)
                        .engineOptions(EngineOptions.builder(Drainer.GROUP).retainForGroups(List.of(KafkaBridge.GROUP))
                                .meterRegistry(registry).build()).build();
                KafkaBridge bridge = KafkaBridge.create(kv, new KafkaSink(kafka.bootstrapServers(), topics, 4, (short) 1),
                        EngineOptions.builder(KafkaBridge.GROUP).meterRegistry(registry).build());
                ClickHouseSink sink = chClient == null ? null : new ClickHouseSink(kafka.bootstrapServers(), topics, chClient, ns,
                        List.of(OrderTable.MODEL), 2000, Duration.ofMillis(500), registry)) {
            out.println("namespace " + ns + ": Redis keys {" + ns + ":<shard>}:*, PostgreSQL schema " + ns + ", Kafka topic "
                    + ns + ".orders" + (sink != null ? ", ClickHouse table " + ns + ".orders" : ""));
            if (sink != null) {
                sink.createTables();
            }
            drainer.start();
            bridge.start();
            if (sink != null) {
                sink.start();
            }
            OrderRepository orders = new OrderRepository(kv);
            Workload workload = new Workload(orders);
            double seconds = workload.run();
            out.printf("wrote %,d changes in %.1f s: %,.0f writes/s (%,d creates, %,d updates, %,d deletes), %,d reads%n",
                    workload.writes(), seconds, workload.writes() / seconds, workload.creates.get(), workload.updates.get(),
                    workload.deletes.get(), workload.reads.get());

            out.print("waiting for the drainer and the Kafka bridge ... ");
            out.flush();
            long t0 = System.nanoTime();
            if (!drainer.awaitDrained(Duration.ofMinutes(2)) || !bridge.awaitDrained(Duration.ofMinutes(2))) {
                out.println("not drained within 2 minutes");
            } else {
                out.printf("drained %.1f s after the last write%n", (System.nanoTime() - t0) / 1e9);
            }
            double hits = count(registry, "redis");
            double all = hits + count(registry, "database") + count(registry, "none");
            out.printf("read hit ratio (answered by Redis): %.1f%% of %,.0f reads%n", all == 0 ? 0 : 100 * hits / all, all);
            Timer lag = registry.find("kv.engine.commit.lag").tag("group", Drainer.GROUP).timer();
            if (lag != null) {
                out.printf("drain lag (write to PostgreSQL commit): p50 %.0f ms, p99 %.0f ms over %,d rows%n", percentile(lag, 0.5),
                        percentile(lag, 0.99), lag.count());
            }
            Timer kafkaLag = registry.find("kv.engine.commit.lag").tag("group", KafkaBridge.GROUP).timer();
            if (kafkaLag != null) {
                out.printf("bridge lag (write to Kafka ack): p50 %.0f ms, p99 %.0f ms%n", percentile(kafkaLag, 0.5),
                        percentile(kafkaLag, 0.99));
            }
            long inRedis = StoreCounts.redis(redis, kv.keys());
            long inPostgres = ((Number) SqlDatabase.of(kv.database()).dsl().fetchValue("select count(*) from orders")).longValue();
            long inKafka = StoreCounts.kafka(kafka, ns + ".orders");
            long inClickHouse = sink == null ? -1 : StoreCounts.clickHouse(chClient, ns, inPostgres);
            Counts counts = new Counts(workload.live(), inRedis, inPostgres, inKafka, inClickHouse,
                    workload.readYourWritesViolations.get());
            out.println(counts.line());
            return counts;
        } finally {
            if (settings.keep()) {
                out.println("kept schema " + ns + (clickhouse != null ? " and ClickHouse database " + ns : ""));
            } else {
                db.close();
                if (chClient != null) {
                    ClickHouseServer.queryLines(chClient, "DROP DATABASE IF EXISTS `" + ns + "`");
                }
            }
            if (chClient != null) {
                chClient.close();
            }
        }
    }

    /**
     * The application: every thread places orders for random customers, reads each back, pays and
     * ships some, cancels (deletes) some, and looks up customers' orders by the index.
     */
    private final class Workload {
        final OrderRepository orders;
        final AtomicLong creates = new AtomicLong();
        final AtomicLong updates = new AtomicLong();
        final AtomicLong deletes = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong readYourWritesViolations = new AtomicLong();
        final AtomicLong done = new AtomicLong();

        Workload(OrderRepository orders) {
            this.orders = orders;
        }

        long writes() {
            return creates.get() + updates.get() + deletes.get();
        }

        long live() {
            return creates.get() - deletes.get();
        }

        double run() throws InterruptedException {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < settings.threads(); t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    Random random = new Random(thread);
                    try {
                        for (int i = thread; i < settings.orders(); i += settings.threads()) {
                            oneOrder(i, random);
                            done.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "demo-app-" + t);
                threads.add(worker);
                worker.start();
            }
            while (threads.stream().anyMatch(Thread::isAlive)) {
                progress(start);
                Thread.sleep(200);
            }
            progress(start);
            out.println();
            if (failure.get() != null) {
                throw new IllegalStateException("the workload failed: " + failure.get(), failure.get());
            }
            return (System.nanoTime() - start) / 1e9;
        }

        private void oneOrder(int n, Random random) {
            String id = "o-" + n;
            String customer = "c-" + random.nextInt(settings.customers());
            List<LineItem> lines = new ArrayList<>();
            BigDecimal total = BigDecimal.ZERO;
            for (int l = 0, count = 1 + random.nextInt(3); l < count; l++) {
                BigDecimal price = BigDecimal.valueOf(100 + random.nextInt(9900), 2);
                int quantity = 1 + random.nextInt(4);
                lines.add(new LineItem("sku-" + random.nextInt(1000), quantity, price));
                total = total.add(price.multiply(BigDecimal.valueOf(quantity)));
            }
            Order placed = orders.createWithKV(new Order(id, customer, Status.PLACED, total, "EUR", lines, Instant.now(), 0));
            creates.incrementAndGet();
            check(placed);
            int dice = random.nextInt(100);
            if (dice < 60) {
                check(orders.updateOneWithKV(STATUS.set(Status.PAID), ID.eq(id)).orElseThrow());
                updates.incrementAndGet();
                if (dice < 35) {
                    check(orders.updateOneWithKV(STATUS.set(Status.SHIPPED), ID.eq(id).and(STATUS.eq(Status.PAID))).orElseThrow());
                    updates.incrementAndGet();
                }
            } else if (dice < 70) {
                orders.deleteWithKV(ID.eq(id));
                deletes.incrementAndGet();
                if (orders.findOneWithKV(ID.eq(id)).isPresent()) {
                    readYourWritesViolations.incrementAndGet();
                }
                reads.incrementAndGet();
            }
            if (n % 10 == 0) {
                orders.findAllWithKV(CUSTOMER_ID.eq(customer).and(STATUS.ne(Status.SHIPPED)));
                reads.incrementAndGet();
            }
        }

        /** Reads the order back by its key: it must be exactly what the write returned. */
        private void check(Order written) {
            Order read = orders.findOneWithKV(ID.eq(written.id())).orElse(null);
            reads.incrementAndGet();
            if (!written.equals(read)) {
                readYourWritesViolations.incrementAndGet();
            }
        }

        private void progress(long start) {
            long n = done.get();
            int width = 30;
            int filled = (int) (width * n / settings.orders());
            double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
            out.printf("\r[%s%s] %3d%% %,d/%,d orders, %,.0f writes/s", "#".repeat(filled), ".".repeat(width - filled),
                    100 * n / settings.orders(), n, settings.orders(), writes() / seconds);
            out.flush();
        }
    }

    private static double count(SimpleMeterRegistry registry, String source) {
        Counter c = registry.find("kv.reads").tag("table", "orders").tag("source", source).counter();
        return c == null ? 0 : c.count();
    }

    private static double percentile(Timer timer, double p) {
        for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
            if (v.percentile() == p) {
                return v.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no reason given";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
