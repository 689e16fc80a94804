package io.kvframework.drainer;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.EntityModel;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.UnknownColumnException;
import io.kvframework.core.UnknownTableException;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.sql.DbRow;
import io.kvframework.redis.sql.SqlDialect;
import io.kvframework.redis.sql.SqlTable;
import io.kvframework.redis.sql.Tombstones;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
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
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Writes change events into PostgreSQL or MariaDB: one transaction per batch; per table one
 * multi-row, version-guarded upsert per chunk (under the 65,535 bind-parameter limit) and
 * version-guarded deletes; and, in the same transaction, the last applied stream entry id of each
 * shard in {@code kv_drainer_offsets}, checked against the lease's fencing token.
 */
public final class DatabaseSink implements ChangeSink {
    /** The drainer's table of stream positions. */
    public static final String OFFSETS_TABLE = "kv_drainer_offsets";
    /** The drainer's table of applied deletes, so that no older event can bring a deleted row back. */
    public static final String TOMBSTONES_TABLE = Tombstones.TABLE;
    private static final int MAX_BIND_PARAMETERS = 60_000;

    private final DSLContext dsl;
    private final SqlDialect dialect;
    private final String group;
    private final Map<String, SqlTable<?>> tables = new LinkedHashMap<>();
    private final Table<Record> offsets = DSL.table(DSL.name(OFFSETS_TABLE));
    private final Field<String> groupField = DSL.field(DSL.name("group_name"), SQLDataType.VARCHAR(64).notNull());
    private final Field<Integer> shardField = DSL.field(DSL.name("shard"), SQLDataType.INTEGER.notNull());
    private final Field<String> lastIdField = DSL.field(DSL.name("last_id"), SQLDataType.VARCHAR(42).notNull());
    private final Field<Long> fenceField = DSL.field(DSL.name("fence"), SQLDataType.BIGINT.notNull());

    public DatabaseSink(DataSource dataSource, SqlDialect dialect, String group, List<EntityModel<?>> models) {
        this.dialect = dialect;
        this.group = group;
        this.dsl = DSL.using(dataSource, dialect.jooq(), new Settings().withExecuteLogging(false));
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
        dsl.createTableIfNotExists(offsets).columns(groupField, shardField, lastIdField, fenceField)
                .constraints(DSL.constraint(DSL.name("pk_" + OFFSETS_TABLE)).primaryKey(groupField, shardField)).execute();
        Tombstones.createTable(dsl);
    }

    /** Forgets applied deletes older than {@code retention} (events older than that can no longer arrive). */
    public int pruneTombstones(java.time.Duration retention) {
        return Tombstones.prune(dsl, retention.toMillis());
    }

    /**
     * Checks that every entity table, and the offsets table, exist with the columns the drainer writes.
     *
     * @throws IllegalStateException naming each missing table or column
     */
    public void verifySchema() {
        List<String> problems = new ArrayList<>();
        try (Connection c = dsl.configuration().connectionProvider().acquire()) {
            for (SqlTable<?> t : tables.values()) {
                Set<String> needed = new HashSet<>();
                t.model().columns().forEach(col -> needed.add(col.name()));
                needed.add(SqlTable.VERSION);
                missing(c, t.model().table(), needed, problems);
            }
            missing(c, OFFSETS_TABLE, Set.of("group_name", "shard", "last_id", "fence"), problems);
            missing(c, TOMBSTONES_TABLE, Set.of("table_name", "key_hash", "version", "deleted_at"), problems);
        } catch (SQLException e) {
            throw new IllegalStateException("kv-drainer: cannot read the database schema: " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("kv-drainer: the database schema does not fit the entities: " + String.join("; ", problems)
                    + ". Create the tables with Drainer.createTables() (or DatabaseSink.createTables()), or add the columns.");
        }
    }

    private void missing(Connection c, String table, Set<String> needed, List<String> problems) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        Set<String> present = new HashSet<>();
        String catalog = dialect == SqlDialect.MARIADB ? c.getCatalog() : null;
        String schema = dialect == SqlDialect.POSTGRES ? c.getSchema() : null;
        try (ResultSet rs = meta.getColumns(catalog, schema, table, null)) {
            while (rs.next()) {
                present.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        if (present.isEmpty()) {
            problems.add("table " + table + " does not exist");
            return;
        }
        List<String> absent = needed.stream().filter(n -> !present.contains(n)).sorted().toList();
        if (!absent.isEmpty()) {
            problems.add("table " + table + " lacks column(s) " + absent);
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
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Record existing = tx.select(lastIdField, fenceField).from(offsets).where(groupField.eq(group)).and(shardField.eq(shard))
                    .forUpdate().fetchOne();
            if (existing == null) {
                tx.insertInto(offsets, groupField, shardField, lastIdField, fenceField).values(group, shard, "0-0", fence).execute();
                return Optional.<String>empty();
            }
            if (existing.get(fenceField) > fence) {
                throw new FencedException("shard " + shard + " is fenced at " + existing.get(fenceField) + " > " + fence);
            }
            tx.update(offsets).set(fenceField, fence).where(groupField.eq(group)).and(shardField.eq(shard)).execute();
            String last = existing.get(lastIdField);
            return "0-0".equals(last) ? Optional.<String>empty() : Optional.of(last);
        });
    }

    @Override
    public void write(SinkBatch batch) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Map<String, List<ShardEvent>> byTable = new LinkedHashMap<>();
            for (ShardEvent e : batch.events()) {
                byTable.computeIfAbsent(e.event().table(), k -> new ArrayList<>()).add(e);
            }
            for (Map.Entry<String, List<ShardEvent>> e : byTable.entrySet()) {
                apply(tx, tables.get(e.getKey()), e.getValue());
            }
            List<Query> updates = new ArrayList<>();
            List<Integer> shards = new ArrayList<>();
            for (Map.Entry<Integer, SinkBatch.Position> p : batch.positions().entrySet()) {
                updates.add(tx.update(offsets).set(lastIdField, p.getValue().lastEntryId())
                        .where(groupField.eq(group)).and(shardField.eq(p.getKey())).and(fenceField.eq(p.getValue().fence())));
                shards.add(p.getKey());
            }
            if (!updates.isEmpty()) {
                int[] counts = tx.batch(updates).execute();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 0) {
                        throw new FencedException("shard " + shards.get(i) + " has a newer owner than fence "
                                + batch.positions().get(shards.get(i)).fence());
                    }
                }
            }
        });
    }

    /**
     * The event's column values, checked against its key: an entry whose row image names another key
     * than its {@code key} field is corrupted, and applying it would write a row nobody wrote.
     */
    private static Object[] decode(EntityModel<?> model, ChangeEvent event) {
        Object[] values = event.values(model);
        String pk = KvKeys.primaryKey(model, values);
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
                Tombstones.remember(tx, name, Tombstones.keyHash(e.event().key()), e.event().version(), now);
            } else {
                upsertsByHash.put(Tombstones.keyHash(e.event().key()), e);
            }
        }
        if (upsertsByHash.isEmpty()) {
            return;
        }
        // an event older than an applied delete of its key must not bring the row back
        for (Record r : tx.select(Tombstones.KEY_HASH, Tombstones.VERSION).from(Tombstones.T).where(Tombstones.TABLE_NAME.eq(name))
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
        int perStatement = Math.max(1, MAX_BIND_PARAMETERS / (model.columns().size() + 1));
        for (int i = 0; i < upserts.size(); i += perStatement) {
            table.upsert(tx, upserts.subList(i, Math.min(upserts.size(), i + perStatement))).execute();
        }
    }

    @Override
    public Failure classify(Exception error) {
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

    /** The last entry id applied for a shard, or empty. */
    public Optional<String> committed(int shard) {
        return dsl.select(lastIdField).from(offsets).where(groupField.eq(group)).and(shardField.eq(shard)).fetchOptional(lastIdField)
                .filter(id -> !id.equals("0-0"));
    }

    DSLContext dsl() {
        return dsl;
    }

    SqlTable<?> table(String name) {
        return tables.get(name);
    }
}
