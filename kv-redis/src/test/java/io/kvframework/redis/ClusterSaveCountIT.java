package io.kvframework.redis;

import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.Servers;
import io.kvframework.testkit.TestNamespace;
import javax.sql.DataSource;

/** {@link SaveCountIT} on a three-node Redis Cluster. */
class ClusterSaveCountIT extends SaveCountIT {
    @Override
    KvFixture fixture(RedisServer redis, DataSource db, TestNamespace ns) {
        return new KvFixture(Servers.redisCluster(), db, ns, KvOptions.builder().shards(8));
    }
}
