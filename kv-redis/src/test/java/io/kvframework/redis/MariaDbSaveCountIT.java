package io.kvframework.redis;

import io.kvframework.core.fixtures.Order;
import io.kvframework.testkit.MariaDb;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;

/** {@link SaveCountIT} with MariaDB as the database (rows that left Redis are read from it). */
class MariaDbSaveCountIT extends SaveCountIT {
    @BeforeEach
    void onMariaDb(RedisServer redis, @MariaDb DataSource mariadb, TestNamespace ns) {
        fx.close();
        fx = new KvFixture(redis, mariadb, new TestNamespace(ns.value() + "m"), KvOptions.builder().shards(8));
        orders = fx.kv.repository(Order.MODEL);
    }
}
