package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import io.kvframework.core.Condition;
import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.KvException;
import io.kvframework.core.KvRepository;
import io.kvframework.core.NonUniqueResultException;
import io.kvframework.core.OptimisticLockException;
import io.kvframework.core.PartialWriteException;
import io.kvframework.core.Update;
import io.kvframework.core.Versioned;
import io.kvframework.core.Where;
import io.kvframework.core.spi.DbRow;
import io.kvframework.core.spi.EntityStore;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.TableMode;
import io.kvframework.redis.internal.RowScripts.ExistenceCheck;
import io.kvframework.redis.internal.RowScripts.RowOp;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Redis implementation of {@link KvRepository}. One Lua script per single-row write (one round
 * trip); reads fetch candidates in pipelined round trips and merge the database by key and version.
 */
public final class RedisKvRepository<E> implements KvRepository<E> {
    private final KvClient client;
    private final EntityModel<E> model;
    private final KvOptions options;
    private final EntityStore<E> store;
    private final List<IndexDefinition> uniques;
    private final String table;
    private final QueryPlanner<E> planner;
    private final UniqueClaims<E> claims;
    private final RowCodec<E> codec;
    private final DatabaseModeWriter<E> databaseMode;
    private final RowScripts<E> scripts;
    private final MergedReader<E> reader;
    private final RowCreator<E> creator;
    private final RowSaver<E> saver;
    private final Counter updates;
    private final Counter deletes;
    private final RowParts<E> parts;

    public RedisKvRepository(KvClient client, EntityModel<E> model) {
        this.client = client;
        this.model = model;
        this.options = client.options();
        this.table = model.table();
        this.planner = new QueryPlanner<>(model);
        this.codec = new RowCodec<>(model, options.maxValueLength());
        this.store = client.database() != null ? client.database().store(model) : null;
        this.uniques = model.indexes().stream().filter(IndexDefinition::unique).toList();
        this.claims = new UniqueClaims<>(client, model, this::currentValues, store == null ? null : store::findAll);
        this.databaseMode = new DatabaseModeWriter<>(model, store, codec, claims);
        this.scripts = new RowScripts<>(client, model, codec, model.ttl().orElse(options.defaultTtl()));
        this.reader = new MergedReader<>(client, model, codec, scripts, store);
        MeterRegistry registry = options.meterRegistry();
        String writes = "rows written through the repository";
        Counter creates = Counter.builder("kv.writes").description(writes).tags("table", table, "op", "create").register(registry);
        Counter saves = Counter.builder("kv.writes").description(writes).tags("table", table, "op", "save").register(registry);
        this.creator = new RowCreator<>(model, options, codec, claims, scripts, databaseMode, store, creates);
        this.saver = new RowSaver<>(model, options, codec, claims, scripts, reader, creator, databaseMode, store, saves);
        this.updates = Counter.builder("kv.writes").description(writes).tags("table", table, "op", "update").register(registry);
        this.deletes = Counter.builder("kv.writes").description(writes).tags("table", table, "op", "delete").register(registry);
        this.parts = new RowParts<>(model, codec, scripts, planner, reader, creator, store, !uniques.isEmpty(), creates, saves, updates,
                deletes);
    }

    /** The parts this repository orchestrates, for its asynchronous twin. */
    RowParts<E> parts() {
        return parts;
    }

    @Override
    public EntityModel<E> model() {
        return model;
    }

    /** The live values of a row by encoded key (for unique claims), or null. */
    private Object[] currentValues(String pk) {
        Found f = reader.readByKey(pk, codec.keyValuesOf(pk), false);
        return f == null ? null : f.values();
    }

    private RedisClusterAsyncCommands<String, String> redis() {
        return client.redis();
    }

    // ------------------------------------------------------------------ create

    @Override
    public E createWithKV(E entity) {
        Object[] values = model.validateNew(entity);
        return creator.create(values, codec.fieldPairs(values));
    }

    @Override
    public List<E> createManyWithKV(List<E> entities) {
        return creator.createMany(entities);
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Optional<E> findOneWithKV(Where<E> where) {
        return findOneVersionedWithKV(where).map(Versioned::entity);
    }

    @Override
    public Optional<Versioned<E>> findOneVersionedWithKV(Where<E> where) {
        QueryPlan plan = planner.plan(where);
        if (plan.empty()) {
            return Optional.empty();
        }
        if (plan.keys() != null && plan.keys().size() == 1) {
            Object[] key = plan.keys().get(0);
            Found f = reader.readByKey(plan.pks().get(0), key, true);
            return f != null && MergedReader.matches(where, f.values()) ? Optional.of(new Versioned<>(model.create(f.values(), f.version()), f.version()))
                    : Optional.empty();
        }
        List<Found> found = reader.search(where, plan, true, true);
        if (found.size() > 1) {
            throw new NonUniqueResultException(table + ": " + found.size() + " rows match " + where + "; expected at most one");
        }
        return found.stream().findFirst().map(f -> new Versioned<>(model.create(f.values(), f.version()), f.version()));
    }

    @Override
    public List<E> findAllWithKV(Where<E> where) {
        return entities(reader.search(where, planner.plan(where), true, true));
    }

    @Override
    public List<E> findAllFromKvRedis(Where<E> where) {
        return entities(reader.search(where, planner.plan(where), false, true));
    }

    private List<E> entities(List<Found> found) {
        List<E> out = new ArrayList<>(found.size());
        for (Found f : found) {
            out.add(model.create(f.values(), f.version()));
        }
        return out;
    }

    /**
     * Removes a cached row and its index entries from Redis if its version is still {@code version}
     * (any version when negative), and removes {@code scheduleMember} from the shard's expiry
     * schedule. Returns 1 when evicted, 0 when absent, -1 when the row has changed since.
     */
    public long evict(String pk, long version, String scheduleMember) {
        return scripts.evict(pk, version, scheduleMember);
    }

    /** The encoded primary key of an entity. */
    public String primaryKeyOf(E entity) {
        return KvKeys.primaryKey(model, model.values(entity));
    }

    // ------------------------------------------------------------------ updates and deletes

    @Override
    public Optional<E> updateOneWithKV(Update<E> set, Where<E> where) {
        return updateOne(set, where, -1);
    }

    @Override
    public Optional<E> updateOneWithKV(Update<E> set, Where<E> where, long expectedVersion) {
        if (expectedVersion < 1) {
            throw new InvalidValueException(table + ": expected version must be >= 1, got " + expectedVersion);
        }
        return updateOne(set, where, expectedVersion);
    }

    private Optional<E> updateOne(Update<E> set, Where<E> where, long expected) {
        Assignments a = Assignments.of(model, codec, set);
        QueryPlan plan = planner.plan(where);
        for (int attempt = 0; attempt <= options.conflictRetries(); attempt++) {
            List<Found> found = reader.search(where, plan, true, false);
            if (found.isEmpty()) {
                if (expected >= 0) {
                    throw new OptimisticLockException(table + ": no row matches " + where + " (expected version " + expected + ")");
                }
                return Optional.empty();
            }
            if (found.size() > 1) {
                throw new NonUniqueResultException(table + ": " + found.size() + " rows match " + where + "; updateOne expects at most one");
            }
            Found f = found.get(0);
            if (expected >= 0 && f.version() != expected) {
                // stale before anything is claimed: the caller learns that first (not, say, a unique conflict)
                throw new OptimisticLockException(table + " " + f.pk() + ": expected version " + expected + " but the row has version "
                        + f.version());
            }
            // a where-clause of key equalities needs no re-check: the script updates whatever version is current
            // (with unique indexes the claims depend on the values read, so the version stays guarded)
            long guard = expected >= 0 ? expected : keyOnly(where) && uniques.isEmpty() ? -1 : f.version();
            WriteResult r = applyUpdate(f, a, guard);
            if (r.status() == WriteStatus.OK) {
                updates.increment();
                return Optional.of(model.create(r.values(), r.version()));
            }
            if (r.status() == WriteStatus.RETRY) {
                continue;
            }
            if (expected >= 0) {
                throw new OptimisticLockException(table + " " + f.pk() + ": expected version " + expected + " but the row has "
                        + (r.status() == WriteStatus.GONE ? "been deleted" : "version " + r.version()));
            }
            backoff(attempt);
        }
        throw new io.kvframework.core.ConcurrentWriteException(table + ": update of " + where + " lost " + (options.conflictRetries() + 1)
                + " races with concurrent writers in a row; try again");
    }

    @Override
    public List<E> updateWithKV(Update<E> set, Where<E> where) {
        Assignments a = Assignments.of(model, codec, set);
        List<E> out = new ArrayList<>();
        List<PartialWriteException.RowOutcome> outcomes = new ArrayList<>();
        boolean failed = false;
        List<Found> matched = reader.search(where, planner.plan(where), true, false);
        for (int i = 0; i < matched.size(); i++) {
            Found current = matched.get(i);
            try {
                for (int attempt = 0; current != null; attempt++) {
                    WriteResult r = applyUpdate(current, a, current.version());
                    if (r.status() == WriteStatus.OK) {
                        updates.increment();
                        out.add(model.create(r.values(), r.version()));
                        outcomes.add(RowCreator.written(i, out.get(out.size() - 1)));
                        break;
                    }
                    giveUpAfter(attempt, current.pk());
                    current = reread(current.pk(), where);
                }
            } catch (RuntimeException e) {
                failed = true;
                Found before = matched.get(i);
                outcomes.add(RowCreator.failed(i, model.create(before.values(), before.version()), e));
            }
        }
        if (failed) {
            throw PartialWriteException.of(table + ": updateWithKV of " + where, outcomes);
        }
        return out;
    }

    @Override
    public int deleteWithKV(Where<E> where) {
        int deleted = 0;
        for (Found f : reader.search(where, planner.plan(where), true, false)) {
            Found current = f;
            for (int attempt = 0; current != null; attempt++) {
                if (!current.inRedis()) {
                    scripts.hydrate(current.pk(), new DbRow(current.values(), current.version()));
                }
                WriteResult r = scripts.awaitWrite(scripts.write(RowOp.DELETE, current.pk(), current.version(), ExistenceCheck.NONE, List.of(), List.of()),
                        "deleting " + table + " " + current.pk());
                if (r.status() == WriteStatus.TABLE_MODE) {
                    if (r.mode() == TableMode.SWITCHING) {
                        scripts.waitWhileSwitching(current.pk());
                    } else {
                        r = databaseMode.delete(current);
                    }
                }
                if (r.status() == WriteStatus.OK) {
                    deleted++;
                    deletes.increment();
                    claims.releaseStale(current.pk(), current.values(), null);
                    break;
                }
                giveUpAfter(attempt, current.pk());
                current = reread(current.pk(), where);
            }
        }
        return deleted;
    }

    @Override
    public E saveWithKV(E entity) {
        return saver.save(entity, -1);
    }

    @Override
    public E saveWithKV(E entity, long expectedVersion) {
        if (expectedVersion < 0) {
            throw new InvalidValueException(table + ": expected version must be >= 0, got " + expectedVersion);
        }
        return saver.save(entity, expectedVersion);
    }

    @Override
    public boolean deleteOneWithKV(Where<E> key) {
        if (key == null || !keyOnly(key) || key.conditions().size() != model.key().size()) {
            throw new InvalidValueException(table + ": deleteOneWithKV needs an equality on every primary key column "
                    + model.key().stream().map(Column::name).toList() + ", got " + key);
        }
        return deleteWithKV(key) == 1;
    }

    @Override
    public long countWithKV(Where<E> where) {
        return reader.search(where, planner.plan(where), true, true).size();
    }

    @Override
    public boolean existsWithKV(Where<E> where) {
        return countWithKV(where) > 0;
    }

    private void giveUpAfter(int attempt, String pk) {
        if (attempt >= options.conflictRetries()) {
            throw new io.kvframework.core.ConcurrentWriteException(table + " " + pk + ": lost " + (attempt + 1)
                    + " races with concurrent writers in a row; try again");
        }
        backoff(attempt);
    }

    /** Lets the winner of a race finish before trying again: a short random pause that grows with the attempts. */
    private static void backoff(int attempt) {
        long micros = java.util.concurrent.ThreadLocalRandom.current().nextLong(50, 200L << Math.min(attempt, 6));
        java.util.concurrent.locks.LockSupport.parkNanos(micros * 1000);
    }

    /** Whether {@code where} is only equalities on the key columns (then the row is fixed by the key alone). */
    private boolean keyOnly(Where<E> where) {
        for (Condition c : where.conditions()) {
            if (c.op() != Condition.Op.EQ || !model.key().contains(c.column())) {
                return false;
            }
        }
        return true;
    }

    /** The row with this key as it is now, if it still matches {@code where}. */
    private Found reread(String pk, Where<E> where) {
        Object[] key = codec.keyValuesOf(pk);
        Found f = reader.readByKey(pk, key, false);
        return f != null && MergedReader.matches(where, f.values()) ? f : null;
    }

    private WriteResult applyUpdate(Found f, Assignments a, long expectedVersion) {
        if (!f.inRedis()) {
            scripts.hydrate(f.pk(), new DbRow(f.values(), f.version()));
        }
        Object[] after = f.values().clone();
        a.values().forEach((column, value) -> after[column.position()] = value);
        List<String> acquired = claims.claim(f.pk(), after, f.values());
        WriteResult r;
        try {
            r = scripts.awaitWrite(scripts.write(RowOp.UPDATE, f.pk(), expectedVersion, ExistenceCheck.NONE, a.sets(), a.clears()), "updating " + table + " " + f.pk());
        } catch (RuntimeException e) {
            claims.release(acquired, f.pk());
            throw e;
        }
        if (r.status() == WriteStatus.TABLE_MODE) {
            claims.release(acquired, f.pk());
            if (r.mode() == TableMode.SWITCHING) {
                scripts.waitWhileSwitching(f.pk());
                return new WriteResult(WriteStatus.RETRY, 0, null, null);
            }
            return databaseMode.update(f, a, expectedVersion >= 0 ? expectedVersion : f.version());
        }
        if (r.status() != WriteStatus.OK) {
            claims.release(acquired, f.pk());
            if (!r.status().lostRace()) {
                throw new KvException(table + " " + f.pk() + ": unexpected update status " + r.status());
            }
            return r;
        }
        claims.releaseStale(f.pk(), f.values(), after);
        return r;
    }

    // ------------------------------------------------------------------ database mode

    private <T> T await(RedisFuture<T> f, String what) {
        return Futures.await(f, options.commandTimeout(), what);
    }

    private <T> T await(java.util.concurrent.CompletionStage<T> f, String what) {
        return Futures.await(f, options.commandTimeout(), what);
    }

    // ------------------------------------------------------------------ small types

}
