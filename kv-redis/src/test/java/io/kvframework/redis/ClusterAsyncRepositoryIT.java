package io.kvframework.redis;

import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.Servers;
import io.kvframework.testkit.TestNamespace;
import javax.sql.DataSource;

/** {@link AsyncRepositoryIT} on a three-node Redis Cluster. */
class ClusterAsyncRepositoryIT extends AsyncRepositoryIT {
    @Override
    KvFixture fixture(RedisServer redis, DataSource db, TestNamespace ns, KvOptions.Builder options) {
        return new KvFixture(Servers.redisCluster(), db, ns, options);
    }
}
