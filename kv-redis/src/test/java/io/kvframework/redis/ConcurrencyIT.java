package io.kvframework.redis;

import static io.kvframework.core.fixtures.Order.CITY;
import static io.kvframework.core.fixtures.Order.ID;
import static io.kvframework.core.fixtures.Order.QTY;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.KvRepository;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Concurrent writers on one key and on index values (G1, G3). */
@KvTest
class ConcurrencyIT {
    KvFixture fx;
    private KvRepository<Order> orders;

    @BeforeEach
    void setUp(RedisServer redis, DataSource db, TestNamespace ns) {
        fx = fixture(redis, db, ns, KvOptions.builder().shards(8));
        orders = fx.kv.repository(Order.MODEL);
    }

    /** The fixture the tests run on; the cluster suite overrides it. */
    KvFixture fixture(RedisServer redis, DataSource db, TestNamespace ns, KvOptions.Builder options) {
        return new KvFixture(redis, db, ns, options);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void eightThreadsUpdatingOneRowGetStrictlyIncreasingVersionsAndOneEventEach() throws Exception {
        orders.createWithKV(new Order("hot", "Oslo", Status.NEW, BigDecimal.ONE, 0, null));
        int threads = 8;
        int perThread = 100;
        Map<Long, Integer> qtyByVersion = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    int qty = thread * 1000 + i;
                    Order o = orders.updateOneWithKV(QTY.set(qty), ID.eq("hot")).orElseThrow();
                    assertThat(qtyByVersion.put(o.version(), qty)).as("version %d returned twice", o.version()).isNull();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        int writes = threads * perThread;
        assertThat(qtyByVersion).hasSize(writes);
        assertThat(qtyByVersion.keySet()).allMatch(v -> v >= 2 && v <= writes + 1);
        Order last = orders.findOneWithKV(ID.eq("hot")).orElseThrow();
        assertThat(last.version()).isEqualTo(writes + 1L);
        assertThat(last.qty()).isEqualTo(qtyByVersion.get(last.version()));
        List<ChangeEvent> events = fx.events("orders", "hot");
        assertThat(events).hasSize(writes + 1);
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent e = events.get(i);
            assertThat(e.version()).isEqualTo(i + 1L);
            if (i > 0) {
                assertThat(e.row().get("qty")).isEqualTo(Integer.toString(qtyByVersion.get(e.version())));
            }
        }
    }

    @Test
    void flippingIndexedValuesNeverHidesARowFromItsCurrentValue() throws Exception {
        int rows = 16;
        for (int i = 0; i < rows; i++) {
            orders.createWithKV(new Order("r" + i, i % 2 == 0 ? "A" : "B", Status.NEW, BigDecimal.ONE, 0, null));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger flips = new AtomicInteger();
        List<String> problems = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            writers.add(pool.submit(() -> {
                java.util.Random random = new java.util.Random(thread);
                for (int i = 0; i < 150; i++) {
                    String id = "r" + random.nextInt(rows);
                    // two writers may flip the same row A->B and B->A at the same moment
                    String to = random.nextBoolean() ? "A" : "B";
                    orders.updateOneWithKV(CITY.set(to), ID.eq(id));
                    flips.incrementAndGet();
                }
                return null;
            }));
        }
        List<Future<?>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(pool.submit(() -> {
                while (!stop.get()) {
                    // every row is always A or B: one read over both values must see all of them, each once
                    List<Order> all = orders.findAllFromKvRedis(CITY.in("A", "B"));
                    if (all.size() != rows) {
                        problems.add("saw " + all.size() + " rows through the index");
                    }
                    for (Order o : orders.findAllFromKvRedis(CITY.eq("A"))) {
                        if (!o.city().equals("A")) {
                            problems.add(o.id() + " returned for A with city " + o.city());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : writers) {
            w.get(120, TimeUnit.SECONDS);
        }
        stop.set(true);
        for (Future<?> r : readers) {
            r.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(flips.get()).isEqualTo(8 * 150);
        assertThat(problems).isEmpty();
        // at rest, each row is in exactly the index set of its current value
        for (int i = 0; i < rows; i++) {
            Order o = orders.findOneWithKV(ID.eq("r" + i)).orElseThrow();
            String other = o.city().equals("A") ? "B" : "A";
            int shard = fx.kv.keys().shard("orders", o.id());
            assertThat(fx.redis.sismember(fx.kv.keys().indexKey(shard, "orders", "by_city", o.city()), o.id())).isTrue();
            assertThat(fx.redis.sismember(fx.kv.keys().indexKey(shard, "orders", "by_city", other), o.id())).isFalse();
        }
        List<String> a = new ArrayList<>(orders.findAllWithKV(CITY.eq("A")).stream().map(Order::id).toList());
        List<String> b = new ArrayList<>(orders.findAllWithKV(CITY.eq("B")).stream().map(Order::id).toList());
        assertThat(Collections.disjoint(a, b)).isTrue();
        assertThat(a.size() + b.size()).isEqualTo(rows);
    }
}
