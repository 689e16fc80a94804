package io.kvframework.redis;

import static io.kvframework.core.fixtures.Order.CITY;
import static io.kvframework.core.fixtures.Order.ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.KvRepository;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** kv.reads says where each read was answered; kv.writes counts rows written. */
@KvTest
class RepositoryMetricsIT {

    @Test
    void readsAreCountedBySourceAndWritesByOperation(RedisServer redis, DataSource db, TestNamespace ns) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KvFixture fx = new KvFixture(redis, db, ns, KvOptions.builder().shards(4).meterRegistry(registry))) {
            KvRepository<Order> orders = fx.kv.repository(Order.MODEL);
            orders.createWithKV(order("a", "Oslo"));
            orders.createWithKV(order("b", "Oslo"));
            orders.updateOneWithKV(CITY.set("Bergen"), ID.eq("b"));
            orders.deleteWithKV(ID.eq("b"));
            assertThat(count(registry, "kv.writes", "op", "create")).isEqualTo(2);
            assertThat(count(registry, "kv.writes", "op", "update")).isEqualTo(1);
            assertThat(count(registry, "kv.writes", "op", "delete")).isEqualTo(1);
            // the update and the delete looked rows up, but those are not application reads
            assertThat(count(registry, "kv.reads", "source", "redis")).isZero();

            assertThat(orders.findOneWithKV(ID.eq("a"))).isPresent();
            assertThat(orders.findOneWithKV(ID.eq("b"))).isEmpty(); // a tombstone in Redis
            assertThat(orders.findOneWithKV(ID.eq("never"))).isEmpty(); // asked the database, absent
            fx.drain();
            fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("a", "Oslo"));
            assertThat(orders.findOneWithKV(ID.eq("a"))).isPresent(); // from the database, cached back
            assertThat(orders.findOneWithKV(ID.eq("a"))).isPresent(); // from Redis again
            assertThat(orders.findAllFromKvRedis(CITY.eq("Oslo"))).hasSize(1);
            assertThat(orders.findAllWithKV(CITY.eq("Oslo"))).hasSize(1); // an index query also asks the database

            assertThat(count(registry, "kv.reads", "source", "redis")).isEqualTo(3);
            assertThat(count(registry, "kv.reads", "source", "database")).isEqualTo(2);
            assertThat(count(registry, "kv.reads", "source", "none")).isEqualTo(2);
            assertThat(registry.get("kv.reads").tag("table", "orders").counters()).hasSize(3);
        }
    }

    private static double count(SimpleMeterRegistry registry, String name, String tag, String value) {
        return registry.get(name).tag("table", "orders").tag(tag, value).counter().count();
    }

    private static Order order(String id, String city) {
        return new Order(id, city, Status.NEW, new BigDecimal("10.50"), 1, id + "@example.com");
    }
}
