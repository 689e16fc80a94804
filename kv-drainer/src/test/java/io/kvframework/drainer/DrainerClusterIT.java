package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.sql.SqlDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisClusterServer;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import javax.sql.DataSource;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * The drainer on a Redis Cluster: the shards' streams live in different slots, so the engine reads
 * them one command per shard (on standalone Redis it reads them all in one), and trims each.
 */
@KvTest
class DrainerClusterIT {

    @Test
    void everyShardOfAClusterIsDrainedAndTrimmed(RedisClusterServer cluster, DataSource db, TestNamespace ns) throws Exception {
        try (KvClient kv = KvClient.builder().redisCluster(cluster.seeds()).dataSource(db)
                .options(KvOptions.builder().namespace(ns.value()).shards(8).build()).build()) {
            KvRepository<Account> accounts = kv.repository(Account.MODEL);
            for (int i = 0; i < 200; i++) {
                accounts.createWithKV(new Account("c" + i, "o", i));
            }
            try (Drainer drainer = Drainer.builder(kv).models(Account.MODEL).createTables(true)
                    .engineOptions(DrainerFixture.fastEngine("c1").build()).build().start()) {
                DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
                assertThat(drainer.engine().ownedShards()).hasSize(8);
                assertThat(SqlDatabase.using(db, kv.dialect()).fetchCount(DSL.table(DSL.name("accounts")))).isEqualTo(200);
                long deadline = System.currentTimeMillis() + 10_000;
                long left = Long.MAX_VALUE;
                while (left > 0 && System.currentTimeMillis() < deadline) {
                    left = 0;
                    for (String stream : kv.keys().streamKeys()) {
                        left += kv.redis().xlen(stream).get();
                    }
                    Thread.sleep(50);
                }
                assertThat(left).as("stream entries left after the drain").isZero();
            }
        }
    }
}
