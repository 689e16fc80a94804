package io.kvframework.redis;

import io.kvframework.core.EntityModel;
import io.kvframework.core.KvRepository;
import io.kvframework.core.KvUnavailableException;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.UnknownTableException;
import io.kvframework.core.spi.KvDatabase;
import io.kvframework.core.KvAsyncRepository;
import io.kvframework.redis.internal.KvStringCodec;
import io.kvframework.redis.internal.ObservedKvAsyncRepository;
import io.kvframework.redis.internal.ObservedKvRepository;
import io.kvframework.redis.internal.RedisKvAsyncRepository;
import io.kvframework.redis.internal.RedisKvRepository;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.protocol.ReadOnlyCommands;
import io.lettuce.core.protocol.RedisCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: one Redis connection (standalone or Cluster), an optional application
 * {@link DataSource} for database reads, and the repositories of registered entities. Thread-safe;
 * create one per application and close it at shutdown.
 *
 * <pre>{@code
 * try (KvClient kv = KvClient.builder()
 *         .redis(RedisURI.create("redis://localhost:6379"))
 *         .dataSource(dataSource)
 *         .build()) {
 *     KvRepository<Order> orders = kv.repository(OrderTable.MODEL);
 *     orders.createWithKV(new Order("o-1", "Oslo", Status.NEW));
 * }
 * }</pre>
 */
public final class KvClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("kv-redis");

    private final KvOptions options;
    private final KvKeys keys;
    private final AutoCloseable redisClient;
    /** The client of standalone Redis this KvClient opened, for {@link #newDedicatedConnection()}; null otherwise. */
    private final RedisClient standalone;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> async;
    private final boolean cluster;
    private final boolean ownsConnection;
    private final DataSource dataSource;
    private final KvDatabase database;
    private final Map<String, RedisKvRepository<?>> repositories = new ConcurrentHashMap<>();
    /** What {@link #repository(EntityModel)} hands out: the repositories, observed when an observation registry is set. */
    private final Map<String, KvRepository<?>> views = new ConcurrentHashMap<>();
    private final Map<String, KvAsyncRepository<?>> asyncViews = new ConcurrentHashMap<>();
    private ExecutorService blocking;

    private KvClient(Builder b) {
        this.options = b.options;
        this.keys = new KvKeys(options.namespace(), options.shards());
        this.dataSource = b.database != null ? b.database.dataSource() : b.dataSource;
        RedisClient own = null;
        if (b.connection != null) {
            this.redisClient = null;
            this.connection = b.connection;
            this.ownsConnection = false;
        } else if (b.clusterUris != null) {
            ClientResources resources = clientResources();
            RedisClusterClient client = RedisClusterClient.create(resources, b.clusterUris);
            client.setOptions(clusterClientOptions());
            this.redisClient = () -> {
                client.shutdown();
                resources.shutdown();
            };
            this.connection = connect(() -> client.connect(KvStringCodec.UTF8), b.clusterUris.toString());
            this.ownsConnection = true;
        } else {
            ClientResources resources = clientResources();
            RedisClient client = RedisClient.create(resources, b.redisUri);
            client.setOptions(clientOptions());
            this.redisClient = () -> {
                client.shutdown();
                resources.shutdown();
            };
            this.connection = connect(() -> client.connect(KvStringCodec.UTF8), b.redisUri.toString());
            this.ownsConnection = true;
            own = client;
        }
        this.standalone = own;
        this.connection.setTimeout(options.commandTimeout());
        if (!ownsConnection && replaysWrites(connection.getOptions())) {
            LOG.warn("kv-redis: the connection given to KvClient re-sends commands after a reconnect (Lettuce's default,"
                    + " at-least-once): a write in flight when the connection drops can then be applied twice or late."
                    + " Create its client with KvClient.clientOptions() or KvClient.clusterClientOptions()");
        }
        this.cluster = connection instanceof StatefulRedisClusterConnection;
        this.async = cluster ? ((StatefulRedisClusterConnection<String, String>) connection).async()
                : ((StatefulRedisConnection<String, String>) connection).async();
        this.database = b.database != null ? b.database
                : dataSource != null ? KvDatabase.open(dataSource, b.dialect, options.namespace()) : null;
        LOG.info("kv-redis: client ready ({}, {}, database {})", cluster ? "Redis Cluster" : "Redis", options,
                database == null ? "none" : database.dialect());
    }

    private static StatefulConnection<String, String> connect(java.util.function.Supplier<StatefulConnection<String, String>> connector,
            String where) {
        try {
            return connector.get();
        } catch (RuntimeException e) {
            throw new KvUnavailableException("cannot connect to Redis at " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * The Lettuce options KvClient uses for the connections it opens, for applications that pass
     * their own connection: reconnect automatically, but never re-send a write that was in flight
     * when the connection dropped, and refuse commands while disconnected instead of queueing them.
     * A write that meets a broken connection then fails at once with {@link KvUnavailableException}
     * and is applied whole or not at all — never twice, never later. Lettuce's default
     * (at-least-once) would re-send it after reconnecting.
     */
    public static ClientOptions clientOptions() {
        return ClientOptions.builder().autoReconnect(true).disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .replayFilter(KvClient::notReplayed).build();
    }

    /**
     * The Lettuce resources of the clients KvClient opens: Lettuce's defaults, except that its
     * per-command latency histograms are off (Lettuce turns them on whenever HdrHistogram and
     * LatencyUtils are on the class path, as Micrometer puts them; they cost its single I/O thread
     * CPU on every command, and KvClient's own meters measure the operations).
     */
    public static ClientResources clientResources() {
        return ClientResources.builder().commandLatencyRecorder(CommandLatencyRecorder.disabled()).build();
    }

    /** {@link #clientOptions()} for Redis Cluster clients. */
    public static ClusterClientOptions clusterClientOptions() {
        ClusterClientOptions.Builder b = ClusterClientOptions.builder();
        b.autoReconnect(true).disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).replayFilter(KvClient::notReplayed);
        return b.build();
    }

    /** Commands that must not be re-sent after a reconnect: everything that may change data. */
    private static boolean notReplayed(RedisCommand<?, ?, ?> command) {
        return command.getType() == null || !ReadOnlyCommands.isReadOnlyCommand(command.getType());
    }

    private static boolean replaysWrites(ClientOptions options) {
        return options.isAutoReconnect() && options.getReplayFilter() == ClientOptions.DEFAULT_REPLAY_FILTER;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The repository of an entity; the model is registered on first use. */
    @SuppressWarnings("unchecked")
    public <E> KvRepository<E> repository(EntityModel<E> model) {
        Objects.requireNonNull(model, "model");
        RedisKvRepository<?> repo = repositories.computeIfAbsent(model.table(), t -> new RedisKvRepository<>(this, model));
        if (repo.model() != model) {
            throw new IllegalArgumentException("table " + model.table() + " is already registered with another entity model ("
                    + repo.model().type().getName() + ")");
        }
        return (KvRepository<E>) views.computeIfAbsent(model.table(), t -> observed((RedisKvRepository<E>) repo));
    }

    /**
     * The asynchronous repository of an entity: the same calls as {@link #repository(EntityModel)}
     * returning {@code CompletionStage}s (see {@link KvAsyncRepository}).
     */
    @SuppressWarnings("unchecked")
    public <E> KvAsyncRepository<E> asyncRepository(EntityModel<E> model) {
        repository(model);
        return (KvAsyncRepository<E>) asyncViews.computeIfAbsent(model.table(), t -> {
            KvAsyncRepository<E> async = new RedisKvAsyncRepository<>(this, (RedisKvRepository<E>) repositories.get(t), blockingExecutor());
            return options.observationRegistry().isNoop() ? async : new ObservedKvAsyncRepository<>(async, options.observationRegistry());
        });
    }

    /** The bounded executor for the blocking steps of asynchronous calls (database reads, unique claims). */
    private synchronized ExecutorService blockingExecutor() {
        if (blocking == null) {
            AtomicInteger n = new AtomicInteger();
            blocking = Executors.newFixedThreadPool(options.blockingThreads(), r -> {
                Thread t = new Thread(r, "kv-blocking-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return blocking;
    }

    private <E> KvRepository<E> observed(RedisKvRepository<E> repo) {
        return options.observationRegistry().isNoop() ? repo : new ObservedKvRepository<>(repo, options.observationRegistry());
    }

    /** The repository of a registered table. */
    public KvRepository<?> repository(String table) {
        RedisKvRepository<?> repo = repositories.get(table);
        if (repo == null) {
            throw new UnknownTableException("no entity is registered for table '" + table + "'; registered: " + repositories.keySet());
        }
        return repo;
    }

    /** Entity models registered so far. */
    public List<EntityModel<?>> models() {
        List<EntityModel<?>> models = new ArrayList<>();
        repositories.values().forEach(r -> models.add(r.model()));
        return models;
    }

    public KvOptions options() {
        return options;
    }

    public KvKeys keys() {
        return keys;
    }

    private volatile KvAdmin admin;

    /** Eviction and table modes, for the drainer and operator tools. */
    public KvAdmin admin() {
        KvAdmin a = admin;
        if (a == null) {
            a = new io.kvframework.redis.internal.RedisKvAdmin(this);
            admin = a;
        }
        return a;
    }

    /** Whether the connection is to a Redis Cluster. */
    public boolean isCluster() {
        return cluster;
    }

    /**
     * A new connection to the same standalone Redis, with this client's options and command
     * timeout, for a caller that blocks on it: the stream engine waits in {@code XREADGROUP … BLOCK}
     * for new entries, which on the shared connection would hold up every command queued behind it.
     * Empty for Redis Cluster and for a connection the application passed in (the engine then
     * polls). The caller closes it.
     */
    public Optional<StatefulRedisConnection<String, String>> newDedicatedConnection() {
        if (standalone == null) {
            return Optional.empty();
        }
        StatefulRedisConnection<String, String> c = standalone.connect(KvStringCodec.UTF8);
        c.setTimeout(options.commandTimeout());
        return Optional.of(c);
    }

    /** The async command interface of the shared connection (for the drainer and tools). */
    public RedisClusterAsyncCommands<String, String> redis() {
        return async;
    }

    /** The application's DataSource, or null when none was given (then reads never fall back). */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The database dialect, or null without a DataSource. */
    public SqlDialect dialect() {
        return database == null ? null : database.dialect();
    }

    /** The database the repositories fall back to ({@code kv-sql}'s, found for the DataSource), or null without one. */
    public KvDatabase database() {
        return database;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (blocking != null) {
                blocking.shutdown();
            }
        }
        if (ownsConnection) {
            connection.close();
            try {
                redisClient.close();
            } catch (Exception e) {
                LOG.warn("kv-redis: closing the Redis client failed: {}", e.toString());
            }
        }
    }

    /** Builds a {@link KvClient}. */
    public static final class Builder {
        private RedisURI redisUri;
        private List<RedisURI> clusterUris;
        private StatefulConnection<String, String> connection;
        private DataSource dataSource;
        private SqlDialect dialect;
        private KvDatabase database;
        private KvOptions options = KvOptions.create();

        private Builder() {
        }

        /** A standalone Redis (or a Sentinel-managed one, through a Sentinel RedisURI). */
        public Builder redis(RedisURI uri) {
            this.redisUri = uri;
            return this;
        }

        /** A Redis Cluster, reached through any of these seed nodes. */
        public Builder redisCluster(List<RedisURI> seeds) {
            this.clusterUris = List.copyOf(seeds);
            return this;
        }

        /** An existing connection (standalone or cluster) with String keys and values; it is not closed by the client. */
        public Builder connection(StatefulConnection<String, String> connection) {
            this.connection = connection;
            return this;
        }

        /** The application's DataSource, for reads that fall back to the database and for uniqueness checks. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** The dialect, when it should not be detected from the DataSource. */
        public Builder dialect(SqlDialect dialect) {
            this.dialect = dialect;
            return this;
        }

        /** The database itself, instead of one opened for {@link #dataSource(DataSource)} (which is then ignored). */
        public Builder database(KvDatabase database) {
            this.database = database;
            return this;
        }

        public Builder options(KvOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        public KvClient build() {
            int sources = (redisUri != null ? 1 : 0) + (clusterUris != null ? 1 : 0) + (connection != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalArgumentException("KvClient needs exactly one of redis(uri), redisCluster(seeds) or connection(c); got "
                        + sources);
            }
            if (clusterUris != null && clusterUris.isEmpty()) {
                throw new IllegalArgumentException("KvClient.redisCluster needs at least one seed node");
            }
            return new KvClient(this);
        }
    }
}
