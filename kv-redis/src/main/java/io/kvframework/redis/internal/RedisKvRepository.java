package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.KvRepository;
import io.kvframework.core.NonUniqueResultException;
import io.kvframework.core.Update;
import io.kvframework.core.Versioned;
import io.kvframework.core.Where;
import io.kvframework.core.spi.EntityStore;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    private final RowUpdater<E> updater;
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
        this.updater = new RowUpdater<>(model, options, codec, claims, scripts, reader, planner, databaseMode, updates, deletes);
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
        QueryPlan byKey = planner.singleKey(where);
        if (byKey != null) {
            // the row read by its key always satisfies the one condition that named the key
            Found f = reader.readByKey(byKey.pks().get(0), byKey.keys().get(0), true);
            return f == null ? Optional.empty() : Optional.of(new Versioned<>(model.create(f.values(), f.version()), f.version()));
        }
        QueryPlan plan = where != null && where.isDisjunction() ? null : planner.plan(where);
        if (plan != null && plan.empty()) {
            return Optional.empty();
        }
        if (plan != null && plan.keys() != null && plan.keys().size() == 1) {
            Object[] key = plan.keys().get(0);
            Found f = reader.readByKey(plan.pks().get(0), key, true);
            return f != null && MergedReader.matches(where, f.values()) ? Optional.of(new Versioned<>(model.create(f.values(), f.version()), f.version()))
                    : Optional.empty();
        }
        List<Found> found = reader.searchAny(where, planner, true, true);
        if (found.size() > 1) {
            throw new NonUniqueResultException(table + ": " + found.size() + " rows match " + where + "; expected at most one");
        }
        return found.stream().findFirst().map(f -> new Versioned<>(model.create(f.values(), f.version()), f.version()));
    }

    @Override
    public List<E> findAllWithKV(Where<E> where) {
        return entities(reader.searchAny(where, planner, true, true));
    }

    @Override
    public List<E> findAllFromKvRedis(Where<E> where) {
        return entities(reader.searchAny(where, planner, false, true));
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

    /** {@link #evict} sent without waiting: the reply's first element is its result (pipelined by the sweep). */
    CompletableFuture<List<Object>> evictAsync(String pk, long version, String scheduleMember) {
        return scripts.evictAsync(pk, version, scheduleMember);
    }

    /** The encoded primary key of an entity. */
    public String primaryKeyOf(E entity) {
        return KvKeys.primaryKey(model, model.values(entity));
    }

    // ------------------------------------------------------------------ updates and deletes

    @Override
    public Optional<E> updateOneWithKV(Update<E> set, Where<E> where) {
        return updater.updateOne(set, where, -1);
    }

    @Override
    public Optional<E> updateOneWithKV(Update<E> set, Where<E> where, long expectedVersion) {
        if (expectedVersion < 1) {
            throw new InvalidValueException(table + ": expected version must be >= 1, got " + expectedVersion);
        }
        return updater.updateOne(set, where, expectedVersion);
    }

    @Override
    public List<E> updateWithKV(Update<E> set, Where<E> where) {
        return updater.updateMany(set, where);
    }

    @Override
    public int deleteWithKV(Where<E> where) {
        return updater.deleteMany(where);
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
        if (key == null || !updater.keyOnly(key) || key.conditions().size() != model.key().size()) {
            throw new InvalidValueException(table + ": deleteOneWithKV needs an equality on every primary key column "
                    + model.key().stream().map(Column::name).toList() + ", got " + key);
        }
        return deleteWithKV(key) == 1;
    }

    @Override
    public long countWithKV(Where<E> where) {
        return reader.searchAny(where, planner, true, true).size();
    }

    @Override
    public boolean existsWithKV(Where<E> where) {
        return countWithKV(where) > 0;
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
