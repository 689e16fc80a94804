package io.kvframework.sql;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.EntityModel;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.SchemaMismatchException;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.UnknownColumnException;
import io.kvframework.core.UnknownTableException;
import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.FencedException;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import io.kvframework.core.spi.DbRow;
import io.kvframework.core.support.KeyEncoding;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * Writes change events into PostgreSQL or MariaDB: one transaction per batch (or, with several
 * connections, per share of the batch's shards); per table one version-guarded upsert of many rows
 * (PostgreSQL: {@link PgBulkUpsert}, one prepared statement of arrays; MariaDB: {@link MariaBulkUpsert},
 * prepared multi-row inserts of up to 500 rows) and version-guarded deletes; and, in the same
 * transaction, the last applied stream entry id of each shard in {@code kv_drainer_offsets}, checked
 * against the lease's fencing token. Offsets, fences
 * and remembered deletes are kept per key namespace, so applications with different namespaces may
 * share one schema.
 */
public final class DatabaseSink implements ChangeSink {
    /** The drainer's table of stream positions. */
    public static final String OFFSETS_TABLE = "kv_drainer_offsets";
    /** The drainer's table of applied deletes, so that no older event can bring a deleted row back. */
    public static final String TOMBSTONES_TABLE = Tombstones.TABLE;

    private final DSLContext dsl;
    private final SqlDialect dialect;
    private final String group;
    private final String namespace;
    private final Map<String, SqlTable<?>> tables = new LinkedHashMap<>();
    private final Map<String, PgBulkUpsert> pgUpserts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, MariaBulkUpsert> mariaUpserts = new java.util.concurrent.ConcurrentHashMap<>();
    private final ParallelWrites parallel;
    private final ShardOffsets offsets;
    private final WatchedConnections watched;

    /** A sink writing the changes of key namespace {@code namespace}, read by consumer group {@code group}, on one connection at a time. */
    public DatabaseSink(DataSource dataSource, SqlDialect dialect, String namespace, String group, List<EntityModel<?>> models) {
        this(dataSource, dialect, namespace, group, models, 1);
    }

    /**
     * A sink writing the changes of key namespace {@code namespace}, read by consumer group
     * {@code group}, that writes a batch over up to {@code connections} connections at once: the
     * batch's shards are divided among them, and each connection's transaction holds its shards'
     * changes and positions.
     */
    public DatabaseSink(DataSource dataSource, SqlDialect dialect, String namespace, String group, List<EntityModel<?>> models,
            int connections) {
        this.parallel = new ParallelWrites(connections, "kv-drainer-" + namespace);
        this.dialect = dialect;
        this.namespace = namespace;
        this.group = group;
        this.watched = new WatchedConnections(dataSource);
        this.dsl = DSL.using(watched, SqlDatabase.jooq(dialect), new Settings().withExecuteLogging(false));
        this.offsets = new ShardOffsets(dialect, namespace, group);
        for (EntityModel<?> model : models) {
            tables.put(model.table(), new SqlTable<>(model, dialect));
        }
    }

    @Override
    public String name() {
        return dialect.name().toLowerCase(Locale.ROOT);
    }

    /** CREATE TABLE IF NOT EXISTS for every entity table and for {@value #OFFSETS_TABLE}. */
    public void createTables() {
        for (SqlTable<?> t : tables.values()) {
            t.createTable(dsl).forEach(Query::execute);
        }
        offsets.createTable(dsl);
        Tombstones.createTable(dsl);
    }

    /** Forgets applied deletes older than {@code retention} (events older than that can no longer arrive). */
    public int pruneTombstones(java.time.Duration retention) {
        return Tombstones.prune(dsl, namespace, retention.toMillis());
    }

    /**
     * Compares the database with the entity models ({@link SqlTable#schemaProblems}) and checks the
     * drainer's own tables.
     *
     * @throws SchemaMismatchException listing every difference
     */
    public void verifySchema() {
        List<String> problems = new ArrayList<>();
        for (SqlTable<?> t : tables.values()) {
            problems.addAll(t.schemaProblems(dsl));
        }
        own(OFFSETS_TABLE, List.of("namespace", "group_name", "shard", "last_id", "fence"), problems);
        own(TOMBSTONES_TABLE, List.of("namespace", "table_name", "key_hash", "version", "deleted_at"), problems);
        if (!problems.isEmpty()) {
            throw new SchemaMismatchException("kv-drainer: the database schema does not fit the entity models (" + problems.size()
                    + " difference(s)):\n  " + String.join("\n  ", problems) + "\nCreate the tables with Drainer.createTables()"
                    + " (or createTables(true)), or change them as listed; see docs/guarantees.md, \"What the database accepts\"", problems);
        }
    }

    private void own(String table, List<String> needed, List<String> problems) {
        String schema = dialect == SqlDialect.POSTGRES ? "current_schema()" : "database()";
        Set<String> present = new HashSet<>(dsl.resultQuery("select column_name from information_schema.columns where table_schema = "
                + schema + " and table_name = {0}", DSL.val(table)).fetch(r -> r.get(0, String.class).toLowerCase(Locale.ROOT)));
        if (present.isEmpty()) {
            problems.add("table " + table + " does not exist");
            return;
        }
        List<String> absent = needed.stream().filter(n -> !present.contains(n)).toList();
        if (!absent.isEmpty()) {
            problems.add("table " + table + " lacks column(s) " + absent + (absent.contains("namespace")
                    ? " (made by an earlier version: drop it and let createTables() make it again; offsets only let replays be skipped)"
                    : ""));
        }
    }

    @Override
    public void check(ChangeEvent event) {
        SqlTable<?> t = tables.get(event.table());
        if (t == null) {
            throw new InvalidValueException("no entity model is registered with the drainer for table '" + event.table() + "'");
        }
        // values that do not decode fail in write() as a permanent error, and bisection dead-letters that event
    }

    @Override
    public Optional<String> claim(int shard, long fence) {
        return offsets.claim(dsl, shard, fence);
    }

    @Override
    public void write(SinkBatch batch) {
        parallel.run(batch, this::writePart);
    }

    /**
     * Writes the batch on the sink's own writer thread after {@code previous} succeeded (batches
     * commit positions, so they are written in order; after a failure, later batches fail unwritten).
     */
    @Override
    public java.util.concurrent.CompletableFuture<Void> writeAsync(SinkBatch batch, java.util.concurrent.CompletableFuture<Void> previous) {
        return previous.thenRunAsync(() -> write(batch), parallel.writer());
    }

    /** Writes the events of some shards and those shards' positions in one transaction. */
    private void writePart(SinkBatch batch) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Map<String, List<ShardEvent>> byTable = new LinkedHashMap<>();
            for (ShardEvent e : batch.events()) {
                byTable.computeIfAbsent(e.event().table(), k -> new ArrayList<>()).add(e);
            }
            for (Map.Entry<String, List<ShardEvent>> e : byTable.entrySet()) {
                apply(tx, tables.get(e.getKey()), e.getValue());
            }
            offsets.move(tx, batch.positions());
        });
    }

    /**
     * Runs plain JDBC on the transaction's connection; a failure keeps the database's own message
     * (it names the constraint or value refused, and dead letters show it), as jOOQ's do.
     */
    static <T> T jdbc(DSLContext tx, String sql, org.jooq.ConnectionCallable<T> call) {
        return tx.connectionResult(c -> {
            try {
                return call.run(c);
            } catch (SQLException e) {
                throw new org.jooq.exception.DataAccessException("SQL [" + sql + "]; " + e.getMessage(), e);
            }
        });
    }

    /**
     * The event's column values, checked against its key: an entry whose row image names another key
     * than its {@code key} field is corrupted, and applying it would write a row nobody wrote.
     */
    private static Object[] decode(EntityModel<?> model, ChangeEvent event) {
        Object[] values = event.values(model);
        String pk = KeyEncoding.primaryKey(model, values);
        if (!pk.equals(event.key())) {
            throw new InvalidValueException(model.table() + ": stream entry for key '" + event.key() + "' carries the row of key '" + pk
                    + "': a corrupted entry");
        }
        return values;
    }

    private <E> void apply(DSLContext tx, SqlTable<E> table, List<ShardEvent> events) {
        EntityModel<E> model = table.model();
        String name = model.table();
        Map<String, ShardEvent> upsertsByHash = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        for (ShardEvent e : events) {
            if (e.event().op() == ChangeEvent.Op.DELETE) {
                Object[] values = decode(model, e.event());
                Object[] key = model.key().stream().map(c -> values[c.position()]).toArray();
                table.deleteOlder(tx, key, e.event().version()).execute();
                Tombstones.remember(tx, namespace, name, Tombstones.keyHash(e.event().key()), e.event().version(), now);
            } else {
                upsertsByHash.put(Tombstones.keyHash(e.event().key()), e);
            }
        }
        if (upsertsByHash.isEmpty()) {
            return;
        }
        if (dialect == SqlDialect.POSTGRES) {
            // one prepared statement: the applied-deletes check and the version guard are in it
            List<DbRow> rows = new ArrayList<>(upsertsByHash.size());
            for (ShardEvent e : upsertsByHash.values()) {
                rows.add(new DbRow(decode(model, e.event()), e.event().version()));
            }
            PgBulkUpsert bulk = pgUpserts.computeIfAbsent(name, n -> new PgBulkUpsert(table));
            List<String> hashes = new ArrayList<>(upsertsByHash.keySet());
            jdbc(tx, bulk.sql(), c -> bulk.execute(c, namespace, rows, hashes));
            return;
        }
        // an event older than an applied delete of its key must not bring the row back
        for (Record r : tx.select(Tombstones.KEY_HASH, Tombstones.VERSION).from(Tombstones.T).where(Tombstones.NAMESPACE.eq(namespace))
                .and(Tombstones.TABLE_NAME.eq(name))
                .and(Tombstones.KEY_HASH.in(upsertsByHash.keySet())).fetch()) {
            ShardEvent e = upsertsByHash.get(r.get(Tombstones.KEY_HASH));
            if (e != null && e.event().version() <= r.get(Tombstones.VERSION)) {
                upsertsByHash.remove(r.get(Tombstones.KEY_HASH));
            }
        }
        List<DbRow> upserts = new ArrayList<>();
        for (ShardEvent e : upsertsByHash.values()) {
            upserts.add(new DbRow(decode(model, e.event()), e.event().version()));
        }
        MariaBulkUpsert bulk = mariaUpserts.computeIfAbsent(name, n -> new MariaBulkUpsert(table));
        // the statement's text holds hundreds of rows of placeholders: errors name it shortly
        jdbc(tx, "insert into `" + name + "` (…) values (…) × " + upserts.size() + " on duplicate key update …", c -> {
            bulk.execute(c, upserts);
            return null;
        });
    }

    @Override
    public Failure classify(Exception error) {
        return classifyFailure(error);
    }

    /**
     * How a failure of a database write is handled, from exception types and SQLState classes
     * (never message text): a fence lost is {@code FENCED}; data exceptions (22) and integrity
     * violations (23), and events the models cannot decode, are {@code PERMANENT} (the event is
     * bisected out and dead-lettered); everything else — connections (08), resources, deadlocks
     * and serialization (40), schema problems (42) — is {@code TRANSIENT} and retried.
     */
    static Failure classifyFailure(Throwable error) {
        Throwable t = error;
        while (t != null) {
            if (t instanceof FencedException) {
                return Failure.FENCED;
            }
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException || t instanceof IOException) {
                return Failure.TRANSIENT;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                String cls = state.length() >= 2 ? state.substring(0, 2) : state;
                // data exceptions and integrity violations: this event can never be written as it is
                if (cls.equals("22") || cls.equals("23")) {
                    return Failure.PERMANENT;
                }
                // connection, resources, operator intervention, serialization/deadlock, and schema problems
                // (undefined table or column: fixing the schema resumes draining, nothing is dead-lettered)
                return Failure.TRANSIENT;
            }
            // an event this drainer's models cannot decode (corrupted, foreign, or written by a newer model): dead-letter it so the
            // shard moves on; after upgrading the drainer, `kv dlq replay` applies what was a newer model's event
            if (t instanceof InvalidValueException || t instanceof UnknownColumnException || t instanceof UnknownTableException) {
                return Failure.PERMANENT;
            }
            t = t.getCause();
        }
        return Failure.TRANSIENT;
    }

    /**
     * The newest version of the event's key the database knows: its row's version or its last
     * applied delete, whichever is higher; 0 when it knows neither.
     */
    public long storedVersion(ChangeEvent event) {
        SqlTable<?> t = tables.get(event.table());
        if (t == null) {
            throw new UnknownTableException("no entity model is registered with the drainer for table '" + event.table() + "'");
        }
        Object[] values = decode(t.model(), event);
        Object[] key = t.model().key().stream().map(c -> values[c.position()]).toArray();
        long row = t.selectByKey(dsl, key).map(DbRow::version).orElse(0L);
        return Math.max(row, Math.max(0, Tombstones.lastDeletedVersion(dsl, namespace, event.table(), event.key())));
    }

    /** Whether an error means the database cannot be reached (rather than that it refused something). */
    public static boolean unreachable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof SQLRecoverableException
                    || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** The last entry id applied for a shard, or empty. */
    public Optional<String> committed(int shard) {
        return offsets.committed(dsl, shard);
    }

    DSLContext dsl() {
        return dsl;
    }

    @Override
    public void close() {
        parallel.close();
    }

    SqlTable<?> table(String name) {
        return tables.get(name);
    }

    @Override
    public long unreachableMillis() {
        return watched.waitingMillis();
    }
}
