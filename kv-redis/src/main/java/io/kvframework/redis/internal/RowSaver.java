package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import io.kvframework.core.ConcurrentWriteException;
import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.KvException;
import io.kvframework.core.OptimisticLockException;
import io.kvframework.core.spi.DbRow;
import io.kvframework.core.spi.EntityStore;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.TableMode;
import io.kvframework.redis.internal.RowScripts.RowOp;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code saveWithKV}: the whole row in one {@code write.lua} step (op {@code s}: an update when the
 * row is live in Redis, else a create with the create's checks), guarded by an expected version
 * when the caller gives one (0: the row must not exist) or when unique indexes make the claims
 * depend on the values read. A row only in the database is cached first and then saved over; a
 * lost race is tried again.
 */
final class RowSaver<E> {
    private final EntityModel<E> model;
    private final String table;
    private final KvOptions options;
    private final RowCodec<E> codec;
    private final UniqueClaims<E> claims;
    private final RowScripts<E> scripts;
    private final MergedReader<E> reader;
    private final RowCreator<E> creator;
    private final DatabaseModeWriter<E> databaseMode;
    private final EntityStore<E> store;
    private final boolean hasUniques;
    private final Counter saves;

    RowSaver(EntityModel<E> model, KvOptions options, RowCodec<E> codec, UniqueClaims<E> claims, RowScripts<E> scripts,
            MergedReader<E> reader, RowCreator<E> creator, DatabaseModeWriter<E> databaseMode, EntityStore<E> store, Counter saves) {
        this.model = model;
        this.table = model.table();
        this.options = options;
        this.codec = codec;
        this.claims = claims;
        this.scripts = scripts;
        this.reader = reader;
        this.creator = creator;
        this.databaseMode = databaseMode;
        this.store = store;
        this.hasUniques = model.indexes().stream().anyMatch(IndexDefinition::unique);
        this.saves = saves;
    }

    /**
     * Saves {@code entity} (its version component is ignored); {@code expected}: -1 any, 0 the row
     * must not exist, n the row must be at version n.
     */
    E save(E entity, long expected) {
        if (expected < -1) {
            throw new io.kvframework.core.InvalidValueException(table + ": expected version must be >= 0, got " + expected);
        }
        Object[] values = codec.normalized(model.validate(entity));
        String pk = KvKeys.primaryKey(model, values);
        Object[] key = codec.keyValues(values);
        List<String> sets = codec.fieldPairs(values);
        List<String> clears = new ArrayList<>();
        for (Column<E, ?> c : model.columns()) {
            if (values[c.position()] == null) {
                clears.add(c.name());
            }
        }
        for (int attempt = 0; attempt <= options.conflictRetries(); attempt++) {
            Found before = hasUniques ? reader.readByKey(pk, key, false) : null;
            long guard = expected >= 0 ? expected : !hasUniques ? -1 : before == null ? 0 : before.version();
            List<String> acquired = hasUniques ? claims.claim(pk, values, before == null ? null : before.values()) : List.of();
            WriteResult r;
            try {
                r = scripts.awaitWrite(scripts.write(RowOp.SAVE, pk, guard, creator.createCheck(), sets, clears), "saving " + table + " " + pk);
            } catch (RuntimeException e) {
                claims.release(acquired, pk);
                throw e;
            }
            if (r.status() == WriteStatus.OK) {
                if (before != null) {
                    claims.releaseStale(pk, before.values(), values);
                }
                saves.increment();
                return model.create(r.values(), r.version());
            }
            claims.release(acquired, pk);
            switch (r.status()) {
                case TABLE_MODE -> {
                    if (r.mode() == TableMode.SWITCHING) {
                        scripts.waitWhileSwitching(pk);
                        continue;
                    }
                    WriteResult db = databaseMode.save(pk, values, expected);
                    if (db.status() == WriteStatus.OK) {
                        saves.increment();
                        return model.create(db.values(), db.version());
                    }
                    refuseIfCallersGuard(expected, pk, db);
                }
                case CHECK_DATABASE -> {
                    // not in Redis: the database may hold it (the row left the cache)
                    Optional<DbRow> existing = store.findByKey(key);
                    if (existing.isPresent()) {
                        scripts.hydrate(pk, existing.get());
                        continue; // now live in Redis: the next save is an update
                    }
                    try {
                        return creator.create(values, sets); // counted once, as the create it is
                    } catch (DuplicateKeyException raced) {
                        // a concurrent create of this key is a race to save over; a unique value held by another row is not
                        if (expected == 0 || reader.readByKey(pk, key, false) == null) {
                            throw raced;
                        }
                    }
                }
                case MISSING -> {
                    // the caller expects a version the row may have in the database only: cache it, then compare
                    if (reader.readByKey(pk, key, false) == null) {
                        throw new OptimisticLockException(table + " " + pk + ": expected version " + expected + " but there is no such row");
                    }
                    continue;
                }
                case DUPLICATE, CONFLICT, GONE -> refuseIfCallersGuard(expected, pk, r);
                default -> throw new KvException(table + " " + pk + ": unexpected save status " + r.status());
            }
            backoff(attempt);
        }
        throw new ConcurrentWriteException(table + " " + pk + ": save lost " + (options.conflictRetries() + 1)
                + " races with concurrent writers in a row; try again");
    }

    /** A refusal of the caller's own expected version is theirs to see; one of this saver's guard is a lost race. */
    private void refuseIfCallersGuard(long expected, String pk, WriteResult r) {
        if (expected == 0) {
            throw new DuplicateKeyException(table + ": primary key " + pk + " already exists (version " + r.version() + ")");
        }
        if (expected > 0) {
            throw new OptimisticLockException(table + " " + pk + ": expected version " + expected + " but the row has "
                    + (r.status() == WriteStatus.GONE ? "been deleted" : "version " + r.version()));
        }
    }

    private static void backoff(int attempt) {
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(50, 200L << Math.min(attempt, 6)) * 1000);
    }
}
