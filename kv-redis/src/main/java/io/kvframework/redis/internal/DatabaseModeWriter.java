package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.KvException;
import io.kvframework.core.Where;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.sql.DbRow;
import io.kvframework.redis.sql.SqlTable;
import io.kvframework.redis.sql.Tombstones;
import java.util.List;

/**
 * Writes of a table in database mode: straight to the database, with the same checks and version
 * rules as the Redis path (no stream event; the drainer has nothing to do for them).
 */
final class DatabaseModeWriter<E> {
    private final KvClient client;
    private final KvKeys keys;
    private final String table;
    private final SqlTable<E> sql;
    private final RowCodec<E> codec;
    private final UniqueClaims<E> claims;
    private final List<IndexDefinition> uniques;

    DatabaseModeWriter(KvClient client, EntityModel<E> model, SqlTable<E> sql, RowCodec<E> codec, UniqueClaims<E> claims) {
        this.client = client;
        this.keys = client.keys();
        this.table = model.table();
        this.sql = sql;
        this.codec = codec;
        this.claims = claims;
        this.uniques = model.indexes().stream().filter(IndexDefinition::unique).toList();
    }

    private org.jooq.DSLContext dbRequired() {
        if (sql == null) {
            throw new KvException(table + " is in database mode but the KvClient has no DataSource");
        }
        return client.dsl();
    }

    /** A create in one transaction: refused when the key or a unique value exists; the version goes on after a remembered delete. */
    WriteResult create(String pk, Object[] values) {
        org.jooq.DSLContext dsl = dbRequired();
        return DatabaseCall.run(table, () -> dsl.transactionResult(cfg -> {
            org.jooq.DSLContext tx = org.jooq.impl.DSL.using(cfg);
            if (sql.selectByKey(tx, codec.keyValues(values)).isPresent()) {
                throw new DuplicateKeyException(table + ": primary key " + codec.keyDescription(values) + " already exists (in the database)");
            }
            for (IndexDefinition index : uniques) {
                if (!UniqueClaims.hasNull(index, values)) {
                    Where<E> byValue = null;
                    for (Column<?, ?> c : index.columns()) {
                        @SuppressWarnings("unchecked")
                        Column<E, Object> col = (Column<E, Object>) c;
                        byValue = byValue == null ? col.eq(values[c.position()]) : byValue.and(col.eq(values[c.position()]));
                    }
                    if (!sql.select(tx, byValue).isEmpty()) {
                        throw claims.duplicate(index, values);
                    }
                }
            }
            long version = Math.max(0, Tombstones.lastDeletedVersion(tx, keys.namespace(), table, pk)) + 1;
            sql.insert(tx, values, version).execute();
            return WriteResult.ok(version, codec.normalized(values));
        }), "creating " + table + " " + pk + " in the database");
    }

    /** An update guarded by the expected version; {@link WriteStatus#CONFLICT} when the row moved on. */
    WriteResult update(Found f, Assignments a, long expectedVersion) {
        org.jooq.DSLContext dsl = dbRequired();
        Object[] key = codec.keyValues(f.values());
        int updated = DatabaseCall.run(table, () -> sql.updateIfVersion(dsl, key, a.values(), expectedVersion).execute(), "updating " + table + " " + f.pk());
        if (updated == 0) {
            return WriteResult.conflict();
        }
        DbRow row = DatabaseCall.run(table, () -> sql.selectByKey(dsl, key), "reading " + table + " " + f.pk()).orElseThrow(
                () -> new KvException(table + " " + f.pk() + ": the row vanished right after its update"));
        return WriteResult.ok(row.version(), row.values());
    }

    /** A delete guarded by the row's version, remembered in the tombstones table (the drainer's, shared). */
    WriteResult delete(Found f) {
        org.jooq.DSLContext dsl = dbRequired();
        Object[] key = codec.keyValues(f.values());
        return DatabaseCall.run(table, () -> dsl.transactionResult(cfg -> {
            org.jooq.DSLContext tx = org.jooq.impl.DSL.using(cfg);
            if (sql.deleteIfVersion(tx, key, f.version()).execute() == 0) {
                return WriteResult.conflict();
            }
            Tombstones.remember(tx, keys.namespace(), table, Tombstones.keyHash(f.pk()), f.version() + 1, System.currentTimeMillis());
            return WriteResult.ok(f.version() + 1, null);
        }), "deleting " + table + " " + f.pk() + " in the database");
    }
}
