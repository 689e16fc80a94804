package io.kvframework.redis;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.EntityModel;
import io.kvframework.core.fixtures.Everything;
import io.kvframework.core.fixtures.Line;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import io.kvframework.redis.internal.RedisKvRepository;
import io.kvframework.sql.DatabaseSink;
import io.kvframework.sql.SqlDatabase;
import io.kvframework.testkit.RedisClusterServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * A KvClient on a test namespace with the test entities' tables created; {@link #drain()} hands
 * every stream event to the drainer's real {@link DatabaseSink}, in stream order per shard.
 */
final class KvFixture implements AutoCloseable {
    final KvClient kv;
    final RedisClusterCommands<String, String> redis;
    final DataSource dataSource;
    final String namespace;
    private final Map<Integer, String> applied = new HashMap<>();
    private final AutoCloseable connection;
    private final DatabaseSink sink;

    KvFixture(RedisServer server, DataSource dataSource, TestNamespace ns, KvOptions.Builder options) {
        this(KvClient.builder().redis(server.redisUri()), standalone(server), dataSource, ns, options);
    }

    KvFixture(RedisClusterServer cluster, DataSource dataSource, TestNamespace ns, KvOptions.Builder options) {
        this(KvClient.builder().redisCluster(cluster.seeds()), cluster(cluster), dataSource, ns, options);
    }

    private record Sync(RedisClusterCommands<String, String> commands, AutoCloseable closer) {
    }

    private static Sync standalone(RedisServer server) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(server.redisUri());
        StatefulRedisConnection<String, String> c = client.connect();
        return new Sync(c.sync(), () -> {
            c.close();
            client.shutdown();
        });
    }

    private static Sync cluster(RedisClusterServer cluster) {
        RedisClusterClient client = RedisClusterClient.create(cluster.seeds());
        StatefulRedisClusterConnection<String, String> c = client.connect();
        return new Sync(c.sync(), () -> {
            c.close();
            client.shutdown();
        });
    }

    private KvFixture(KvClient.Builder builder, Sync sync, DataSource dataSource, TestNamespace ns, KvOptions.Builder options) {
        this.namespace = ns.value();
        this.dataSource = dataSource;
        this.kv = builder.dataSource(dataSource).options(options.namespace(namespace).build()).build();
        this.connection = sync.closer();
        this.redis = sync.commands();
        this.sink = dataSource == null ? null
                : new DatabaseSink(dataSource, kv.dialect(), namespace, "fixture", List.of(Order.MODEL, Line.MODEL, Everything.MODEL));
        if (sink != null) {
            sink.createTables();
        }
    }

    /** jOOQ over the test database. */
    DSLContext dsl() {
        return SqlDatabase.of(kv.database()).dsl();
    }

    KvFixture(RedisServer server, DataSource dataSource, TestNamespace ns) {
        this(server, dataSource, ns, KvOptions.builder().shards(8));
    }

    /** Every event of every shard, in stream order per shard. */
    List<ChangeEvent> events() {
        List<ChangeEvent> out = new ArrayList<>();
        for (String stream : kv.keys().streamKeys()) {
            for (StreamMessage<String, String> m : redis.xrange(stream, Range.create("-", "+"))) {
                out.add(ChangeEvent.fromStreamEntry(m.getBody()));
            }
        }
        return out;
    }

    /** Events of one key, in order. */
    List<ChangeEvent> events(String table, String pk) {
        return events().stream().filter(e -> e.table().equals(table) && e.key().equals(pk)).toList();
    }

    /**
     * Writes every event not yet drained with the drainer's {@link DatabaseSink}, in stream order
     * per shard; a batch never holds one key twice (the engine coalesces, this fixture cuts).
     */
    void drain() {
        for (int shard = 0; shard < kv.keys().shards(); shard++) {
            String from = applied.getOrDefault(shard, "-");
            List<StreamMessage<String, String>> messages = redis.xrange(kv.keys().streamKey(shard),
                    from.equals("-") ? Range.create("-", "+") : Range.from(Range.Boundary.excluding(from), Range.Boundary.unbounded()));
            List<ShardEvent> batch = new ArrayList<>();
            Set<String> keys = new HashSet<>();
            for (StreamMessage<String, String> m : messages) {
                ChangeEvent e = ChangeEvent.fromStreamEntry(m.getBody());
                if (!keys.add(e.table() + "/" + e.key())) {
                    sink.write(new SinkBatch(batch, Map.of()));
                    batch.clear();
                    keys.clear();
                    keys.add(e.table() + "/" + e.key());
                }
                batch.add(new ShardEvent(shard, m.getId(), e));
                applied.put(shard, m.getId());
            }
            sink.write(new SinkBatch(batch, Map.of()));
        }
    }

    /** Removes a drained row from Redis, as the TTL sweep does. */
    <E> void evict(KvRepositoryAccess<E> repo, E entity) {
        RedisKvRepository<E> r = repo.internal();
        r.evict(r.primaryKeyOf(entity), -1, null);
    }

    /** Rows of a table in the database, by primary key column values joined with '|'. */
    Map<String, Long> databaseVersions(String table) {
        Map<String, Long> out = new LinkedHashMap<>();
        dsl().selectFrom(DSL.table(DSL.name(table))).fetch().forEach(r -> out.put(String.valueOf(r.get(0)), r.get("version", Long.class)));
        return out;
    }

    /** Number of Redis keys of this namespace. */
    long redisKeys() {
        return redis.keys("{" + namespace + ":*").size();
    }

    @Override
    public void close() {
        kv.close();
        try {
            connection.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Typed access to the repository implementation. */
    record KvRepositoryAccess<E>(io.kvframework.core.KvRepository<E> repository) {
        RedisKvRepository<E> internal() {
            return (RedisKvRepository<E>) repository;
        }
    }
}
