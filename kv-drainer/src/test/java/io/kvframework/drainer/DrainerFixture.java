package io.kvframework.drainer;

import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.sql.SqlDatabase;
import io.kvframework.stream.EngineOptions;
import io.kvframework.stream.ShardStatus;
import io.kvframework.stream.StreamEngine;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** A KvClient, its Account repository and a Redis connection for assertions. */
final class DrainerFixture implements AutoCloseable {
    final KvClient kv;
    final KvRepository<Account> accounts;
    final RedisCommands<String, String> redis;
    final DataSource dataSource;
    final String namespace;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    /** Drained rows and tombstones stay cached for 1 s, so eviction happens within the tests. */
    DrainerFixture(RedisServer server, DataSource db, TestNamespace ns, int shards) {
        this(server, db, ns, shards, Duration.ofSeconds(1));
    }

    DrainerFixture(RedisServer server, DataSource db, TestNamespace ns, int shards, Duration ttl) {
        this.namespace = ns.value();
        this.dataSource = db;
        this.kv = KvClient.builder().redis(server.redisUri()).dataSource(db)
                .options(KvOptions.builder().namespace(namespace).shards(shards).defaultTtl(ttl).tombstoneTtl(ttl).build()).build();
        this.accounts = kv.repository(Account.MODEL);
        this.client = RedisClient.create(server.redisUri());
        this.connection = client.connect();
        this.redis = connection.sync();
    }

    static EngineOptions.Builder fastEngine(String instance) {
        return fastEngine(Drainer.GROUP, instance);
    }

    static EngineOptions.Builder fastEngine(String group, String instance) {
        return EngineOptions.builder(group).instanceId(instance).pollInterval(Duration.ofMillis(5))
                .leaseTtl(Duration.ofSeconds(2)).leaseRenewInterval(Duration.ofMillis(500)).maintenanceInterval(Duration.ofMillis(200))
                .retryInitial(Duration.ofMillis(50)).retryMax(Duration.ofMillis(500));
    }

    Drainer drainer(String instance) {
        return Drainer.builder(kv).models(Account.MODEL).createTables(true).engineOptions(fastEngine(instance).build()).build();
    }

    /** Asserts the engine drains within {@code timeout}; on failure the message holds every shard's state. */
    static void assertDrained(StreamEngine engine, Duration timeout) throws InterruptedException {
        boolean drained = engine.awaitDrained(timeout);
        if (!drained) {
            StringBuilder state = new StringBuilder("not drained within " + timeout + "; health " + engine.health() + ", owned "
                    + engine.ownedShards());
            for (ShardStatus s : engine.shardStatus()) {
                state.append("\n  ").append(s);
            }
            throw new AssertionError(state.toString());
        }
    }

    DSLContext dsl() {
        return SqlDatabase.using(dataSource, kv.dialect());
    }

    /** id → "owner|balance|note|version" of every row in the database. */
    Map<String, String> database() {
        Map<String, String> out = new LinkedHashMap<>();
        dsl().fetch("select id, owner, balance, note, version from accounts order by id")
                .forEach(r -> out.put(r.get(0, String.class), r.get(1) + "|" + r.get(2) + "|" + r.get(3) + "|" + r.get(4)));
        return out;
    }

    /** The same view of what the repository reads. */
    static String row(Account a) {
        return a.owner() + "|" + a.balance() + "|" + a.note() + "|" + a.version();
    }

    long redisKeys() {
        return redis.keys("{" + namespace + ":*").size();
    }

    @Override
    public void close() {
        kv.close();
        connection.close();
        client.shutdown();
    }
}
