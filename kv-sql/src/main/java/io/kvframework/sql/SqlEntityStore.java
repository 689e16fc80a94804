package io.kvframework.sql;

import io.kvframework.core.Column;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.KvException;
import io.kvframework.core.Where;
import io.kvframework.core.spi.DbRow;
import io.kvframework.core.spi.EntityStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** One entity's {@link EntityStore} over jOOQ; every call's failure is classified by {@link DatabaseCall}. */
final class SqlEntityStore<E> implements EntityStore<E> {
    private final DSLContext dsl;
    private final SqlTable<E> sql;
    private final String namespace;
    private final String table;
    private final List<IndexDefinition> uniques;
    private final KeyLookup<E> byKey;

    SqlEntityStore(DSLContext dsl, SqlTable<E> sql, String namespace, javax.sql.DataSource dataSource) {
        this.dsl = dsl;
        this.byKey = new KeyLookup<>(sql, dsl, dataSource);
        this.sql = sql;
        this.namespace = namespace;
        this.table = sql.model().table();
        this.uniques = sql.model().indexes().stream().filter(IndexDefinition::unique).toList();
    }

    @Override
    public Optional<DbRow> findByKey(Object[] key) {
        return byKey.find(key);
    }

    @Override
    public List<DbRow> findAll(Where<E> where) {
        return DatabaseCall.run(table, () -> sql.select(dsl, where), "querying " + table + " where " + where);
    }

    @Override
    public long lastDeletedVersion(String encodedKey) {
        return DatabaseCall.run(table, () -> Tombstones.lastDeletedVersion(dsl, namespace, table, encodedKey),
                "checking deletes of " + table + " " + encodedKey);
    }

    @Override
    public InsertOutcome insert(String encodedKey, Object[] values) {
        return DatabaseCall.run(table, () -> dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            if (sql.selectByKey(tx, sql.keyValues(values)).isPresent()) {
                return InsertOutcome.keyTaken();
            }
            for (IndexDefinition index : uniques) {
                Where<E> byValue = byValue(index, values);
                if (byValue != null && !sql.select(tx, byValue).isEmpty()) {
                    return InsertOutcome.uniqueTaken(index);
                }
            }
            long version = Math.max(0, Tombstones.lastDeletedVersion(tx, namespace, table, encodedKey)) + 1;
            sql.insert(tx, values, version).execute();
            return InsertOutcome.inserted(version);
        }), "creating " + table + " " + encodedKey + " in the database");
    }

    /** The condition "this unique index has these values", or null when one of them is null (nulls never clash). */
    private Where<E> byValue(IndexDefinition index, Object[] values) {
        Where<E> byValue = null;
        for (Column<?, ?> c : index.columns()) {
            if (values[c.position()] == null) {
                return null;
            }
            @SuppressWarnings("unchecked")
            Column<E, Object> col = (Column<E, Object>) c;
            byValue = byValue == null ? col.eq(values[c.position()]) : byValue.and(col.eq(values[c.position()]));
        }
        return byValue;
    }

    @Override
    public Optional<DbRow> updateIfVersion(Object[] key, Map<Column<?, ?>, Object> assignments, long expectedVersion) {
        int updated = DatabaseCall.run(table, () -> sql.updateIfVersion(dsl, key, assignments, expectedVersion).execute(),
                "updating " + table);
        if (updated == 0) {
            return Optional.empty();
        }
        return Optional.of(DatabaseCall.run(table, () -> sql.selectByKey(dsl, key), "reading " + table).orElseThrow(
                () -> new KvException(table + ": the row vanished right after its update")));
    }

    @Override
    public boolean deleteIfVersion(String encodedKey, Object[] key, long version) {
        return DatabaseCall.run(table, () -> dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            if (sql.deleteIfVersion(tx, key, version).execute() == 0) {
                return false;
            }
            Tombstones.remember(tx, namespace, table, Tombstones.keyHash(encodedKey), version + 1, System.currentTimeMillis());
            return true;
        }), "deleting " + table + " " + encodedKey + " in the database");
    }
}
