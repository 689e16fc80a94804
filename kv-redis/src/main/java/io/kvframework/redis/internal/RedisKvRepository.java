package io.kvframework.redis.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import io.kvframework.core.WriteOutcomeUnknownException;
import io.kvframework.core.UnknownColumnException;
import io.kvframework.core.Update;
import io.kvframework.core.Versioned;
import io.kvframework.core.Where;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.TableMode;
import io.kvframework.redis.internal.RowCodec.RedisRow;
import io.kvframework.redis.sql.DbRow;
import io.kvframework.redis.sql.SqlTable;
import io.kvframework.redis.sql.Tombstones;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
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
import org.jooq.exception.DataAccessException;

/**
 * The Redis implementation of {@link KvRepository}. One Lua script per single-row write (one round
 * trip); reads fetch candidates in pipelined round trips and merge the database by key and version.
 */
public final class RedisKvRepository<E> implements KvRepository<E> {
    static final Script WRITE = Script.loadRowScript("write");
    static final Script HYDRATE = Script.loadRowScript("hydrate");
    static final Script EVICT = Script.loadRowScript("evict");
    private static final String PRUNE = "if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('SREM', KEYS[2], ARGV[1]) end return 0";
    /** A unique claim younger than this whose owner row does not show the value belongs to a write in flight. */

    private final KvClient client;
    private final EntityModel<E> model;
    private final KvKeys keys;
    private final KvOptions options;
    private final SqlTable<E> sql;
    private final List<String> indexArgs;
    private final List<IndexDefinition> uniques;
    private final Duration ttl;
    private final String table;
    private final QueryPlanner<E> planner;
    private final UniqueClaims<E> claims;
    private final RowCodec<E> codec;
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
        this.sql = client.dsl() != null ? new SqlTable<>(model, client.dialect()) : null;
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(model.indexes().size()));
        for (IndexDefinition index : model.indexes()) {
            args.add(index.name());
            args.add(Integer.toString(index.columns().size()));
            args.addAll(index.columnNames());
        }
        this.indexArgs = List.copyOf(args);
        this.uniques = model.indexes().stream().filter(IndexDefinition::unique).toList();
        this.claims = new UniqueClaims<>(client, model, pk -> {
            Found f = readByKey(pk, codec.keyValuesOf(pk));
            return f == null ? null : f.values();
        }, sql == null ? null : where -> db(() -> sql.select(client.dsl(), where), "checking a unique index of " + table));
        this.ttl = model.ttl().orElse(options.defaultTtl());
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

    /** The SQL side of this entity, or null without a DataSource. */
    public SqlTable<E> sqlTable() {
        return sql;
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
            WriteResult r = awaitStatus(write("c", pk, -1, createCheck(), fields, List.of()), "creating " + table + " " + pk);
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
                futures.add(write("c", KvKeys.primaryKey(model, allValues.get(i)), -1, createCheck(), allFields.get(i), List.of()));
            }
            for (int i = 0; i < futures.size(); i++) {
                try {
                    String pk = KvKeys.primaryKey(model, allValues.get(i));
                    WriteResult r = finishCreate(awaitStatus(futures.get(i), "creating " + table + " " + pk), pk, allValues.get(i),
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

    /** write.lua's create check: ask the database when the key filter may hold the key, always, or never (the caller asked). */
    private static final String CHECK_IF_FILTER_MAY_HOLD = "b";
    private static final String CHECK_ALWAYS = "d";
    private static final String CHECK_NONE = "n";

    private String createCheck() {
        if (sql == null) {
            return CHECK_NONE;
        }
        return options.createCheck() == KvOptions.CreateCheck.DATABASE ? CHECK_ALWAYS : CHECK_IF_FILTER_MAY_HOLD;
    }

    private WriteResult finishCreate(WriteResult r, String pk, Object[] values, List<String> fields) {
        while (r.status() == WriteStatus.TABLE_MODE) {
            if (r.mode() != TableMode.SWITCHING) {
                return createInDatabase(pk, values);
            }
            waitWhileSwitching(pk);
            r = awaitStatus(write("c", pk, -1, createCheck(), fields, List.of()), "creating " + table + " " + pk);
        }
        if (r.status() == WriteStatus.CHECK_DATABASE) {
            Optional<DbRow> existing = db(() -> sql.selectByKey(client.dsl(), codec.keyValues(values)), "checking " + table + " " + pk);
            if (existing.isPresent()) {
                hydrate(pk, existing.get());
                throw new DuplicateKeyException(table + ": primary key " + codec.keyDescription(values) + " already exists (in the database)");
            }
            // a key deleted long ago (its tombstone evicted from Redis) goes on after its last version,
            // or the drainer would take the new row for an event older than the delete
            long deletedAt = lastDeletedVersion(pk);
            r = awaitStatus(write("c", pk, deletedAt > 0 ? deletedAt : -1, CHECK_NONE, fields, List.of()), "creating " + table + " " + pk);
        }
        if (r.status() == WriteStatus.DUPLICATE) {
            throw new DuplicateKeyException(table + ": primary key " + codec.keyDescription(values) + " already exists");
        }
        expectOk(r, "create", pk);
        return r;
    }

    /** When the drainer's tombstone table was last found missing; asked again after 10 s. */
    private volatile long tombstonesMissingSince;

    private long lastDeletedVersion(String pk) {
        if (System.currentTimeMillis() - tombstonesMissingSince < 10_000) {
            return 0;
        }
        long v = db(() -> Tombstones.lastDeletedVersion(client.dsl(), keys.namespace(), table, pk), "checking deletes of " + table + " " + pk);
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
        if (sql == null) {
            if (count) {
                readsMissed.increment();
            }
            return null;
        }
        Optional<DbRow> db = db(() -> sql.selectByKey(client.dsl(), key), "reading " + table + " " + pk);
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
                    prune(e.getKey(), plan);
                }
                continue;
            }
            known.add(e.getKey());
            if (!row.tombstone() && matches(where, row.values())) {
                out.put(e.getKey(), new Found(e.getKey(), row.values(), row.version(), true));
            }
        }
        boolean allKeysKnown = plan.pks() != null && known.size() == plan.pks().size();
        boolean askDatabase = includeDb && sql != null && !allKeysKnown;
        if (count) {
            (askDatabase ? readsFromDatabase : readsFromRedis).increment();
        }
        if (askDatabase) {
            List<DbRow> dbRows = db(() -> sql.select(client.dsl(), where), "querying " + table + " where " + where);
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

    private void prune(String pk, QueryPlan plan) {
        int shard = keys.shard(table, pk);
        for (String tuple : plan.tuples()) {
            String[] k = {keys.rowKey(shard, table, pk), keys.indexKey(shard, table, plan.index().name(), tuple)};
            await(redis().<Long>eval(PRUNE, ScriptOutputType.INTEGER, k, pk), "removing a stale index entry of " + table);
        }
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
        int shard = keys.shard(table, pk);
        List<String> args = new ArrayList<>();
        args.add(table);
        args.add(pk);
        args.add(Long.toString(row.version()));
        args.add(Long.toString(System.currentTimeMillis() + ttl.toMillis()));
        args.add(keys.indexPrefix(shard, table));
        addFilterBits(args, pk);
        args.addAll(indexArgs);
        List<String> fields = codec.fieldPairs(row.values());
        args.add(Integer.toString(fields.size() / 2));
        args.addAll(fields);
        String[] k = {keys.rowKey(shard, table, pk), keys.expiryKey(shard), keys.bloomKey(shard), keys.modeKey(shard)};
        List<Object> reply = await(HYDRATE.run(redis(), k, args.toArray(String[]::new)), "caching " + table + " " + pk);
        return (Long) reply.get(0);
    }

    /**
     * Removes a cached row and its index entries from Redis if its version is still {@code version}
     * (any version when negative), and removes {@code scheduleMember} from the shard's expiry
     * schedule. Returns 1 when evicted, 0 when absent, -1 when the row has changed since.
     */
    public long evict(String pk, long version, String scheduleMember) {
        int shard = keys.shard(table, pk);
        List<String> args = new ArrayList<>();
        args.add(pk);
        args.add(version < 0 ? "" : Long.toString(version));
        args.add(scheduleMember == null ? "" : scheduleMember);
        args.add(keys.indexPrefix(shard, table));
        args.addAll(indexArgs);
        String[] k = {keys.rowKey(shard, table, pk), keys.expiryKey(shard)};
        return (Long) await(EVICT.run(redis(), k, args.toArray(String[]::new)), "evicting " + table + " " + pk).get(0);
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
        throw new KvException(table + ": update of " + where + " lost " + (options.conflictRetries() + 1)
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
                WriteResult r = awaitWrite(write("d", current.pk(), current.version(), CHECK_NONE, List.of(), List.of()),
                        "deleting " + table + " " + current.pk());
                if (r.status() == WriteStatus.TABLE_MODE) {
                    if (r.mode() == TableMode.SWITCHING) {
                        waitWhileSwitching(current.pk());
                    } else {
                        r = deleteInDatabase(current);
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
            throw new KvException(table + " " + pk + ": lost " + (attempt + 1) + " races with concurrent writers in a row; try again");
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
            r = awaitWrite(write("u", f.pk(), expectedVersion, CHECK_NONE, a.sets(), a.clears()), "updating " + table + " " + f.pk());
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
            return updateInDatabase(f, a, expectedVersion >= 0 ? expectedVersion : f.version());
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

    private org.jooq.DSLContext dbRequired() {
        if (sql == null) {
            throw new KvException(table + " is in database mode but the KvClient has no DataSource");
        }
        return client.dsl();
    }

    private WriteResult createInDatabase(String pk, Object[] values) {
        org.jooq.DSLContext dsl = dbRequired();
        return db(() -> dsl.transactionResult(cfg -> {
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
            return new WriteResult(WriteStatus.OK, version, null, codec.normalized(values));
        }), "creating " + table + " " + pk + " in the database");
    }

    private WriteResult updateInDatabase(Found f, Assignments a, long expectedVersion) {
        org.jooq.DSLContext dsl = dbRequired();
        Object[] key = codec.keyValues(f.values());
        int updated = db(() -> sql.updateIfVersion(dsl, key, a.values(), expectedVersion).execute(), "updating " + table + " " + f.pk());
        if (updated == 0) {
            return new WriteResult(WriteStatus.CONFLICT, -1, null, null);
        }
        DbRow row = db(() -> sql.selectByKey(dsl, key), "reading " + table + " " + f.pk()).orElseThrow(
                () -> new KvException(table + " " + f.pk() + ": the row vanished right after its update"));
        return new WriteResult(WriteStatus.OK, row.version(), null, row.values());
    }

    private WriteResult deleteInDatabase(Found f) {
        org.jooq.DSLContext dsl = dbRequired();
        Object[] key = codec.keyValues(f.values());
        return db(() -> dsl.transactionResult(cfg -> {
            org.jooq.DSLContext tx = org.jooq.impl.DSL.using(cfg);
            if (sql.deleteIfVersion(tx, key, f.version()).execute() == 0) {
                return new WriteResult(WriteStatus.CONFLICT, -1, null, null);
            }
            Tombstones.remember(tx, keys.namespace(), table, Tombstones.keyHash(f.pk()), f.version() + 1, System.currentTimeMillis());
            return new WriteResult(WriteStatus.OK, f.version() + 1, null, null);
        }), "deleting " + table + " " + f.pk() + " in the database");
    }

    // ------------------------------------------------------------------ the write script

    private CompletableFuture<List<Object>> write(String op, String pk, long expected, String createCheck, List<String> sets, List<String> clears) {
        int shard = keys.shard(table, pk);
        List<String> args = new ArrayList<>(16 + indexArgs.size() + sets.size() + clears.size());
        args.add(op);
        args.add(expected < 0 ? "" : Long.toString(expected));
        args.add(table);
        args.add(pk);
        args.add(createCheck);
        args.add(keys.indexPrefix(shard, table));
        if (op.equals("c")) {
            addFilterBits(args, pk);
        } else {
            args.add("0");
        }
        args.addAll(indexArgs);
        args.add(Integer.toString(sets.size() / 2));
        args.addAll(sets);
        args.add(Integer.toString(clears.size()));
        args.addAll(clears);
        String[] k = {keys.rowKey(shard, table, pk), keys.streamKey(shard), keys.bloomKey(shard), keys.modeKey(shard)};
        // the reply is decoded by the caller (await), not on the connection's event loop, which all callers share
        return WRITE.run(redis(), k, args.toArray(String[]::new));
    }

    private void addFilterBits(List<String> args, String pk) {
        long[] bits = keys.filterBits(table, pk, options.keyFilterBits());
        args.add(Integer.toString(bits.length));
        for (long b : bits) {
            args.add(Long.toString(b));
        }
    }

    private WriteResult writeResult(List<Object> reply, boolean decodeRow) {
        WriteReply r = WriteReply.decode(reply, decodeRow);
        return new WriteResult(r.status(), r.version(), r.mode(), r.image() == null ? null : codec.decode(r.image()).values());
    }

    private void expectOk(WriteResult r, String what, String pk) {
        if (r.status() != WriteStatus.OK) {
            throw new KvException(table + " " + pk + ": " + what + " returned unexpected status " + r.status());
        }
    }

    private WriteResult awaitWrite(CompletableFuture<List<Object>> f, String what) {
        return writeResult(Futures.awaitWrite(f, options.commandTimeout(), what), true);
    }

    /** The status and version of a write reply, without decoding the row image (creates know their values). */
    private WriteResult awaitStatus(CompletableFuture<List<Object>> f, String what) {
        return writeResult(Futures.awaitWrite(f, options.commandTimeout(), what), false);
    }

    private <T> T await(RedisFuture<T> f, String what) {
        return Futures.await(f, options.commandTimeout(), what);
    }

    private <T> T await(java.util.concurrent.CompletionStage<T> f, String what) {
        return Futures.await(f, options.commandTimeout(), what);
    }

    private <T> T db(java.util.function.Supplier<T> query, String what) {
        try {
            return query.get();
        } catch (DataAccessException e) {
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                throw new DuplicateKeyException(table + ": the database refused " + what + " as a duplicate: " + e.getMessage());
            }
            throw new KvUnavailableException("database failed while " + what + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ small types

    private record Found(String pk, Object[] values, long version, boolean inRedis) {
    }

    private record WriteResult(WriteStatus status, long version, TableMode mode, Object[] values) {
    }

    private record Assignments(List<String> sets, List<String> clears, Map<Column<?, ?>, Object> values) {
    }
}
