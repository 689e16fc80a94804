package io.kvframework.redis.internal;

import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.KvException;
import io.kvframework.core.PartialWriteException;
import io.kvframework.core.WriteOutcomeUnknownException;
import io.kvframework.core.spi.DbRow;
import io.kvframework.core.spi.EntityStore;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.TableMode;
import io.kvframework.redis.internal.RowScripts.ExistenceCheck;
import io.kvframework.redis.internal.RowScripts.RowOp;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The create path: unique claims first, then {@code write.lua} (row, indexes, stream entry in one
 * step); the database asked when the key filter says the key may exist there, and a key deleted
 * long ago going on after its last version; tables in database mode written by
 * {@link DatabaseModeWriter}.
 */
final class RowCreator<E> {
    private final EntityModel<E> model;
    private final String table;
    private final KvOptions options;
    private final RowCodec<E> codec;
    private final UniqueClaims<E> claims;
    private final RowScripts<E> scripts;
    private final DatabaseModeWriter<E> databaseMode;
    private final EntityStore<E> store;
    private final List<IndexDefinition> uniques;
    private final Counter creates;

    RowCreator(EntityModel<E> model, KvOptions options, RowCodec<E> codec, UniqueClaims<E> claims, RowScripts<E> scripts,
            DatabaseModeWriter<E> databaseMode, EntityStore<E> store, Counter creates) {
        this.model = model;
        this.table = model.table();
        this.options = options;
        this.codec = codec;
        this.claims = claims;
        this.scripts = scripts;
        this.databaseMode = databaseMode;
        this.store = store;
        this.uniques = model.indexes().stream().filter(IndexDefinition::unique).toList();
        this.creates = creates;
    }

    /** Creates one row from values already validated. */
    E create(Object[] values, List<String> fields) {
        String pk = KvKeys.primaryKey(model, values);
        List<String> acquired = claims.claim(pk, values, null);
        try {
            WriteResult r = scripts.awaitStatus(scripts.write(RowOp.CREATE, pk, -1, createCheck(), fields, List.of()), "creating " + table + " " + pk);
            r = finishCreate(r, pk, values, fields);
            creates.increment();
            return model.create(codec.normalized(values), r.version());
        } catch (RuntimeException e) {
            claims.release(acquired, pk);
            throw e;
        }
    }

    /**
     * Creates many rows, pipelined when the table has no unique index; every entity is validated
     * before anything is written. Throws {@link PartialWriteException} with each row's outcome when
     * not every row was written.
     */
    List<E> createMany(List<E> entities) {
        if (entities == null) {
            throw new InvalidValueException(table + ": createManyWithKV(null)");
        }
        // every entity is checked before anything is written: malformed input changes nothing (G8)
        List<Object[]> allValues = new ArrayList<>();
        List<List<String>> allFields = new ArrayList<>();
        for (E e : entities) {
            Object[] values = model.validateNew(e);
            allValues.add(values);
            allFields.add(codec.fieldPairs(values));
        }
        List<PartialWriteException.RowOutcome> outcomes = new ArrayList<>();
        List<E> out = new ArrayList<>();
        if (!uniques.isEmpty()) {
            for (int i = 0; i < allValues.size(); i++) {
                try {
                    out.add(create(allValues.get(i), allFields.get(i)));
                    outcomes.add(written(i, out.get(out.size() - 1)));
                } catch (RuntimeException ex) {
                    outcomes.add(failed(i, entities.get(i), ex));
                }
            }
        } else {
            List<CompletableFuture<List<Object>>> futures = new ArrayList<>();
            for (int i = 0; i < allValues.size(); i++) {
                futures.add(scripts.write(RowOp.CREATE, KvKeys.primaryKey(model, allValues.get(i)), -1, createCheck(), allFields.get(i), List.of()));
            }
            for (int i = 0; i < futures.size(); i++) {
                try {
                    String pk = KvKeys.primaryKey(model, allValues.get(i));
                    WriteResult r = finishCreate(scripts.awaitStatus(futures.get(i), "creating " + table + " " + pk), pk, allValues.get(i),
                            allFields.get(i));
                    out.add(model.create(codec.normalized(allValues.get(i)), r.version()));
                    outcomes.add(written(i, out.get(out.size() - 1)));
                    creates.increment();
                } catch (RuntimeException ex) {
                    outcomes.add(failed(i, entities.get(i), ex));
                }
            }
        }
        if (out.size() < entities.size()) {
            throw PartialWriteException.of(table + ": createManyWithKV", outcomes);
        }
        return out;
    }

    static PartialWriteException.RowOutcome written(int index, Object entity) {
        return new PartialWriteException.RowOutcome(index, PartialWriteException.Status.WRITTEN, entity, null);
    }

    static PartialWriteException.RowOutcome failed(int index, Object entity, RuntimeException error) {
        KvException e = error instanceof KvException k ? k : new KvException(error.toString(), error);
        PartialWriteException.Status status = e instanceof WriteOutcomeUnknownException ? PartialWriteException.Status.UNKNOWN
                : PartialWriteException.Status.NOT_WRITTEN;
        return new PartialWriteException.RowOutcome(index, status, entity, e);
    }

    /** Whether a create asks the database if the key exists. */
    ExistenceCheck createCheck() {
        if (store == null) {
            return ExistenceCheck.NONE;
        }
        return options.createCheck() == KvOptions.CreateCheck.DATABASE ? ExistenceCheck.ALWAYS : ExistenceCheck.IF_FILTER_MAY_HOLD;
    }

    /** What a create does after write.lua answered: database mode, the database check, duplicates; blocking. */
    WriteResult finishCreate(WriteResult r, String pk, Object[] values, List<String> fields) {
        while (r.status() == WriteStatus.TABLE_MODE) {
            if (r.mode() != TableMode.SWITCHING) {
                return databaseMode.create(pk, values);
            }
            scripts.waitWhileSwitching(pk);
            r = scripts.awaitStatus(scripts.write(RowOp.CREATE, pk, -1, createCheck(), fields, List.of()), "creating " + table + " " + pk);
        }
        if (r.status() == WriteStatus.CHECK_DATABASE) {
            Optional<DbRow> existing = store.findByKey(codec.keyValues(values));
            if (existing.isPresent()) {
                scripts.hydrate(pk, existing.get());
                throw new DuplicateKeyException(table + ": primary key " + codec.keyDescription(values) + " already exists (in the database)");
            }
            // a key deleted long ago (its tombstone evicted from Redis) goes on after its last version,
            // or the drainer would take the new row for an event older than the delete
            long deletedAt = lastDeletedVersion(pk);
            r = scripts.awaitStatus(scripts.write(RowOp.CREATE, pk, deletedAt > 0 ? deletedAt : -1, ExistenceCheck.NONE, fields, List.of()), "creating " + table + " " + pk);
        }
        if (r.status() == WriteStatus.DUPLICATE) {
            throw new DuplicateKeyException(table + ": primary key " + codec.keyDescription(values) + " already exists");
        }
        scripts.expectOk(r, "create", pk);
        return r;
    }

    /** When the drainer's tombstone table was last found missing; asked again after 10 s. */
    private volatile long tombstonesMissingSince;

    private long lastDeletedVersion(String pk) {
        if (System.currentTimeMillis() - tombstonesMissingSince < 10_000) {
            return 0;
        }
        long v = store.lastDeletedVersion(pk);
        if (v < 0) {
            tombstonesMissingSince = System.currentTimeMillis();
            return 0;
        }
        return v;
    }
}
