package io.kvframework.redis.internal;

import io.kvframework.redis.KvAdmin;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.TableMode;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link KvAdmin} over the client's connection and repositories. */
public final class RedisKvAdmin implements KvAdmin {
    private static final Logger LOG = LoggerFactory.getLogger("kv-redis");

    private final KvClient client;
    private final KvKeys keys;
    private final Duration timeout;

    public RedisKvAdmin(KvClient client) {
        this.client = client;
        this.keys = client.keys();
        this.timeout = client.options().commandTimeout();
    }

    private RedisKvRepository<?> repository(String table) {
        return (RedisKvRepository<?>) client.repository(table);
    }

    @Override
    public long evict(String table, String pk, long version, String scheduleMember) {
        return repository(table).evict(pk, version, scheduleMember);
    }

    @Override
    public int evictAll(String table) {
        RedisKvRepository<?> repo = repository(table);
        int evicted = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = Futures.await(client.redis().scan(cursor, ScanArgs.Builder.matches(keys.rowKeyPattern(table))
                    .limit(1000)), timeout, "scanning " + table);
            for (String key : page.getKeys()) {
                if (repo.evict(keys.primaryKeyOfRowKey(table, key), -1, null) == 1) {
                    evicted++;
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        return evicted;
    }

    @Override
    public int evictDue(int shard, long nowMillis, int limit) {
        List<String> due = Futures.await(client.redis().zrangebyscore(keys.expiryKey(shard),
                Range.create(Double.NEGATIVE_INFINITY, (double) nowMillis), Limit.create(0, limit)), timeout, "reading due evictions");
        // every due eviction is sent at once (one script call each, pipelined), then the replies are looked at: one round
        // trip per row would cap the sweep below the rate a drainer evicts at under a steady write load
        List<CompletableFuture<List<Object>>> sent = new ArrayList<>(due.size());
        for (String member : due) {
            sent.add(sendEviction(member));
        }
        int evicted = 0;
        for (int i = 0; i < due.size(); i++) {
            String member = due.get(i);
            try {
                if ((Long) Futures.await(sent.get(i), timeout, "evicting " + member).get(0) == 1) {
                    evicted++;
                }
            } catch (RuntimeException e) {
                Futures.await(client.redis().zrem(keys.expiryKey(shard), member), timeout, "dropping an eviction");
                LOG.warn("kv-redis: dropped eviction {}: {}", member, e.toString());
            }
        }
        return evicted;
    }

    /** Sends the eviction a schedule member names ({@code <table>:<pk>:<version>}; the table and the version hold no ':'). */
    private CompletableFuture<List<Object>> sendEviction(String member) {
        try {
            int first = member.indexOf(':');
            int last = member.lastIndexOf(':');
            return repository(member.substring(0, first)).evictAsync(member.substring(first + 1, last), Long.parseLong(member.substring(last + 1)),
                    member);
        } catch (RuntimeException unreadable) {
            return CompletableFuture.failedFuture(unreadable);
        }
    }

    @Override
    public TableMode mode(String table) {
        return TableMode.fromWire(Futures.await(client.redis().hget(keys.modeKey(0), table), timeout, "reading the mode of " + table));
    }

    @Override
    public void setMode(String table, TableMode mode) {
        List<RedisFuture<?>> futures = new ArrayList<>();
        for (int s = 0; s < keys.shards(); s++) {
            futures.add(mode.wire() == null ? client.redis().hdel(keys.modeKey(s), table) : client.redis().hset(keys.modeKey(s), table,
                    mode.wire()));
        }
        for (RedisFuture<?> f : futures) {
            Futures.await(f, timeout, "setting the mode of " + table);
        }
    }
}
