package io.kvframework.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.reflect.Parameter;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests real servers and ready clients by parameter, in the spirit of Lettuce's test
 * extension. Servers are shared by the JVM ({@link Servers}); everything else belongs to the test
 * (or, when asked for in a {@code @BeforeAll}/constructor, to the class) and is closed after it.
 *
 * <p>Parameter types:
 * <ul>
 *   <li>{@link RedisServer}, {@link PostgresServer}, {@link MariaDbServer}, {@link KafkaServer},
 *       {@link ClickHouseServer}: the JVM's server of that kind;</li>
 *   <li>{@link RedisClusterServer}: a three-master Redis Cluster started by the testkit;</li>
 *   <li>{@link TestNamespace}: a name unique to the test, the same for every parameter of one test;</li>
 *   <li>{@link RedisClient} and {@code StatefulRedisConnection<String, String>}: a Lettuce client of
 *       the Redis server;</li>
 *   <li>{@link DataSource} and {@link IsolatedDatabase}, optionally annotated {@link Postgres} (the
 *       default) or {@link MariaDb}: a schema/database named after the test's namespace, dropped
 *       after it.</li>
 * </ul>
 */
public final class KvServersExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(KvServersExtension.class);
    private static final Set<Class<?>> TYPES = Set.of(RedisServer.class, PostgresServer.class, MariaDbServer.class,
            KafkaServer.class, ClickHouseServer.class, RedisClusterServer.class, TestNamespace.class, RedisClient.class,
            StatefulRedisConnection.class, DataSource.class, IsolatedDatabase.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return TYPES.contains(parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        Parameter parameter = parameterContext.getParameter();
        Class<?> type = parameter.getType();
        try {
            if (type == RedisServer.class) {
                return Servers.redis();
            } else if (type == PostgresServer.class) {
                return Servers.postgres();
            } else if (type == MariaDbServer.class) {
                return Servers.mariadb();
            } else if (type == KafkaServer.class) {
                return Servers.kafka();
            } else if (type == ClickHouseServer.class) {
                return Servers.clickhouse();
            } else if (type == RedisClusterServer.class) {
                return Servers.redisCluster();
            } else if (type == TestNamespace.class) {
                return namespace(context);
            } else if (type == RedisClient.class) {
                return redisClient(context);
            } else if (type == StatefulRedisConnection.class) {
                return store(context).getOrComputeIfAbsent("redis-connection",
                        k -> new Closing<>(redisClient(context).connect(), StatefulRedisConnection::close), Closing.class).value();
            } else {
                boolean maria = parameter.isAnnotationPresent(MariaDb.class);
                IsolatedDatabase db = isolatedDatabase(context, maria);
                return type == DataSource.class ? db.dataSource() : db;
            }
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("kv-testkit: cannot provide " + type.getSimpleName() + " for "
                    + context.getDisplayName() + ": " + e.getMessage(), e);
        }
    }

    /** The namespace of the current test (or class). */
    public static TestNamespace namespace(ExtensionContext context) {
        return store(context).getOrComputeIfAbsent("namespace", k -> TestNamespace.create(), TestNamespace.class);
    }

    private static RedisClient redisClient(ExtensionContext context) {
        Closing<?> client = store(context).getOrComputeIfAbsent("redis-client",
                k -> new Closing<>(RedisClient.create(Servers.redis().redisUri()), RedisClient::shutdown), Closing.class);
        return (RedisClient) client.value();
    }

    private static IsolatedDatabase isolatedDatabase(ExtensionContext context, boolean maria) {
        String key = maria ? "mariadb-database" : "postgres-database";
        Closing<?> db = store(context).getOrComputeIfAbsent(key, k -> {
            JdbcServer server = maria ? Servers.mariadb() : Servers.postgres();
            return new Closing<>(server.isolated(namespace(context).value()), IsolatedDatabase::close);
        }, Closing.class);
        return (IsolatedDatabase) db.value();
    }

    private static ExtensionContext.Store store(ExtensionContext context) {
        return context.getStore(STORE);
    }

    /** A store value that JUnit closes when its test or class ends. */
    private record Closing<T>(T value, java.util.function.Consumer<T> closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.accept(value);
        }
    }
}
