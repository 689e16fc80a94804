package io.kvframework.redis.internal;

import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.EntityModel;
import io.kvframework.core.KvException;
import io.kvframework.core.spi.DbRow;
import io.kvframework.core.spi.EntityStore;
import java.util.Optional;

/**
 * Writes of a table in database mode: straight to the database, with the same checks and version
 * rules as the Redis path (no stream event; the drainer has nothing to do for them).
 */
final class DatabaseModeWriter<E> {
    private final EntityModel<E> model;
    private final String table;
    private final EntityStore<E> store;
    private final RowCodec<E> codec;
    private final UniqueClaims<E> claims;

    DatabaseModeWriter(EntityModel<E> model, EntityStore<E> store, RowCodec<E> codec, UniqueClaims<E> claims) {
        this.model = model;
        this.table = model.table();
        this.store = store;
        this.codec = codec;
        this.claims = claims;
    }

    private EntityStore<E> storeRequired() {
        if (store == null) {
            throw new KvException(table + " is in database mode but the KvClient has no DataSource");
        }
        return store;
    }

    /** A create in one transaction: refused when the key or a unique value exists; the version goes on after a remembered delete. */
    WriteResult create(String pk, Object[] values) {
        EntityStore.InsertOutcome outcome = storeRequired().insert(pk, values);
        if (outcome.keyExists()) {
            throw new DuplicateKeyException(table + ": primary key " + codec.keyDescription(values) + " already exists (in the database)");
        }
        if (outcome.takenIndex() != null) {
            throw claims.duplicate(outcome.takenIndex(), values);
        }
        return WriteResult.ok(outcome.version(), codec.normalized(values));
    }

    /** An update guarded by the expected version; {@link WriteStatus#CONFLICT} when the row moved on. */
    WriteResult update(Found f, Assignments a, long expectedVersion) {
        Optional<DbRow> row = storeRequired().updateIfVersion(codec.keyValues(f.values()), a.values(), expectedVersion);
        return row.map(r -> WriteResult.ok(r.version(), r.values())).orElseGet(WriteResult::conflict);
    }

    /**
     * A save in database mode: an update of every column guarded by the version read, or an insert
     * when the database has no such row; {@code expected} as in {@code saveWithKV} (-1 any).
     */
    WriteResult save(String pk, Object[] values, long expected) {
        Object[] key = codec.keyValues(values);
        Optional<DbRow> current = storeRequired().findByKey(key);
        if (current.isEmpty()) {
            return expected > 0 ? WriteResult.conflict() : create(pk, values);
        }
        if (expected == 0 || expected > 0 && current.get().version() != expected) {
            return new WriteResult(expected == 0 ? WriteStatus.DUPLICATE : WriteStatus.CONFLICT, current.get().version(), null, null);
        }
        java.util.Map<io.kvframework.core.Column<?, ?>, Object> all = new java.util.LinkedHashMap<>();
        for (io.kvframework.core.Column<E, ?> c : model.columns()) {
            if (!model.key().contains(c)) {
                all.put(c, values[c.position()]);
            }
        }
        Optional<DbRow> row = store.updateIfVersion(key, all, current.get().version());
        return row.map(r -> WriteResult.ok(r.version(), r.values())).orElseGet(WriteResult::conflict);
    }

    /** A delete guarded by the row's version, remembered in the tombstones table (the drainer's, shared). */
    WriteResult delete(Found f) {
        return storeRequired().deleteIfVersion(f.pk(), codec.keyValues(f.values()), f.version())
                ? WriteResult.ok(f.version() + 1, null) : WriteResult.conflict();
    }
}
