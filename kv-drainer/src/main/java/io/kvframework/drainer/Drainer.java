package io.kvframework.drainer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kvframework.core.ChangeEvent;
import io.kvframework.core.EntityModel;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.internal.Futures;
import io.kvframework.redis.internal.RedisKvRepository;
import io.kvframework.redis.sql.SqlDialect;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
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
public final class Drainer implements AutoCloseable {
    /** The consumer group the drainer reads with. */
    public static final String GROUP = "drainer";
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

    private Drainer(Builder b) {
        this.kv = b.kv;
        this.ownedPool = b.ownedPool;
        DataSource ds = b.dataSource != null ? b.dataSource : b.ownedPool;
        SqlDialect dialect = b.dialect != null ? b.dialect : SqlDialect.detect(ds);
        List<EntityModel<?>> models = b.models.isEmpty() ? kv.models() : b.models;
        if (models.isEmpty()) {
            throw new IllegalArgumentException("Drainer needs the entity models it drains: Drainer.builder(kv).models(...)");
        }
        for (EntityModel<?> m : models) {
            kv.repository(m);
        }
        this.database = new DatabaseSink(ds, dialect, b.engineOptions.group(), models);
        if (b.createTables) {
            database.createTables();
        }
        database.verifySchema();
        this.tombstoneRetention = b.tombstoneRetention;
        this.engine = new StreamEngine(kv, new Sink(), b.engineOptions);
    }

    public static Builder builder(KvClient kv) {
        return new Builder(kv);
    }

    /** Starts draining in a background thread. */
    public Drainer start() {
        engine.start();
        return this;
    }

    public StreamEngine engine() {
        return engine;
    }

    public HealthState health() {
        return engine.health();
    }

    public DeadLetters deadLetters() {
        return engine.deadLetters();
    }

    /** Entries not yet written to the database, over every shard. */
    public long backlog() {
        return engine.backlog();
    }

    /** Waits until everything written so far is in the database; false on timeout. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        return engine.awaitDrained(timeout);
    }

    /** The result of replaying a dead letter. */
    public enum ReplayResult {
        /** The event was written to the database and removed from the dead letters. */
        APPLIED,
        /** A newer version of the row exists (or the row was deleted since): removed without writing. */
        SUPERSEDED
    }

    /**
     * Writes a dead-lettered event to the database now (after its cause was fixed) if Redis still
     * holds exactly its version, and removes it from the dead letters.
     *
     * @throws Exception when the database still refuses it (it stays a dead letter)
     */
    public ReplayResult replay(DeadLetter letter) throws Exception {
        ChangeEvent event = ChangeEvent.fromStreamEntry(letter.originalFields());
        KvKeys keys = kv.keys();
        int shard = keys.shard(event.table(), event.key());
        String current = Futures.await(kv.redis().hget(keys.rowKey(shard, event.table(), event.key()), "_v"),
                kv.options().commandTimeout(), "reading the version of " + event.key());
        if (current == null || Long.parseLong(current) != event.version()) {
            deadLetters().discard(letter.shard(), letter.id());
            LOG.info("kv-drainer: dead letter {} of {} {} is superseded (Redis holds version {}); discarded", letter.id(), event.table(),
                    event.key(), current);
            return ReplayResult.SUPERSEDED;
        }
        SinkBatch batch = new SinkBatch(List.of(new ShardEvent(shard, letter.originalEntryId(), event)), Map.of());
        database.write(batch);
        scheduleEvictions(batch);
        deadLetters().discard(letter.shard(), letter.id());
        LOG.info("kv-drainer: replayed dead letter {} of {} {}", letter.id(), event.table(), event.key());
        return ReplayResult.APPLIED;
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
        RedisKvRepository<?> repo = (RedisKvRepository<?>) kv.repository(table);
        setMode(table, "draining");
        Map<Integer, String> marks = new java.util.HashMap<>();
        for (int s = 0; s < kv.keys().shards(); s++) {
            List<io.lettuce.core.StreamMessage<String, String>> last = Futures.await(kv.redis().xrevrange(kv.keys().streamKey(s),
                    Range.create("-", "+"), Limit.create(0, 1)), kv.options().commandTimeout(), "reading the end of shard " + s);
            if (!last.isEmpty()) {
                marks.put(s, last.get(0).getId());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!marks.isEmpty()) {
            marks.entrySet().removeIf(e -> engine.processedUpTo(e.getKey(), e.getValue()));
            if (marks.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                setMode(table, null);
                throw new io.kvframework.core.KvUnavailableException("kv-drainer: switching " + table + " to database mode: "
                        + marks.size() + " shard(s) not drained within " + timeout + "; the table stays in KV mode");
            }
            Thread.sleep(20);
        }
        int evicted = 0;
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        String pattern = "{" + kv.keys().namespace() + ":*}:r:" + table + ":*";
        do {
            io.lettuce.core.KeyScanCursor<String> page = Futures.await(kv.redis().scan(cursor,
                    io.lettuce.core.ScanArgs.Builder.matches(pattern).limit(1000)), kv.options().commandTimeout(), "scanning " + table);
            for (String key : page.getKeys()) {
                String pk = key.substring(key.indexOf(":r:" + table + ":") + 4 + table.length());
                if (repo.evict(pk, -1, null) == 1) {
                    evicted++;
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        setMode(table, "db");
        LOG.info("kv-drainer: {} is in database mode ({} cached rows evicted)", table, evicted);
    }

    /**
     * Switches a table back to KV mode. Writes are held back for {@code grace} so that database-mode
     * writes in flight finish first; afterwards a create of a key Redis has never seen always asks the
     * database (keys created in database mode are not in the key filter).
     */
    public void switchToKv(String table, Duration grace) throws InterruptedException {
        kv.repository(table);
        setMode(table, "draining");
        Thread.sleep(grace.toMillis());
        setMode(table, "checked");
        LOG.info("kv-drainer: {} is in KV mode again", table);
    }

    /** The mode of a table: {@code kv}, {@code db} or {@code switching}. */
    public String mode(String table) {
        return modeOf(kv, table);
    }

    /** The mode of a table as Redis holds it: {@code kv}, {@code db} or {@code switching}. */
    public static String modeOf(KvClient kv, String table) {
        String m = Futures.await(kv.redis().hget(kv.keys().modeKey(0), table), kv.options().commandTimeout(), "reading a mode");
        return m == null || m.equals("checked") ? "kv" : m.equals("draining") ? "switching" : m;
    }

    /** Hash of mode switches asked for by operators (table → {@code kv} | {@code db}): {@code {ns:0}:mode-requests}. */
    public static String modeRequestsKey(KvClient kv) {
        return kv.keys().tag(0) + ":mode-requests";
    }

    /** Hash of the outcome of the last requested switch per table ({@code ok:<mode>} or {@code error:<message>}). */
    public static String modeResultsKey(KvClient kv) {
        return kv.keys().tag(0) + ":mode-results";
    }

    /**
     * Asks the running drainers to switch a table to {@code kv} or {@code db} mode (what the operator
     * CLI's {@code mode} command does): one drainer instance takes the request within a maintenance
     * interval, performs {@link #switchToDatabase} or {@link #switchToKv}, and records the outcome in
     * {@link #modeResultsKey}. Clears an earlier outcome for the table.
     */
    public static void requestMode(KvClient kv, String table, String mode) {
        if (!mode.equals("kv") && !mode.equals("db")) {
            throw new IllegalArgumentException("mode must be kv or db, got '" + mode + "'");
        }
        Futures.await(kv.redis().hdel(modeResultsKey(kv), table), kv.options().commandTimeout(), "clearing a mode result");
        Futures.await(kv.redis().hset(modeRequestsKey(kv), table, mode), kv.options().commandTimeout(), "requesting a mode switch");
    }

    /** Takes pending mode requests (each is taken by exactly one instance) and performs them on their own threads. */
    private void serveModeRequests() {
        Map<String, String> requests = Futures.await(kv.redis().hgetall(modeRequestsKey(kv)), kv.options().commandTimeout(),
                "reading mode requests");
        requests.forEach((table, target) -> {
            if (Futures.await(kv.redis().hdel(modeRequestsKey(kv), table), kv.options().commandTimeout(), "taking a mode request") == 1) {
                Thread t = new Thread(() -> performSwitch(table, target), "kv-drainer-mode-" + table);
                t.setDaemon(true);
                t.start();
            }
        });
    }

    private void performSwitch(String table, String target) {
        String result;
        try {
            LOG.info("kv-drainer: switching {} to {} mode as requested", table, target);
            if (target.equals("db")) {
                switchToDatabase(table, MODE_SWITCH_TIMEOUT);
            } else {
                switchToKv(table, MODE_SWITCH_GRACE);
            }
            result = "ok:" + target;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = "error:interrupted";
        } catch (RuntimeException e) {
            LOG.warn("kv-drainer: switching {} to {} mode failed: {}", table, target, e.toString());
            result = "error:" + e.getMessage();
        }
        Futures.await(kv.redis().hset(modeResultsKey(kv), table, result), kv.options().commandTimeout(), "recording a mode result");
    }

    private void setMode(String table, String mode) {
        List<RedisFuture<?>> futures = new ArrayList<>();
        for (int s = 0; s < kv.keys().shards(); s++) {
            futures.add(mode == null ? kv.redis().hdel(kv.keys().modeKey(s), table) : kv.redis().hset(kv.keys().modeKey(s), table, mode));
        }
        for (RedisFuture<?> f : futures) {
            Futures.await(f, kv.options().commandTimeout(), "setting the mode of " + table);
        }
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

    private void scheduleEvictions(SinkBatch batch) {
        long now = System.currentTimeMillis();
        Map<Integer, List<ScoredValue<String>>> byShard = new java.util.HashMap<>();
        for (ShardEvent e : batch.events()) {
            ChangeEvent ev = e.event();
            Duration ttl = ev.op() == ChangeEvent.Op.DELETE ? kv.options().tombstoneTtl()
                    : kv.repository(ev.table()).model().ttl().orElse(kv.options().defaultTtl());
            byShard.computeIfAbsent(e.shard(), k -> new ArrayList<>())
                    .add(ScoredValue.just((double) (now + ttl.toMillis()), ev.table() + ":" + ev.key() + ":" + ev.version()));
        }
        List<RedisFuture<Long>> futures = new ArrayList<>();
        for (Map.Entry<Integer, List<ScoredValue<String>>> e : byShard.entrySet()) {
            @SuppressWarnings("unchecked")
            ScoredValue<String>[] members = e.getValue().toArray(new ScoredValue[0]);
            futures.add(kv.redis().zadd(kv.keys().expiryKey(e.getKey()), members));
        }
        for (RedisFuture<Long> f : futures) {
            Futures.await(f, kv.options().commandTimeout(), "scheduling evictions");
        }
    }

    /** Evicts the rows of owned shards whose time in the cache is up, if unchanged since they were drained. */
    private void sweep(Set<Integer> shards) {
        long now = System.currentTimeMillis();
        for (int shard : shards) {
            List<ScoredValue<String>> due = Futures.await(kv.redis().zrangebyscoreWithScores(kv.keys().expiryKey(shard),
                    Range.create(Double.NEGATIVE_INFINITY, (double) now), Limit.create(0, 1000)), kv.options().commandTimeout(),
                    "reading due evictions");
            for (ScoredValue<String> member : due) {
                String m = member.getValue();
                int first = m.indexOf(':');
                int last = m.lastIndexOf(':');
                String table = m.substring(0, first);
                String pk = m.substring(first + 1, last);
                long version = Long.parseLong(m.substring(last + 1));
                try {
                    ((RedisKvRepository<?>) kv.repository(table)).evict(pk, version, m);
                } catch (RuntimeException e) {
                    Futures.await(kv.redis().zrem(kv.keys().expiryKey(shard), m), kv.options().commandTimeout(), "dropping an eviction");
                    LOG.warn("kv-drainer: dropped eviction {}: {}", m, e.toString());
                }
            }
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
        public Failure classify(Exception error) {
            return database.classify(error);
        }

        @Override
        public Optional<String> claim(int shard, long fence) {
            return database.claim(shard, fence);
        }

        @Override
        public void afterCommit(SinkBatch batch) {
            scheduleEvictions(batch);
        }

        @Override
        public void maintain(Set<Integer> ownedShards) {
            sweep(ownedShards);
            serveModeRequests();
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
        private final List<EntityModel<?>> models = new ArrayList<>();
        private EngineOptions engineOptions = EngineOptions.builder(GROUP).build();
        private boolean createTables;
        private Duration tombstoneRetention = Duration.ofDays(7);

        private Builder(KvClient kv) {
            this.kv = Objects.requireNonNull(kv, "kv");
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
            this.ownedPool = new HikariDataSource(c);
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
