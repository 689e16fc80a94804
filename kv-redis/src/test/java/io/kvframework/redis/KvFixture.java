package io.kvframework.redis;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.EntityModel;
import io.kvframework.redis.internal.RedisKvRepository;
import io.kvframework.redis.sql.DbRow;
import io.kvframework.redis.sql.SqlTable;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.kvframework.testkit.RedisClusterServer;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * A KvClient on a test namespace with the test entities' tables created, and a small stand-in for
 * the drainer: {@link #drain()} applies every stream event to the database in order, version-guarded.
 */
final class KvFixture implements AutoCloseable {
    final KvClient kv;
    final RedisClusterCommands<String, String> redis;
    final DataSource dataSource;
    final String namespace;
    private final Map<Integer, String> applied = new HashMap<>();
    private final AutoCloseable connection;

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
        if (dataSource != null) {
            for (EntityModel<?> model : List.of(Order.MODEL, Line.MODEL)) {
                new SqlTable<>(model, kv.dialect()).createTable(kv.dsl()).forEach(q -> q.execute());
            }
        }
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

    /** Applies every event not yet applied to the database (a stand-in for the drainer). */
    void drain() {
        DSLContext dsl = kv.dsl();
        for (int shard = 0; shard < kv.keys().shards(); shard++) {
            String from = applied.getOrDefault(shard, "-");
            List<StreamMessage<String, String>> messages = redis.xrange(kv.keys().streamKey(shard),
                    from.equals("-") ? Range.create("-", "+") : Range.from(Range.Boundary.excluding(from), Range.Boundary.unbounded()));
            for (StreamMessage<String, String> m : messages) {
                ChangeEvent e = ChangeEvent.fromStreamEntry(m.getBody());
                EntityModel<?> model = kv.repository(e.table()).model();
                apply(dsl, model, e);
                applied.put(shard, m.getId());
            }
        }
    }

    private static <E> void apply(DSLContext dsl, EntityModel<E> model, ChangeEvent e) {
        SqlTable<E> table = new SqlTable<>(model, dsl.dialect() == org.jooq.SQLDialect.POSTGRES
                ? io.kvframework.redis.sql.SqlDialect.POSTGRES : io.kvframework.redis.sql.SqlDialect.MARIADB);
        Object[] values = e.values(model);
        if (e.op() == ChangeEvent.Op.DELETE) {
            Object[] key = model.key().stream().map(c -> values[c.position()]).toArray();
            table.deleteOlder(dsl, key, e.version()).execute();
        } else {
            table.upsert(dsl, List.of(new DbRow(values, e.version()))).execute();
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
        kv.dsl().fetch("select * from " + DSL.name(table).toString()).forEach(r -> out.put(String.valueOf(r.get(0)), r.get("version", Long.class)));
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
