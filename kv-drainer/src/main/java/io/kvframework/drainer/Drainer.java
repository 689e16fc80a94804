package io.kvframework.drainer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kvframework.core.ChangeEvent;
import io.kvframework.core.EntityModel;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import io.kvframework.redis.KvClient;
import io.kvframework.sql.DatabaseSink;
import io.kvframework.stream.DeadLetter;
import io.kvframework.stream.EngineOptions;
import io.kvframework.stream.HealthState;
import io.kvframework.stream.StreamEngine;
import io.kvframework.stream.StreamService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-behind from the change stream into PostgreSQL or MariaDB: a {@link StreamEngine} with the
 * {@link DatabaseSink}. After each committed batch it schedules the drained rows for eviction from
 * Redis after their TTL (and drained tombstones after {@code tombstoneTtl}); its housekeeping evicts
 * what is due, if the row has not changed since.
 *
 * <pre>{@code
 * try (Drainer drainer = Drainer.builder(kv).dataSource(dataSource).models(OrderTable.MODEL).build().start()) {
 *     ... the application runs ...
 * }   // close(): finishes the batch in flight, commits, acknowledges, releases the leases
 * }</pre>
 */
public final class Drainer implements StreamService {
    /** The consumer group the drainer reads with. */
    public static final String GROUP = "drainer";
    /** How many connections a batch is written over by default ({@link Builder#writeConnections}). */
    public static final int DEFAULT_WRITE_CONNECTIONS = 2;
    private static final Logger LOG = LoggerFactory.getLogger("kv-drainer");

    private final KvClient kv;
    private final DatabaseSink database;
    private final StreamEngine engine;
    private final HikariDataSource ownedPool;
    private final Duration tombstoneRetention;
    private long nextPrune;
    /** How long a requested switch to database mode waits for the streams to drain. */
    static final Duration MODE_SWITCH_TIMEOUT = Duration.ofMinutes(5);
    /** How long a requested switch back to KV mode holds writes back. */
    static final Duration MODE_SWITCH_GRACE = Duration.ofSeconds(2);

    private final boolean createTablesAtStart;
    private final ModeSwitches modes;
    private final Evictions evictions;
    private volatile boolean databaseReady;

    private Drainer(Builder b) {
        this.kv = b.kv;
        this.evictions = new Evictions(kv);
        this.ownedPool = b.ownedPool;
        DataSource ds = b.dataSource != null ? b.dataSource : b.ownedPool;
        SqlDialect dialect = b.dialect != null ? b.dialect
                : ds == kv.dataSource() && kv.dialect() != null ? kv.dialect()
                : b.jdbcDialect != null ? b.jdbcDialect : SqlDialect.detect(ds);
        List<EntityModel<?>> models = b.models.isEmpty() ? kv.models() : b.models;
        if (models.isEmpty()) {
            throw new IllegalArgumentException("Drainer needs the entity models it drains: Drainer.builder(kv).models(...)");
        }
        for (EntityModel<?> m : models) {
            kv.repository(m);
        }
        this.database = new DatabaseSink(ds, dialect, kv.keys().namespace(), b.engineOptions.group(), models, b.writeConnections);
        this.createTablesAtStart = b.createTables;
        try {
            prepareDatabase();
        } catch (RuntimeException e) {
            if (!DatabaseSink.unreachable(e)) {
                throw e;
            }
            LOG.warn("kv-drainer: the database is unreachable ({}); the drainer starts anyway, writes nothing until it returns, and then"
                    + " {} the tables before taking any shard", e.getMessage(), createTablesAtStart ? "creates and checks" : "checks");
        }
        this.tombstoneRetention = b.tombstoneRetention;
        this.engine = new StreamEngine(kv, new Sink(), b.engineOptions);
        this.modes = new ModeSwitches(kv, engine);
    }

    /** Creates (when asked) and checks the tables, once; the first shard taken waits for it. */
    private synchronized void prepareDatabase() {
        if (databaseReady) {
            return;
        }
        if (createTablesAtStart) {
            database.createTables();
        }
        database.verifySchema();
        databaseReady = true;
        LOG.info("kv-drainer: the database tables fit the entity models");
    }

    public static Builder builder(KvClient kv) {
        return new Builder(kv);
    }

    /** Starts draining in a background thread. */
    public Drainer start() {
        engine.start();
        return this;
    }

    @Override
    public StreamEngine engine() {
        return engine;
    }

    /**
     * The drainer's health: the engine's, except that a running drainer that has not yet reached
     * its database (started while it was down) is {@link HealthState#SINK_UNAVAILABLE}, never OK.
     */
    @Override
    public HealthState health() {
        HealthState state = engine.health();
        if (!databaseReady && (state == HealthState.OK || state == HealthState.LAGGING)) {
            return HealthState.SINK_UNAVAILABLE;
        }
        return state;
    }

    /** The result of replaying a dead letter. */
    public enum ReplayResult {
        /** The event was written to the database and removed from the dead letters. */
        APPLIED,
        /** The database already holds the key at the event's version or a newer one (or deleted it since): removed without writing. */
        SUPERSEDED
    }

    /**
     * Writes a dead-lettered event to the database now (after its cause was fixed), unless the
     * database already holds its key at the event's version or newer; then removes the dead letter.
     * A dead letter whose event did not reach the database is never removed.
     *
     * @throws Exception when the database still refuses it (it stays a dead letter)
     */
    public ReplayResult replay(DeadLetter letter) throws Exception {
        ChangeEvent event = ChangeEvent.fromStreamEntry(letter.originalFields());
        long stored = database.storedVersion(event);
        if (stored >= event.version()) {
            deadLetters().discard(letter.shard(), letter.id());
            LOG.info("kv-drainer: dead letter {} of {} {} is superseded: the database holds version {} >= {}; removed", letter.id(),
                    event.table(), event.key(), stored, event.version());
            return ReplayResult.SUPERSEDED;
        }
        SinkBatch batch = new SinkBatch(List.of(new ShardEvent(letter.shard(), letter.originalEntryId(), event)), Map.of());
        database.write(batch);
        long now = database.storedVersion(event);
        if (now < event.version()) {
            throw new IllegalStateException("kv-drainer: replaying dead letter " + letter.id() + " of " + event.table() + " " + event.key()
                    + " left the database at version " + now + " < " + event.version() + "; the dead letter is kept");
        }
        evictions.schedule(batch);
        deadLetters().discard(letter.shard(), letter.id());
        LOG.info("kv-drainer: replayed dead letter {} of {} {} (version {})", letter.id(), event.table(), event.key(), event.version());
        return ReplayResult.APPLIED;
    }

    /**
     * Gives up on a dead-lettered change: removes the dead letter and releases the row it pinned in
     * Redis (it is evicted after its TTL, and reads then return what the database holds). The one
     * explicit way to drop an acknowledged write.
     *
     * @return what was dropped, for the operator's record
     */
    public String discard(DeadLetter letter) {
        return DeadLetterDiscard.discard(kv, letter, database);
    }

    /** {@link #discard(DeadLetter)} without a running drainer (the operator CLI); the database side is not described. */
    public static String discard(KvClient kv, DeadLetter letter) {
        return DeadLetterDiscard.discard(kv, letter, null);
    }

    /**
     * Switches a table to database mode: writes of the table are held back, every change already in
     * the streams is drained, its rows leave Redis, and from then on the repository reads and writes
     * the database directly (no stream events: the Kafka bridge sees no database-mode changes).
     *
     * @throws KvUnavailableException when the backlog was not drained within {@code timeout}; the
     *         table is then back in KV mode
     */
    public void switchToDatabase(String table, Duration timeout) throws InterruptedException {
        modes.switchToDatabase(table, timeout, null);
    }

    /**
     * Switches a table back to KV mode. Writes are held back for {@code grace} so that database-mode
     * writes in flight finish first; afterwards a create of a key Redis has never seen always asks the
     * database (keys created in database mode are not in the key filter).
     */
    public void switchToKv(String table, Duration grace) throws InterruptedException {
        modes.switchToKv(table, grace);
    }

    /** The mode of a table: {@code kv}, {@code db} or {@code switching}. */
    public String mode(String table) {
        return ModeRequests.modeOf(kv, table);
    }

    /** CREATE TABLE IF NOT EXISTS for the entity tables and the drainer's own tables. */
    public void createTables() {
        database.createTables();
    }

    @Override
    public void close() {
        engine.close();
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    /** The database sink plus eviction scheduling and sweeping. */
    private final class Sink implements ChangeSink {
        @Override
        public String name() {
            return database.name();
        }

        @Override
        public void check(ChangeEvent event) {
            database.check(event);
        }

        @Override
        public void write(SinkBatch batch) {
            database.write(batch);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> writeAsync(SinkBatch batch, java.util.concurrent.CompletableFuture<Void> previous) {
            return database.writeAsync(batch, previous);
        }

        @Override
        public Failure classify(Exception error) {
            return database.classify(error);
        }

        @Override
        public long unreachableMillis() {
            return database.unreachableMillis();
        }

        @Override
        public Optional<String> claim(int shard, long fence) {
            prepareDatabase();
            return database.claim(shard, fence);
        }

        @Override
        public void afterCommit(SinkBatch batch) {
            evictions.schedule(batch);
        }

        @Override
        public void close() {
            try {
                evictions.checkSent(true);
            } catch (RuntimeException e) {
                LOG.warn("kv-drainer: eviction schedules still unanswered at close ({}); their rows stay cached until written again",
                        e.toString());
            }
            database.close();
        }

        @Override
        public void maintain(Set<Integer> ownedShards) {
            evictions.sweep(ownedShards);
            modes.serveRequests();
            long now = System.currentTimeMillis();
            if (now >= nextPrune) {
                nextPrune = now + Duration.ofMinutes(10).toMillis();
                int pruned = database.pruneTombstones(tombstoneRetention);
                if (pruned > 0) {
                    LOG.info("kv-drainer: forgot {} applied deletes older than {}", pruned, tombstoneRetention);
                }
            }
        }
    }

    /** Builds a {@link Drainer}. */
    public static final class Builder {
        private final KvClient kv;
        private DataSource dataSource;
        private HikariDataSource ownedPool;
        private SqlDialect dialect;
        private SqlDialect jdbcDialect;
        private final List<EntityModel<?>> models = new ArrayList<>();
        private EngineOptions engineOptions = EngineOptions.builder(GROUP).build();
        private boolean createTables;
        private Duration tombstoneRetention = Duration.ofDays(7);
        private int writeConnections = DEFAULT_WRITE_CONNECTIONS;

        private Builder(KvClient kv) {
            this.kv = Objects.requireNonNull(kv, "kv");
        }

        /**
         * How many database connections one batch is written over at once (default
         * {@value Drainer#DEFAULT_WRITE_CONNECTIONS}): the batch's shards are divided among them, each share
         * in its own transaction with its shards' positions. 1 writes each batch in one transaction.
         * The DataSource's pool must allow this many connections besides the application's own.
         */
        public Builder writeConnections(int connections) {
            if (connections < 1 || connections > 64) {
                throw new IllegalArgumentException("writeConnections must be between 1 and 64, got " + connections);
            }
            this.writeConnections = connections;
            return this;
        }

        /** The application's DataSource (defaults to the KvClient's). */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** A HikariCP pool built for the drainer from a JDBC URL; closed with the drainer. */
        public Builder jdbc(String url, String user, String password, int poolSize) {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(url);
            c.setUsername(user);
            c.setPassword(password);
            c.setMaximumPoolSize(poolSize);
            c.setPoolName("kv-drainer");
            // the pool starts while the database is down; the drainer waits for it
            c.setInitializationFailTimeout(-1);
            this.ownedPool = new HikariDataSource(c);
            this.jdbcDialect = SqlDialect.fromJdbcUrl(url);
            return this;
        }

        public Builder dialect(SqlDialect dialect) {
            this.dialect = dialect;
            return this;
        }

        /** The entities to drain (defaults to the models registered with the KvClient). */
        public Builder models(EntityModel<?>... models) {
            this.models.addAll(List.of(models));
            return this;
        }

        public Builder models(List<EntityModel<?>> models) {
            this.models.addAll(models);
            return this;
        }

        /** Engine settings; the group must be {@value #GROUP} unless several drainers feed different databases. */
        public Builder engineOptions(EngineOptions options) {
            this.engineOptions = Objects.requireNonNull(options, "engineOptions");
            return this;
        }

        /** Create missing tables at start (CREATE TABLE IF NOT EXISTS). */
        public Builder createTables(boolean createTables) {
            this.createTables = createTables;
            return this;
        }

        /**
         * How long the database remembers an applied delete (default 7 days), so that no older
         * event of the key (a late redelivery, a replayed dead letter) brings the row back.
         */
        public Builder tombstoneRetention(Duration retention) {
            if (retention == null || retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("Drainer.tombstoneRetention must be a positive duration, got " + retention);
            }
            this.tombstoneRetention = retention;
            return this;
        }

        public Drainer build() {
            if (dataSource == null && ownedPool == null) {
                dataSource = kv.dataSource();
            }
            if (dataSource == null && ownedPool == null) {
                throw new IllegalArgumentException("Drainer needs a database: dataSource(...), jdbc(...), or a KvClient with a DataSource");
            }
            return new Drainer(this);
        }
    }
}
