package io.kvframework.redis.internal;

import io.kvframework.core.Condition;
import io.kvframework.core.EntityModel;
import io.kvframework.core.Where;
import io.kvframework.core.spi.DbRow;
import io.kvframework.core.spi.EntityStore;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.internal.RowCodec.RedisRow;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The read side of the data plane (G3): rows by key from Redis or, when Redis does not know the
 * key, from the database (cached back through the hydrate script); queries from the index sets
 * merged with the database by key and version, so that rows only in Redis, moved between index
 * values or deleted and not yet drained are answered as Redis has them.
 */
final class MergedReader<E> {
    private final KvClient client;
    private final EntityModel<E> model;
    private final KvKeys keys;
    private final String table;
    private final RowCodec<E> codec;
    private final RowScripts<E> scripts;
    private final EntityStore<E> store;
    private final Counter readsFromRedis;
    private final Counter readsFromDatabase;
    private final Counter readsMissed;

    MergedReader(KvClient client, EntityModel<E> model, RowCodec<E> codec, RowScripts<E> scripts, EntityStore<E> store) {
        this.client = client;
        this.model = model;
        this.keys = client.keys();
        this.table = model.table();
        this.codec = codec;
        this.scripts = scripts;
        this.store = store;
        MeterRegistry registry = client.options().meterRegistry();
        String reads = "reads answered: by-key reads by where the row came from, queries by whether the database was asked";
        this.readsFromRedis = Counter.builder("kv.reads").description(reads).tags("table", table, "source", "redis").register(registry);
        this.readsFromDatabase = Counter.builder("kv.reads").description(reads).tags("table", table, "source", "database")
                .register(registry);
        this.readsMissed = Counter.builder("kv.reads").description(reads).tags("table", table, "source", "none").register(registry);
    }

    /** Counts an application read answered from a Redis row hash (a tombstone answers "none"). */
    void countRedisAnswer(boolean tombstone) {
        (tombstone ? readsMissed : readsFromRedis).increment();
    }

    private RedisClusterAsyncCommands<String, String> redis() {
        return client.redis();
    }

    private <T> T await(RedisFuture<T> f, String what) {
        return Futures.await(f, client.options().commandTimeout(), what);
    }

    /**
     * The live row with this key: Redis when Redis knows the key, else the database (cached back).
     * {@code count}: an application read, counted in {@code kv.reads} by where the answer came from,
     * which caches a row found in the database without waiting; the reads writers make first
     * ({@code false}) wait until the row is cached, because the write that follows needs it in Redis.
     */
    Found readByKey(String pk, Object[] key, boolean count) {
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
        if (count) {
            // an application read answers with the database's row now and caches it without waiting: a write
            // concurrent with this read may be seen or not either way, and hydrate.lua never overwrites what Redis holds
            scripts.hydrateLater(pk, db.get());
            return new Found(pk, db.get().values(), db.get().version(), false);
        }
        long held = scripts.hydrate(pk, db.get());
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

    /**
     * Rows matching {@code where}: Redis candidates, then (optionally) the database merged by key,
     * where a row Redis knows always wins. {@code count}: an application read, counted in {@code kv.reads}.
     */
    List<Found> search(Where<E> where, QueryPlan plan, boolean includeDb, boolean count) {
        if (plan.empty()) {
            return List.of();
        }
        SearchState state = new SearchState(where, plan);
        for (String stale : state.addRedis(fetch(plan.pks() != null ? plan.pks() : indexMembers(plan)))) {
            scripts.prune(stale, plan);
        }
        if (state.askDatabase(includeDb, count)) {
            Map<String, DbRow> unknown = state.unknown(store.findAll(where));
            if (!unknown.isEmpty()) {
                state.addNewer(unknown, fetch(new ArrayList<>(unknown.keySet())));
            }
        }
        return state.result();
    }

    /**
     * {@link #search} on Lettuce's asynchronous API: the Redis steps hold no thread; the database
     * query and the pruning of stale index entries run on {@code blocking}.
     */
    CompletableFuture<List<Found>> searchAsync(Where<E> where, QueryPlan plan, boolean includeDb, boolean count, Executor blocking) {
        if (plan.empty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        SearchState state = new SearchState(where, plan);
        CompletableFuture<List<String>> candidates = plan.pks() != null ? CompletableFuture.completedFuture(plan.pks())
                : indexMembersAsync(plan);
        return candidates.thenCompose(this::fetchAsync).thenCompose(rows -> {
            List<String> stale = state.addRedis(rows);
            if (!stale.isEmpty()) {
                CompletableFuture.runAsync(() -> stale.forEach(pk -> scripts.prune(pk, plan)), blocking);
            }
            if (!state.askDatabase(includeDb, count)) {
                return CompletableFuture.completedFuture(state.result());
            }
            return CompletableFuture.supplyAsync(() -> store.findAll(where), blocking).thenCompose(dbRows -> {
                Map<String, DbRow> unknown = state.unknown(dbRows);
                if (unknown.isEmpty()) {
                    return CompletableFuture.completedFuture(state.result());
                }
                return fetchAsync(new ArrayList<>(unknown.keySet())).thenApply(newer -> {
                    state.addNewer(unknown, newer);
                    return state.result();
                });
            });
        });
    }

    /** {@link #searchAny} on Lettuce's asynchronous API (see {@link #searchAsync}). */
    CompletableFuture<List<Found>> searchAnyAsync(Where<E> where, QueryPlanner<E> planner, boolean includeDb, boolean count,
            Executor blocking) {
        List<CompletableFuture<List<Found>>> parts = new ArrayList<>();
        for (Where<E> alternative : where.alternatives()) {
            parts.add(searchAsync(alternative, planner.plan(alternative), includeDb, count, blocking));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, Found> union = new LinkedHashMap<>();
            parts.forEach(part -> part.join().forEach(f -> union.merge(f.pk(), f, (x, y) -> y.version() > x.version() ? y : x)));
            return new ArrayList<>(union.values());
        });
    }

    /** What a search has found so far; the blocking and the asynchronous search take the same steps. */
    private final class SearchState {
        private final Where<E> where;
        private final QueryPlan plan;
        private final Map<String, Found> out = new LinkedHashMap<>();
        private final Set<String> known = new HashSet<>();

        SearchState(Where<E> where, QueryPlan plan) {
            this.where = where;
            this.plan = plan;
        }

        /** Takes the Redis rows of the candidates; returns the index entries whose row is gone (to prune). */
        List<String> addRedis(Map<String, RedisRow> rows) {
            List<String> stale = new ArrayList<>();
            for (Map.Entry<String, RedisRow> e : rows.entrySet()) {
                RedisRow row = e.getValue();
                if (row == null) {
                    if (plan.index() != null) {
                        stale.add(e.getKey());
                    }
                    continue;
                }
                known.add(e.getKey());
                if (!row.tombstone() && matches(where, row.values())) {
                    out.put(e.getKey(), new Found(e.getKey(), row.values(), row.version(), true));
                }
            }
            return stale;
        }

        /** Whether the database must be asked too (not every key of the plan is known to Redis); counts the read. */
        boolean askDatabase(boolean includeDb, boolean count) {
            boolean allKeysKnown = plan.pks() != null && known.size() == plan.pks().size();
            boolean ask = includeDb && store != null && !allKeysKnown;
            if (count) {
                (ask ? readsFromDatabase : readsFromRedis).increment();
            }
            return ask;
        }

        /** The database rows whose key Redis was not asked about. */
        Map<String, DbRow> unknown(List<DbRow> dbRows) {
            Map<String, DbRow> unknown = new LinkedHashMap<>();
            for (DbRow db : dbRows) {
                String pk = KvKeys.primaryKey(model, db.values());
                if (!known.contains(pk)) {
                    unknown.put(pk, db);
                }
            }
            return unknown;
        }

        /** Merges database rows with what Redis holds of their keys now: Redis wins when it knows the key. */
        void addNewer(Map<String, DbRow> unknown, Map<String, RedisRow> newer) {
            for (Map.Entry<String, DbRow> e : unknown.entrySet()) {
                RedisRow row = newer.get(e.getKey());
                if (row == null) {
                    out.put(e.getKey(), new Found(e.getKey(), e.getValue().values(), e.getValue().version(), false));
                } else if (!row.tombstone() && matches(where, row.values())) {
                    out.put(e.getKey(), new Found(e.getKey(), row.values(), row.version(), true));
                }
            }
        }

        List<Found> result() {
            return new ArrayList<>(out.values());
        }
    }

    /** Whether column values (by model position) satisfy every condition of {@code where}. */
    static <E> boolean matches(Where<E> where, Object[] values) {
        return where.test(values);
    }

    /**
     * {@link #search} of a where-clause that may be an OR: the union of its conjunctions' rows, each
     * row once (at the highest version seen, should a writer have moved it between two searches).
     */
    List<Found> searchAny(Where<E> where, QueryPlanner<E> planner, boolean includeDb, boolean count) {
        if (where == null || !where.isDisjunction()) {
            return search(where, planner.plan(where), includeDb, count);
        }
        Map<String, Found> union = new LinkedHashMap<>();
        for (Where<E> alternative : where.alternatives()) {
            for (Found f : search(alternative, planner.plan(alternative), includeDb, count)) {
                union.merge(f.pk(), f, (a, b) -> b.version() > a.version() ? b : a);
            }
        }
        return new ArrayList<>(union.values());
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

    /** {@link #fetch} on Lettuce's asynchronous API. */
    private CompletableFuture<Map<String, RedisRow>> fetchAsync(List<String> pks) {
        List<CompletableFuture<Map<String, String>>> futures = new ArrayList<>(pks.size());
        for (String pk : pks) {
            futures.add(redis().hgetall(keys.rowKey(keys.shard(table, pk), table, pk)).toCompletableFuture());
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((done, error) -> {
            if (error != null) {
                throw Futures.failure(error, "reading " + table, false);
            }
            Map<String, RedisRow> out = new LinkedHashMap<>();
            for (int i = 0; i < pks.size(); i++) {
                Map<String, String> hash = futures.get(i).join();
                out.put(pks.get(i), hash.isEmpty() ? null : codec.decode(hash));
            }
            return out;
        });
    }

    /** {@link #indexMembers} on Lettuce's asynchronous API. */
    private CompletableFuture<List<String>> indexMembersAsync(QueryPlan plan) {
        List<CompletableFuture<Set<String>>> futures = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (int s = 0; s < keys.shards(); s++) {
            List<String> shardKeys = new ArrayList<>();
            for (String tuple : plan.tuples()) {
                shardKeys.add(keys.indexKey(s, table, plan.index().name(), tuple));
            }
            if (client.isCluster()) {
                futures.add(redis().sunion(shardKeys.toArray(String[]::new)).toCompletableFuture());
            } else {
                all.addAll(shardKeys);
            }
        }
        if (!client.isCluster()) {
            futures.add(redis().sunion(all.toArray(String[]::new)).toCompletableFuture());
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((done, error) -> {
            if (error != null) {
                throw Futures.failure(error, "reading index " + plan.index().name() + " of " + table, false);
            }
            Set<String> members = new LinkedHashSet<>();
            futures.forEach(f -> members.addAll(f.join()));
            return new ArrayList<>(members);
        });
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
}
