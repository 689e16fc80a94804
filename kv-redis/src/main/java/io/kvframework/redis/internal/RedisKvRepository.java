package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import io.kvframework.core.Condition;
import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.KvException;
import io.kvframework.core.KvRepository;
import io.kvframework.core.KvUnavailableException;
import io.kvframework.core.NonUniqueResultException;
import io.kvframework.core.OptimisticLockException;
import io.kvframework.core.PartialWriteException;
import io.kvframework.core.UnknownColumnException;
import io.kvframework.core.Update;
import io.kvframework.core.Versioned;
import io.kvframework.core.Where;
import io.kvframework.core.WriteOutcomeUnknownException;
import io.kvframework.core.spi.DbRow;
import io.kvframework.core.spi.EntityStore;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.TableMode;
import io.kvframework.redis.internal.RowCodec.RedisRow;
import io.kvframework.redis.internal.RowScripts.ExistenceCheck;
import io.kvframework.redis.internal.RowScripts.RowOp;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The Redis implementation of {@link KvRepository}. One Lua script per single-row write (one round
 * trip); reads fetch candidates in pipelined round trips and merge the database by key and version.
 */
public final class RedisKvRepository<E> implements KvRepository<E> {
    private final KvClient client;
    private final EntityModel<E> model;
    private final KvKeys keys;
    private final KvOptions options;
    private final EntityStore<E> store;
    private final List<IndexDefinition> uniques;
    private final Duration ttl;
    private final String table;
    private final QueryPlanner<E> planner;
    private final UniqueClaims<E> claims;
    private final RowCodec<E> codec;
    private final DatabaseModeWriter<E> databaseMode;
    private final RowScripts<E> scripts;
    private final Counter readsFromRedis;
    private final Counter readsFromDatabase;
    private final Counter readsMissed;
    private final Counter creates;
    private final Counter updates;
    private final Counter deletes;

    public RedisKvRepository(KvClient client, EntityModel<E> model) {
        this.client = client;
        this.model = model;
        this.keys = client.keys();
        this.options = client.options();
        this.table = model.table();
        this.planner = new QueryPlanner<>(model);
        this.codec = new RowCodec<>(model, options.maxValueLength());
        this.store = client.database() != null ? client.database().store(model) : null;
        this.uniques = model.indexes().stream().filter(IndexDefinition::unique).toList();
        this.claims = new UniqueClaims<>(client, model, pk -> {
            Found f = readByKey(pk, codec.keyValuesOf(pk));
            return f == null ? null : f.values();
        }, store == null ? null : store::findAll);
        this.databaseMode = new DatabaseModeWriter<>(model, store, codec, claims);
        this.ttl = model.ttl().orElse(options.defaultTtl());
        this.scripts = new RowScripts<>(client, model, codec, ttl);
        MeterRegistry registry = options.meterRegistry();
        String reads = "reads answered: by-key reads by where the row came from, queries by whether the database was asked";
        this.readsFromRedis = Counter.builder("kv.reads").description(reads).tags("table", table, "source", "redis").register(registry);
        this.readsFromDatabase = Counter.builder("kv.reads").description(reads).tags("table", table, "source", "database")
                .register(registry);
        this.readsMissed = Counter.builder("kv.reads").description(reads).tags("table", table, "source", "none").register(registry);
        String writes = "rows written through the repository";
        this.creates = Counter.builder("kv.writes").description(writes).tags("table", table, "op", "create").register(registry);
        this.updates = Counter.builder("kv.writes").description(writes).tags("table", table, "op", "update").register(registry);
        this.deletes = Counter.builder("kv.writes").description(writes).tags("table", table, "op", "delete").register(registry);
    }

    @Override
    public EntityModel<E> model() {
        return model;
    }


    private RedisClusterAsyncCommands<String, String> redis() {
        return client.redis();
    }

    // ------------------------------------------------------------------ create

    @Override
    public E createWithKV(E entity) {
        Object[] values = model.validateNew(entity);
        return create(values, codec.fieldPairs(values));
    }

    /** Creates one row from values already validated. */
    private E create(Object[] values, List<String> fields) {
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

    @Override
    public List<E> createManyWithKV(List<E> entities) {
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

    private static PartialWriteException.RowOutcome written(int index, Object entity) {
        return new PartialWriteException.RowOutcome(index, PartialWriteException.Status.WRITTEN, entity, null);
    }

    private static PartialWriteException.RowOutcome failed(int index, Object entity, RuntimeException error) {
        KvException e = error instanceof KvException k ? k : new KvException(error.toString(), error);
        PartialWriteException.Status status = e instanceof WriteOutcomeUnknownException ? PartialWriteException.Status.UNKNOWN
                : PartialWriteException.Status.NOT_WRITTEN;
        return new PartialWriteException.RowOutcome(index, status, entity, e);
    }

    private ExistenceCheck createCheck() {
        if (store == null) {
            return ExistenceCheck.NONE;
        }
        return options.createCheck() == KvOptions.CreateCheck.DATABASE ? ExistenceCheck.ALWAYS : ExistenceCheck.IF_FILTER_MAY_HOLD;
    }

    private WriteResult finishCreate(WriteResult r, String pk, Object[] values, List<String> fields) {
        while (r.status() == WriteStatus.TABLE_MODE) {
            if (r.mode() != TableMode.SWITCHING) {
                return databaseMode.create(pk, values);
            }
            waitWhileSwitching(pk);
            r = scripts.awaitStatus(scripts.write(RowOp.CREATE, pk, -1, createCheck(), fields, List.of()), "creating " + table + " " + pk);
        }
        if (r.status() == WriteStatus.CHECK_DATABASE) {
            Optional<DbRow> existing = store.findByKey(codec.keyValues(values));
            if (existing.isPresent()) {
                hydrate(pk, existing.get());
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
            Found f = readByKey(plan.pks().get(0), key, true);
            return f != null && matches(where, f.values()) ? Optional.of(new Versioned<>(model.create(f.values(), f.version()), f.version()))
                    : Optional.empty();
        }
        List<Found> found = search(where, plan, true, true);
        if (found.size() > 1) {
            throw new NonUniqueResultException(table + ": " + found.size() + " rows match " + where + "; expected at most one");
        }
        return found.stream().findFirst().map(f -> new Versioned<>(model.create(f.values(), f.version()), f.version()));
    }

    @Override
    public List<E> findAllWithKV(Where<E> where) {
        return entities(search(where, planner.plan(where), true, true));
    }

    @Override
    public List<E> findAllFromKvRedis(Where<E> where) {
        return entities(search(where, planner.plan(where), false, true));
    }

    private List<E> entities(List<Found> found) {
        List<E> out = new ArrayList<>(found.size());
        for (Found f : found) {
            out.add(model.create(f.values(), f.version()));
        }
        return out;
    }

    /** The live row with this key: Redis when Redis knows the key, else the database (cached back). */
    private Found readByKey(String pk, Object[] key) {
        return readByKey(pk, key, false);
    }

    /** {@code count}: an application read, counted in {@code kv.reads} by where the answer came from. */
    private Found readByKey(String pk, Object[] key, boolean count) {
        RedisRow row = fetch(List.of(pk)).get(pk);
        if (row != null) {
            if (count) {
                (row.tombstone() ? readsMissed : readsFromRedis).increment();
            }
            return row.tombstone() ? null : new Found(pk, row.values(), row.version(), true);
        }
        if (store == null) {
            if (count) {
                readsMissed.increment();
            }
            return null;
        }
        Optional<DbRow> db = store.findByKey(key);
        if (count) {
            (db.isEmpty() ? readsMissed : readsFromDatabase).increment();
        }
        if (db.isEmpty()) {
            return null;
        }
        long held = hydrate(pk, db.get());
        if (held == -1) {
            // database mode: the row is not cached
            return new Found(pk, db.get().values(), db.get().version(), false);
        }
        if (held != db.get().version()) {
            RedisRow now = fetch(List.of(pk)).get(pk);
            if (now == null || now.tombstone()) {
                return null;
            }
            return new Found(pk, now.values(), now.version(), true);
        }
        return new Found(pk, db.get().values(), db.get().version(), true);
    }

    /** Rows matching {@code where}: Redis candidates, then (optionally) the database merged by key. */
    private List<Found> search(Where<E> where, QueryPlan plan, boolean includeDb) {
        return search(where, plan, includeDb, false);
    }

    /** {@code count}: an application read, counted in {@code kv.reads}. */
    private List<Found> search(Where<E> where, QueryPlan plan, boolean includeDb, boolean count) {
        if (plan.empty()) {
            return List.of();
        }
        List<String> candidates = plan.pks() != null ? plan.pks() : indexMembers(plan);
        Map<String, RedisRow> rows = fetch(candidates);
        Map<String, Found> out = new LinkedHashMap<>();
        Set<String> known = new HashSet<>();
        for (Map.Entry<String, RedisRow> e : rows.entrySet()) {
            RedisRow row = e.getValue();
            if (row == null) {
                if (plan.index() != null) {
                    scripts.prune(e.getKey(), plan);
                }
                continue;
            }
            known.add(e.getKey());
            if (!row.tombstone() && matches(where, row.values())) {
                out.put(e.getKey(), new Found(e.getKey(), row.values(), row.version(), true));
            }
        }
        boolean allKeysKnown = plan.pks() != null && known.size() == plan.pks().size();
        boolean askDatabase = includeDb && store != null && !allKeysKnown;
        if (count) {
            (askDatabase ? readsFromDatabase : readsFromRedis).increment();
        }
        if (askDatabase) {
            List<DbRow> dbRows = store.findAll(where);
            Map<String, DbRow> unknown = new LinkedHashMap<>();
            for (DbRow db : dbRows) {
                String pk = KvKeys.primaryKey(model, db.values());
                if (!known.contains(pk)) {
                    unknown.put(pk, db);
                }
            }
            if (!unknown.isEmpty()) {
                Map<String, RedisRow> newer = fetch(new ArrayList<>(unknown.keySet()));
                for (Map.Entry<String, DbRow> e : unknown.entrySet()) {
                    RedisRow row = newer.get(e.getKey());
                    if (row == null) {
                        out.put(e.getKey(), new Found(e.getKey(), e.getValue().values(), e.getValue().version(), false));
                    } else if (!row.tombstone() && matches(where, row.values())) {
                        out.put(e.getKey(), new Found(e.getKey(), row.values(), row.version(), true));
                    }
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private boolean matches(Where<E> where, Object[] values) {
        for (Condition c : where.conditions()) {
            if (!c.test(values[c.column().position()])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Primary keys in the index sets of the plan's value tuples. A row's index entries all live in its
     * shard, so one SUNION per shard (atomic, one hash slot) sees each row under exactly its current
     * values; on standalone Redis one SUNION covers every shard.
     */
    private List<String> indexMembers(QueryPlan plan) {
        List<List<String>> byShard = new ArrayList<>();
        for (int s = 0; s < keys.shards(); s++) {
            List<String> shardKeys = new ArrayList<>();
            for (String tuple : plan.tuples()) {
                shardKeys.add(keys.indexKey(s, table, plan.index().name(), tuple));
            }
            byShard.add(shardKeys);
        }
        Set<String> members = new LinkedHashSet<>();
        String what = "reading index " + plan.index().name() + " of " + table;
        if (!client.isCluster()) {
            members.addAll(await(redis().sunion(byShard.stream().flatMap(List::stream).toArray(String[]::new)), what));
        } else {
            List<RedisFuture<Set<String>>> futures = new ArrayList<>();
            for (List<String> shardKeys : byShard) {
                futures.add(redis().sunion(shardKeys.toArray(String[]::new)));
            }
            for (RedisFuture<Set<String>> f : futures) {
                members.addAll(await(f, what));
            }
        }
        return new ArrayList<>(members);
    }

    /** Redis rows by primary key, fetched in one pipelined round trip; absent keys map to null. */
    private Map<String, RedisRow> fetch(List<String> pks) {
        List<RedisFuture<Map<String, String>>> futures = new ArrayList<>(pks.size());
        for (String pk : pks) {
            futures.add(redis().hgetall(keys.rowKey(keys.shard(table, pk), table, pk)));
        }
        Map<String, RedisRow> out = new LinkedHashMap<>();
        for (int i = 0; i < pks.size(); i++) {
            Map<String, String> hash = await(futures.get(i), "reading " + table + " " + pks.get(i));
            out.put(pks.get(i), hash.isEmpty() ? null : codec.decode(hash));
        }
        return out;
    }

    private long hydrate(String pk, DbRow row) {
        return scripts.hydrate(pk, row);
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
        Assignments a = assignments(set);
        QueryPlan plan = planner.plan(where);
        for (int attempt = 0; attempt <= options.conflictRetries(); attempt++) {
            List<Found> found = search(where, plan, true);
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
        Assignments a = assignments(set);
        List<E> out = new ArrayList<>();
        List<PartialWriteException.RowOutcome> outcomes = new ArrayList<>();
        boolean failed = false;
        List<Found> matched = search(where, planner.plan(where), true);
        for (int i = 0; i < matched.size(); i++) {
            Found current = matched.get(i);
            try {
                for (int attempt = 0; current != null; attempt++) {
                    WriteResult r = applyUpdate(current, a, current.version());
                    if (r.status() == WriteStatus.OK) {
                        updates.increment();
                        out.add(model.create(r.values(), r.version()));
                        outcomes.add(written(i, out.get(out.size() - 1)));
                        break;
                    }
                    giveUpAfter(attempt, current.pk());
                    current = reread(current.pk(), where);
                }
            } catch (RuntimeException e) {
                failed = true;
                Found before = matched.get(i);
                outcomes.add(failed(i, model.create(before.values(), before.version()), e));
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
        for (Found f : search(where, planner.plan(where), true)) {
            Found current = f;
            for (int attempt = 0; current != null; attempt++) {
                if (!current.inRedis()) {
                    hydrate(current.pk(), new DbRow(current.values(), current.version()));
                }
                WriteResult r = scripts.awaitWrite(scripts.write(RowOp.DELETE, current.pk(), current.version(), ExistenceCheck.NONE, List.of(), List.of()),
                        "deleting " + table + " " + current.pk());
                if (r.status() == WriteStatus.TABLE_MODE) {
                    if (r.mode() == TableMode.SWITCHING) {
                        waitWhileSwitching(current.pk());
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
        Found f = readByKey(pk, key);
        return f != null && matches(where, f.values()) ? f : null;
    }

    private WriteResult applyUpdate(Found f, Assignments a, long expectedVersion) {
        if (!f.inRedis()) {
            hydrate(f.pk(), new DbRow(f.values(), f.version()));
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
                waitWhileSwitching(f.pk());
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

    private Assignments assignments(Update<E> set) {
        if (set == null || set.assignments().isEmpty()) {
            throw new InvalidValueException(table + ": an update needs at least one column to set");
        }
        List<String> sets = new ArrayList<>();
        List<String> clears = new ArrayList<>();
        Map<Column<?, ?>, Object> values = new LinkedHashMap<>();
        for (Map.Entry<Column<E, ?>, Object> e : set.assignments().entrySet()) {
            Column<E, ?> c = e.getKey();
            if (!model.owns(c)) {
                throw new UnknownColumnException(table + ": column " + c.qualified() + " does not belong to this entity");
            }
            if (model.key().contains(c)) {
                throw new InvalidValueException(c.qualified() + ": key columns cannot be updated; delete the row and create it with the new key");
            }
            Object v = normalize(c, e.getValue());
            values.put(c, v);
            if (v == null) {
                clears.add(c.name());
            } else {
                sets.add(c.name());
                sets.add(codec.encodeChecked(c, v));
            }
        }
        return new Assignments(sets, clears, values);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object normalize(Column c, Object v) {
        return c.normalize(v);
    }

    // ------------------------------------------------------------------ database mode

    /** Waits while the table switches between KV and database mode (writes are held back meanwhile). */
    private void waitWhileSwitching(String pk) {
        String modeKey = keys.modeKey(keys.shard(table, pk));
        long deadline = System.nanoTime() + options.commandTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (TableMode.fromWire(await(redis().hget(modeKey, table), "reading the mode of " + table)) != TableMode.SWITCHING) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        throw new KvUnavailableException(table + ": the table is switching between KV and database mode and did not finish within "
                + options.commandTimeout().toMillis() + " ms; try again");
    }

    private <T> T await(RedisFuture<T> f, String what) {
        return Futures.await(f, options.commandTimeout(), what);
    }

    private <T> T await(java.util.concurrent.CompletionStage<T> f, String what) {
        return Futures.await(f, options.commandTimeout(), what);
    }

    // ------------------------------------------------------------------ small types

}
