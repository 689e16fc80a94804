package io.kvframework.drainer;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Drained rows leave Redis when their time in the cache is up, and only if unchanged since they were drained. */
final class Evictions {
    private final KvClient kv;

    Evictions(KvClient kv) {
        this.kv = kv;
    }

    /**
     * Schedules the rows of a committed batch for eviction: a member {@code <table>:<key>:<version>}
     * in the shard's {@code expiry} sorted set, scored with the time the row's TTL (or the
     * tombstone TTL) ends; one pipelined ZADD per shard.
     */
    void schedule(SinkBatch batch) {
        long now = System.currentTimeMillis();
        Map<Integer, List<ScoredValue<String>>> byShard = new HashMap<>();
        for (ShardEvent e : batch.events()) {
            ChangeEvent ev = e.event();
            Duration ttl = ev.op() == ChangeEvent.Op.DELETE ? kv.options().tombstoneTtl()
                    : kv.repository(ev.table()).model().ttl().orElse(kv.options().defaultTtl());
            byShard.computeIfAbsent(e.shard(), k -> new ArrayList<>())
                    .add(ScoredValue.just((double) (now + ttl.toMillis()), ev.table() + ":" + ev.key() + ":" + ev.version()));
        }
        List<RedisFuture<Long>> futures = new ArrayList<>();
        for (Map.Entry<Integer, List<ScoredValue<String>>> e : byShard.entrySet()) {
            @SuppressWarnings("unchecked")
            ScoredValue<String>[] members = e.getValue().toArray(new ScoredValue[0]);
            futures.add(kv.redis().zadd(kv.keys().expiryKey(e.getKey()), members));
        }
        for (RedisFuture<Long> f : futures) {
            Futures.await(f, kv.options().commandTimeout(), "scheduling evictions");
        }
    }

    /** Evicts the rows of owned shards whose time in the cache is up, if unchanged since they were drained. */
    void sweep(Set<Integer> shards) {
        long now = System.currentTimeMillis();
        for (int shard : shards) {
            kv.admin().evictDue(shard, now, 1000);
        }
    }
}
