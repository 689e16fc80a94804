package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.Where;
import io.kvframework.core.spi.DbRow;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.support.Futures;
import io.kvframework.redis.support.Script;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Unique index values, claimed in Redis before the row is written ({@code claim.lua} on
 * {@code {ns:u}:u:<table>:<index>:<values>}): a claim held by another row is a duplicate, unless
 * it is older than {@link #CLAIM_GRACE_MILLIS} and that row no longer shows the value (a writer
 * that died after claiming), then it is taken over. A value the claim's key filter may have seen
 * is also looked up in the database, where rows that left Redis keep it.
 */
final class UniqueClaims<E> {
    static final Script CLAIM = Script.loadRowScript("claim");
    /** How long a claim whose owner row does not show the value is still respected (its writer may be mid-write). */
    static final long CLAIM_GRACE_MILLIS = 10_000;

    private final KvClient client;
    private final EntityModel<E> model;
    private final KvKeys keys;
    private final KvOptions options;
    private final String table;
    private final List<IndexDefinition> uniques;
    private final Function<String, Object[]> currentValues;
    private final Function<Where<E>, List<DbRow>> database;

    /**
     * @param currentValues the values a row has now (Redis, else the database), by encoded primary key; null when there is no such row
     * @param database the database rows matching a where-clause; null without a database
     */
    UniqueClaims(KvClient client, EntityModel<E> model, Function<String, Object[]> currentValues, Function<Where<E>, List<DbRow>> database) {
        this.client = client;
        this.model = model;
        this.keys = client.keys();
        this.options = client.options();
        this.table = model.table();
        this.uniques = model.indexes().stream().filter(IndexDefinition::unique).toList();
        this.currentValues = currentValues;
        this.database = database;
    }

    private RedisClusterAsyncCommands<String, String> redis() {
        return client.redis();
    }

    private <T> T await(java.util.concurrent.CompletionStage<T> f, String what) {
        return Futures.await(f, options.commandTimeout(), what);
    }

    /** Claims the unique values of {@code values} that {@code before} did not hold; returns the claim keys newly taken. */
    List<String> claim(String pk, Object[] values, Object[] before) {
        List<String> acquired = new ArrayList<>();
        if (uniques.isEmpty()) {
            return acquired;
        }
        try {
            for (IndexDefinition index : uniques) {
                if (hasNull(index, values)) {
                    continue;
                }
                String enc = KvKeys.indexValues(index, values);
                if (before != null && !hasNull(index, before) && enc.equals(KvKeys.indexValues(index, before))) {
                    continue;
                }
                claim(pk, index, enc, values, acquired);
            }
            return acquired;
        } catch (RuntimeException e) {
            release(acquired, pk);
            throw e;
        }
    }

    private void claim(String pk, IndexDefinition index, String enc, Object[] values, List<String> acquired) {
        String claimKey = keys.uniqueKey(table, index.name(), enc);
        int shard = keys.uniqueShard(table, index.name(), enc);
        String[] k = {claimKey, keys.filterKey(shard), keys.bloomKey(shard)};
        List<String> args = new ArrayList<>(List.of(pk, "claim", ""));
        long[] h = keys.filterHash(table + ":" + index.name(), enc);
        args.add(Long.toString(h[0]));
        args.add(Long.toString(h[1]));
        args.add(Integer.toString(options.keyFilterBits()));
        args.add(Integer.toString(options.keyFilterInitialBits()));
        String mode = "claim";
        String previous = "";
        for (int attempt = 0; attempt < 8; attempt++) {
            args.set(1, mode);
            args.set(2, previous);
            List<Object> r = await(CLAIM.run(redis(), k, args.toArray(String[]::new)), "claiming " + index.name() + " of " + table);
            String status = (String) r.get(0);
            if (status.equals("own")) {
                return;
            }
            if (status.equals("new")) {
                acquired.add(claimKey);
                boolean seen = r.size() > 1 || options.createCheck() == KvOptions.CreateCheck.DATABASE;
                if (seen && database != null) {
                    checkUniqueInDatabase(pk, index, enc, values);
                }
                return;
            }
            String owner = (String) r.get(1);
            long age = (Long) r.get(2);
            if (age < CLAIM_GRACE_MILLIS || ownerHolds(owner, index, enc)) {
                throw duplicate(index, values);
            }
            mode = "takeover";
            previous = owner;
        }
        throw new io.kvframework.core.ConcurrentWriteException(table + ": could not claim " + index.name() + " after repeated races");
    }

    private void checkUniqueInDatabase(String pk, IndexDefinition index, String enc, Object[] values) {
        Where<E> where = null;
        for (Column<?, ?> c : index.columns()) {
            @SuppressWarnings("unchecked")
            Column<E, Object> col = (Column<E, Object>) c;
            Where<E> w = col.eq(values[c.position()]);
            where = where == null ? w : where.and(w);
        }
        for (DbRow db : database.apply(where)) {
            String other = KvKeys.primaryKey(model, db.values());
            if (!other.equals(pk) && ownerHolds(other, index, enc)) {
                throw duplicate(index, values);
            }
        }
    }

    /** Whether the row {@code owner} currently has {@code enc} as its value of {@code index}. */
    private boolean ownerHolds(String owner, IndexDefinition index, String enc) {
        Object[] current = currentValues.apply(owner);
        return current != null && !hasNull(index, current) && KvKeys.indexValues(index, current).equals(enc);
    }

    DuplicateKeyException duplicate(IndexDefinition index, Object[] values) {
        List<String> parts = new ArrayList<>();
        for (Column<?, ?> c : index.columns()) {
            parts.add(c.name() + "=" + values[c.position()]);
        }
        return new DuplicateKeyException(table + ": unique index " + index.name() + " already has " + String.join(", ", parts));
    }

    /** Releases the claims of {@code before}'s unique values that {@code after} (null: none) no longer holds. */
    void releaseStale(String pk, Object[] before, Object[] after) {
        List<String> stale = new ArrayList<>();
        for (IndexDefinition index : uniques) {
            if (hasNull(index, before)) {
                continue;
            }
            String enc = KvKeys.indexValues(index, before);
            if (after != null && !hasNull(index, after) && enc.equals(KvKeys.indexValues(index, after))) {
                continue;
            }
            stale.add(keys.uniqueKey(table, index.name(), enc));
        }
        release(stale, pk);
    }

    void release(List<String> claimKeys, String pk) {
        for (String claimKey : claimKeys) {
            try {
                await(CLAIM.run(redis(), new String[] {claimKey, claimKey}, pk, "release", ""), "releasing a unique claim of " + table);
            } catch (RuntimeException e) {
                // a claim left behind is taken over once its owner row no longer shows the value
            }
        }
    }

    static boolean hasNull(IndexDefinition index, Object[] values) {
        for (Column<?, ?> c : index.columns()) {
            if (values[c.position()] == null) {
                return true;
            }
        }
        return false;
    }
}
