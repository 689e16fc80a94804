package io.kvframework.redis.internal;

import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.KvException;
import io.kvframework.core.KvUnavailableException;
import io.kvframework.core.spi.DbRow;
import io.kvframework.core.support.KeyEncoding;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.TableMode;
import io.kvframework.redis.support.Futures;
import io.kvframework.redis.support.Script;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The row scripts of one table, typed: their keys and arguments built in one place
 * ({@code write.lua}, {@code hydrate.lua}, {@code evict.lua}, and the index-entry prune), their
 * replies decoded into {@link WriteResult}s. Each runs on the keys of one shard's hash tag.
 */
final class RowScripts<E> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("kv-redis");
    static final Script WRITE = Script.loadRowScript("write");
    static final Script HYDRATE = Script.loadRowScript("hydrate");
    static final Script EVICT = Script.loadRowScript("evict");
    private static final String PRUNE = "if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('SREM', KEYS[2], ARGV[1]) end return 0";

    /** The operation of a write. */
    enum RowOp {
        CREATE("c"), UPDATE("u"), DELETE("d"),
        /** The whole row: an update when it is live, else a create. */
        SAVE("s");

        private final String wire;

        RowOp(String wire) {
            this.wire = wire;
        }

        String wire() {
            return wire;
        }
    }

    /** Whether a create asks the database if the key exists (rows that left Redis are only there). */
    enum ExistenceCheck {
        /** Only when the shard's key filter may contain the key. */
        IF_FILTER_MAY_HOLD("b"),
        /** Always (KvOptions.CreateCheck.DATABASE, or a table that was in database mode). */
        ALWAYS("d"),
        /** Never: there is no database, or the caller has just asked it. */
        NONE("n");

        private final String wire;

        ExistenceCheck(String wire) {
            this.wire = wire;
        }

        String wire() {
            return wire;
        }
    }

    private final KvClient client;
    private final KvKeys keys;
    private final KvOptions options;
    private final String table;
    private final RowCodec<E> codec;
    private final Duration ttl;
    /** The index specs every script takes: count, then per index its name, column count and columns. */
    private final List<String> indexArgs;
    /** Each index's name and column names, made once (a create and a database read compute index keys from them). */
    private final String[] indexNames;
    private final String[][] indexColumns;
    /** Per shard, made once: the index key prefix of this table, and the keys write.lua and hydrate.lua take after the row's. */
    private final String[] indexPrefixes;
    private final String[][] writeKeys;
    private final String[][] hydrateKeys;
    /** The key filter's size arguments, the same on every call. */
    private final String oldFilterBits;
    private final String firstLayerBits;

    RowScripts(KvClient client, EntityModel<E> model, RowCodec<E> codec, Duration ttl) {
        this.client = client;
        this.keys = client.keys();
        this.options = client.options();
        this.table = model.table();
        this.codec = codec;
        this.ttl = ttl;
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(model.indexes().size()));
        for (IndexDefinition index : model.indexes()) {
            args.add(index.name());
            args.add(Integer.toString(index.columns().size()));
            args.addAll(index.columnNames());
        }
        this.indexArgs = List.copyOf(args);
        List<IndexDefinition> indexes = model.indexes();
        this.indexNames = new String[indexes.size()];
        this.indexColumns = new String[indexes.size()][];
        for (int i = 0; i < indexes.size(); i++) {
            indexNames[i] = indexes.get(i).name();
            indexColumns[i] = indexes.get(i).columnNames().toArray(String[]::new);
        }
        int shards = keys.shards();
        this.indexPrefixes = new String[shards];
        this.writeKeys = new String[shards][];
        this.hydrateKeys = new String[shards][];
        for (int s = 0; s < shards; s++) {
            indexPrefixes[s] = keys.indexPrefix(s, table);
            writeKeys[s] = new String[] {null, keys.streamKey(s), keys.filterKey(s), keys.modeKey(s), keys.bloomKey(s)};
            hydrateKeys[s] = new String[] {null, keys.expiryKey(s), keys.filterKey(s), keys.modeKey(s), keys.bloomKey(s)};
        }
        this.oldFilterBits = Integer.toString(options.keyFilterBits());
        this.firstLayerBits = Integer.toString(options.keyFilterInitialBits());
    }

    /** The keys of a script call on {@code pk}'s row: the row key, then the shard's keys from {@code perShard}. */
    private String[] keysOf(String[][] perShard, int shard, String pk) {
        String[] k = perShard[shard].clone();
        k[0] = keys.rowKey(shard, table, pk);
        return k;
    }

    private RedisClusterAsyncCommands<String, String> redis() {
        return client.redis();
    }

    private <T> T await(RedisFuture<T> f, String what) {
        return Futures.await(f, options.commandTimeout(), what);
    }

    private <T> T await(java.util.concurrent.CompletionStage<T> f, String what) {
        return Futures.await(f, options.commandTimeout(), what);
    }

    /**
     * One row write: {@code write.lua} with the row, its shard's stream, key filter and mode hash.
     * The reply is decoded by the caller (awaitWrite, awaitStatus), not on the connection's event loop.
     */
    CompletableFuture<List<Object>> write(RowOp op, String pk, long expected, ExistenceCheck check, List<String> sets, List<String> clears) {
        int shard = keys.shard(table, pk);
        List<String> args = new ArrayList<>(16 + indexArgs.size() + sets.size() + clears.size());
        args.add(op.wire());
        args.add(expected < 0 ? "" : Long.toString(expected));
        args.add(table);
        args.add(pk);
        args.add(check.wire());
        args.add(indexPrefixes[shard]);
        if (op == RowOp.CREATE || op == RowOp.SAVE) {
            addFilter(args, pk);
        } else {
            args.add("0");
        }
        // a create's index keys come from the fields it sends (below), so it sends no index specs
        if (op == RowOp.CREATE) {
            args.add("0");
        } else {
            args.addAll(indexArgs);
        }
        args.add(Integer.toString(sets.size() / 2));
        args.addAll(sets);
        args.add(Integer.toString(clears.size()));
        args.addAll(clears);
        // a create's event row is the fields the client sends: no HGETALL and JSON encoding in the script
        args.add(op == RowOp.CREATE ? RowCodec.json(sets) : "");
        if (op == RowOp.CREATE) {
            addIndexKeys(args, shard, sets);
        }
        return WRITE.run(redis(), keysOf(writeKeys, shard, pk), args.toArray(String[]::new));
    }

    /**
     * The counted index keys of a new row whose hash holds exactly {@code sets} (field/value pairs):
     * what write.lua would compute with HMGET after writing them.
     */
    private void addIndexKeys(List<String> args, int shard, List<String> sets) {
        args.add(Integer.toString(indexNames.length));
        String prefix = indexPrefixes[shard];
        for (int i = 0; i < indexNames.length; i++) {
            StringBuilder key = new StringBuilder(prefix).append(indexNames[i]).append(':');
            String[] names = indexColumns[i];
            for (int c = 0; c < names.length; c++) {
                if (c > 0) {
                    key.append(':');
                }
                String value = valueOf(sets, names[c]);
                key.append(value == null ? KeyEncoding.NULL : KeyEncoding.encode(value));
            }
            args.add(key.toString());
        }
    }

    private static String valueOf(List<String> pairs, String field) {
        for (int i = 0; i < pairs.size(); i += 2) {
            if (pairs.get(i).equals(field)) {
                return pairs.get(i + 1);
            }
        }
        return null;
    }

    /** The key's filter hashes, the old fixed filter's size and the first layer's size, counted (see kv_filter in common.lua). */
    private void addFilter(List<String> args, String pk) {
        long[] h = keys.filterHash(table, pk);
        args.add("4");
        args.add(Long.toString(h[0]));
        args.add(Long.toString(h[1]));
        args.add(oldFilterBits);
        args.add(firstLayerBits);
    }

    /** A reply of write.lua decoded (the row image only when {@code decodeRow}). */
    WriteResult writeResult(List<Object> reply, boolean decodeRow) {
        WriteReply r = WriteReply.decode(reply, decodeRow);
        return new WriteResult(r.status(), r.version(), r.mode(), r.image() == null ? null : codec.decode(r.image()).values());
    }

    void expectOk(WriteResult r, String what, String pk) {
        if (r.status() != WriteStatus.OK) {
            throw new KvException(table + " " + pk + ": " + what + " returned unexpected status " + r.status());
        }
    }

    WriteResult awaitWrite(CompletableFuture<List<Object>> f, String what) {
        return writeResult(Futures.awaitWrite(f, options.commandTimeout(), what), true);
    }

    /** The status and version of a write reply, without decoding the row image (creates know their values). */
    WriteResult awaitStatus(CompletableFuture<List<Object>> f, String what) {
        return writeResult(Futures.awaitWrite(f, options.commandTimeout(), what), false);
    }

    /** Removes {@code pk} from the index entries of {@code plan} where its row is gone from Redis (a stale entry). */
    void prune(String pk, QueryPlan plan) {
        int shard = keys.shard(table, pk);
        for (String tuple : plan.tuples()) {
            String[] k = {keys.rowKey(shard, table, pk), keys.indexKey(shard, table, plan.index().name(), tuple)};
            await(redis().<Long>eval(PRUNE, ScriptOutputType.INTEGER, k, pk), "removing a stale index entry of " + table);
        }
    }

    /**
     * Caches a row read from the database ({@code hydrate.lua}), scheduled for eviction after the TTL,
     * unless Redis holds the key already or the table is not in KV mode. Returns the version Redis
     * holds afterwards (-1 when the table is not in KV mode).
     */
    long hydrate(String pk, DbRow row) {
        List<Object> reply = await(hydrateAsync(pk, row), "caching " + table + " " + pk);
        return (Long) reply.get(0);
    }

    /**
     * Sends {@link #hydrate} and returns without waiting for Redis: the read that found the row in
     * the database answers at once. The script is queued on the row's shard connection ahead of any
     * later command of this client, so later reads normally find the row cached; a write never
     * depends on it (writes cache rows themselves, and hydrate.lua never overwrites a row Redis
     * holds). A failed caching is logged (the next read caches the row again).
     */
    void hydrateLater(String pk, DbRow row) {
        hydrateAsync(pk, row).whenComplete((reply, error) -> {
            if (error != null) {
                LOG.warn("kv-redis: caching {} {} after a database read failed: {} (the next read tries again)", table, pk, error.toString());
            }
        });
    }

    private CompletableFuture<List<Object>> hydrateAsync(String pk, DbRow row) {
        int shard = keys.shard(table, pk);
        List<String> args = new ArrayList<>();
        args.add(table);
        args.add(pk);
        args.add(Long.toString(row.version()));
        args.add(Long.toString(System.currentTimeMillis() + ttl.toMillis()));
        addFilter(args, pk);
        List<String> fields = codec.fieldPairs(row.values());
        // the new hash holds exactly these fields: its index keys are computed here, as for a create
        addIndexKeys(args, shard, fields);
        args.add(Integer.toString(fields.size() / 2));
        args.addAll(fields);
        return HYDRATE.run(redis(), keysOf(hydrateKeys, shard, pk), args.toArray(String[]::new));
    }

    /**
     * Removes a cached row and its index entries from Redis if its version is still {@code version}
     * (any version when negative), and removes {@code scheduleMember} from the shard's expiry
     * schedule. Returns 1 when evicted, 0 when absent, -1 when the row has changed since.
     */
    long evict(String pk, long version, String scheduleMember) {
        return (Long) await(evictAsync(pk, version, scheduleMember), "evicting " + table + " " + pk).get(0);
    }

    /** {@link #evict} sent without waiting: the reply's first element is its result. */
    CompletableFuture<List<Object>> evictAsync(String pk, long version, String scheduleMember) {
        int shard = keys.shard(table, pk);
        List<String> args = new ArrayList<>();
        args.add(pk);
        args.add(version < 0 ? "" : Long.toString(version));
        args.add(scheduleMember == null ? "" : scheduleMember);
        args.add(indexPrefixes[shard]);
        args.addAll(indexArgs);
        String[] k = {keys.rowKey(shard, table, pk), keys.expiryKey(shard)};
        return EVICT.run(redis(), k, args.toArray(String[]::new));
    }

    /** Waits while the table switches between KV and database mode (writes are held back meanwhile). */
    void waitWhileSwitching(String pk) {
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
}
