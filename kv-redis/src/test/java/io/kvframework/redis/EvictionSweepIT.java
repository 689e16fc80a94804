package io.kvframework.redis;

import static io.kvframework.core.fixtures.Order.ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.KvRepository;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The drainer's sweep of due evictions ({@link KvAdmin#evictDue}), which sends a shard's due evictions pipelined. */
@KvTest
class EvictionSweepIT {

    @Test
    void aSweepEvictsEveryDueRowKeepsARowChangedSinceAndDropsMembersItCannotRead(RedisServer redis, DataSource db, TestNamespace ns) {
        try (KvFixture fx = new KvFixture(redis, db, ns, KvOptions.builder().shards(1))) {
            KvRepository<Order> orders = fx.kv.repository(Order.MODEL);
            int rows = 1500;
            List<Order> batch = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                batch.add(new Order("e" + i, "Oslo", Status.NEW, new BigDecimal("1.00"), i, null));
            }
            orders.createManyWithKV(batch);
            fx.drain();
            String expiry = fx.kv.keys().expiryKey(0);
            for (int i = 0; i < rows; i++) {
                fx.redis.zadd(expiry, 1, "orders:e" + i + ":1");
            }
            // changed after it was scheduled: kept (its next drain schedules it again)
            orders.updateOneWithKV(Order.QTY.set(-1), ID.eq("e7"));
            // members no sweep can act on: not of the form table:key:version, a table nobody registered, no version
            fx.redis.zadd(expiry, 1, "garbage");
            fx.redis.zadd(expiry, 1, "no_such_table:x:1");
            fx.redis.zadd(expiry, 1, "orders:e8:v");
            // not due yet
            fx.redis.zadd(expiry, System.currentTimeMillis() + 600_000, "orders:e9:2");

            int evicted = fx.kv.admin().evictDue(0, System.currentTimeMillis(), 2000);

            assertThat(evicted).isEqualTo(rows - 1);
            assertThat(fx.redis.zrange(expiry, 0, -1)).containsExactly("orders:e9:2");
            assertThat(fx.redis.keys("{" + fx.namespace + ":*:r:*")).containsExactly(fx.kv.keys().rowKey(0, "orders", "e7"));
            assertThat(fx.redis.smembers(fx.kv.keys().indexKey(0, "orders", "by_city", "Oslo"))).containsExactly("e7");
            // evicted rows are read from the database, the kept one from Redis
            assertThat(orders.findOneWithKV(ID.eq("e0")).map(Order::qty)).contains(0);
            assertThat(orders.findOneWithKV(ID.eq("e1499")).map(Order::qty)).contains(1499);
            assertThat(orders.findOneWithKV(ID.eq("e7")).map(Order::qty)).contains(-1);
        }
    }
}
