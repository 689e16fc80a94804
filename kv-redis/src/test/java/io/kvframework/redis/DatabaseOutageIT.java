package io.kvframework.redis;

import static io.kvframework.core.fixtures.Order.CITY;
import static io.kvframework.core.fixtures.Order.ID;
import static io.kvframework.core.fixtures.Order.QTY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.kvframework.core.KvRepository;
import io.kvframework.core.KvUnavailableException;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.PostgresServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TcpProxy;
import io.kvframework.testkit.TestNamespace;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** G2: rows in Redis stay readable and writable while the database is unreachable. */
@KvTest
class DatabaseOutageIT {

    @Test
    void redisRowsStayReadableAndWritableWithoutTheDatabase(RedisServer redis, PostgresServer postgres, IsolatedDatabase db,
            TestNamespace ns) {
        try (TcpProxy proxy = TcpProxy.to(postgres); HikariDataSource viaProxy = db.dataSourceVia(proxy, Duration.ofMillis(2000), 4)) {
            try (KvFixture fx = new KvFixture(redis, viaProxy, ns)) {
                KvRepository<Order> orders = fx.kv.repository(Order.MODEL);
                orders.createWithKV(new Order("o1", "Oslo", Status.NEW, BigDecimal.ONE, 1, null));
                proxy.cut();
                assertThat(orders.findOneWithKV(ID.eq("o1")).map(Order::city)).contains("Oslo");
                assertThat(orders.updateOneWithKV(QTY.set(5), ID.eq("o1")).map(Order::qty)).contains(5);
                assertThat(orders.createWithKV(new Order("o2", "Oslo", Status.NEW, BigDecimal.ONE, 1, null)).version()).isEqualTo(1);
                assertThat(orders.findAllFromKvRedis(CITY.eq("Oslo"))).hasSize(2);
                assertThatThrownBy(() -> orders.findAllWithKV(CITY.eq("Oslo")))
                        .isInstanceOf(KvUnavailableException.class).hasMessageContaining("database");
                assertThatThrownBy(() -> orders.findOneWithKV(ID.eq("not-in-redis")))
                        .isInstanceOf(KvUnavailableException.class);
                proxy.restore();
                assertThat(orders.findAllWithKV(CITY.eq("Oslo"))).hasSize(2);
            }
        }
    }

}
