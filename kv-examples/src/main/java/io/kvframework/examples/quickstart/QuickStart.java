package io.kvframework.examples.quickstart;

import static io.kvframework.examples.quickstart.Order.Status.NEW;
import static io.kvframework.examples.quickstart.Order.Status.PAID;
import static io.kvframework.examples.quickstart.Order.Status.SHIPPED;

import io.kvframework.drainer.Drainer;
import io.kvframework.redis.KvClient;
import io.kvframework.sql.SqlDatabase;
import io.lettuce.core.RedisURI;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The code of docs/getting-started.md, compiled and run by QuickStartIT (DocSnippetsTest keeps the two identical). */
public final class QuickStart {
    private QuickStart() {
    }

    /** Section 3 of the guide: the repository operations. Returns the orders left in Oslo at the end (none). */
    public static List<Order> useTheRepository(RedisURI redis, DataSource dataSource) {
        // snippet:repository
        try (KvClient kv = KvClient.builder()
                .redis(redis)                                           // RedisURI.create("redis://localhost:6379"), or .redisCluster(seeds)
                .dataSource(dataSource)                                 // your pool; used for reads that miss Redis
                .build()) {
            OrderRepository orders = new OrderRepository(kv);

            orders.createWithKV(new Order("o-1", "Oslo", NEW, "ada@example.com", new BigDecimal("9.90"), 1, Map.of(), 0));

            Optional<Order> one = orders.findById("o-1");
            List<Order> oslo = orders.findAllWithKV(OrderTable.CITY.eq("Oslo").and(OrderTable.TOTAL.gt(BigDecimal.ONE)));
            List<Order> cached = orders.findAllFromKvRedis(OrderTable.CITY.eq("Oslo"));

            orders.updateOneWithKV(OrderTable.STATUS.set(PAID), OrderRepository.byKey("o-1"));
            orders.updateOneWithKV(OrderTable.QTY.set(2), OrderRepository.byKey("o-1"), 2);   // only if still version 2
            orders.updateWithKV(OrderTable.STATUS.set(SHIPPED), OrderTable.CITY.eq("Oslo").and(OrderTable.STATUS.eq(PAID)));
            orders.deleteWithKV(OrderTable.CITY.eq("Oslo"));

            Order saved = orders.saveWithKV(new Order("o-3", "Rome", NEW, "cy@example.com", new BigDecimal("7.00"), 1, Map.of(), 0));
            orders.saveWithKV(saved, saved.version());       // replaces every column; only if still at that version (0: only if absent)
            long inRome = orders.countWithKV(OrderTable.CITY.eq("Rome"));
            boolean any = orders.existsWithKV(OrderTable.CITY.eq("Oslo"));
            Optional<Order> byEmail = orders.findByEmail("cy@example.com");   // generated per unique index
            List<Order> rome = orders.findAllByCity("Rome");                  // generated per index
            boolean deleted = orders.deleteOneWithKV(OrderRepository.byKey("o-3"));   // whether there was a row
            // end-snippet
            if (one.isEmpty() || oslo.size() != 1 || cached.size() != 1) {
                throw new IllegalStateException("the guide's reads did not find o-1: " + one + " " + oslo + " " + cached);
            }
            return orders.findAllWithKV(OrderTable.CITY.eq("Oslo"));
        }
    }

    /** Section 4 of the guide: the drainer inside the application. Returns the rows in the database afterwards. */
    public static long startTheDrainer(RedisURI redis, DataSource dataSource) throws InterruptedException {
        try (KvClient kv = KvClient.builder().redis(redis).dataSource(dataSource).build()) {
            // snippet:drainer
            try (Drainer drainer = Drainer.builder(kv)
                    .models(OrderTable.MODEL)          // every entity the application writes
                    .createTables(true)                 // CREATE TABLE IF NOT EXISTS; leave false when migrations own the schema
                    .build()
                    .start()) {
                new OrderRepository(kv).createWithKV(
                        new Order("o-2", "Bergen", NEW, "bob@example.com", new BigDecimal("5.00"), 1, Map.of(), 0));
                drainer.awaitDrained(java.time.Duration.ofSeconds(30));   // tests only: the application just runs
            }
            // end-snippet
            return ((Number) SqlDatabase.of(kv.database()).dsl().fetchValue("select count(*) from orders")).longValue();
        }
    }
}
