package io.kvframework.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.RedisURI;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The getting-started guide's code, run against real servers (in a Redis database of its own: the guide uses the default namespace). */
@KvTest
class QuickStartIT {

    @Test
    void theGuideWorksAsWritten(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        RedisURI uri = redis.redisUri();
        uri.setDatabase(1 + Math.floorMod(ns.value().hashCode(), 14));
        try (var c = io.lettuce.core.RedisClient.create(uri).connect()) {
            c.sync().flushdb();
        }
        new io.kvframework.sql.SqlTable<>(OrderTable.MODEL, io.kvframework.core.SqlDialect.POSTGRES)
                .createTable(org.jooq.impl.DSL.using(db, org.jooq.SQLDialect.POSTGRES)).forEach(q -> q.execute());
        assertThat(QuickStart.useTheRepository(uri, db)).isEmpty();
        assertThat(QuickStart.startTheDrainer(uri, db)).isEqualTo(1);
    }
}
