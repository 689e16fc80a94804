package io.kvframework.drainer;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Drained rows leave Redis when their time in the cache is up, and only if unchanged since they were drained. */
final class Evictions {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("kv-drainer.evictions");

    /** A ZADD sent and not yet seen answered. */
    private record Sent(int shard, ScoredValue<String>[] members, RedisFuture<Long> reply) {
    }

    private final KvClient kv;
    private final Deque<Sent> sent = new ArrayDeque<>();

    Evictions(KvClient kv) {
        this.kv = kv;
    }

    /**
     * Schedules the rows of a committed batch for eviction: a member {@code <table>:<key>:<version>}
     * in the shard's {@code expiry} sorted set, scored with the time the row's TTL (or the
     * tombstone TTL) ends; one pipelined ZADD per shard, not waited for (the engine goes on to its
     * next batch). Replies are looked at by the next call and by the sweep; a schedule Redis
     * refused is sent again then (until then its rows only stay cached longer).
     */
    synchronized void schedule(SinkBatch batch) {
        long now = System.currentTimeMillis();
        Map<Integer, List<ScoredValue<String>>> byShard = new HashMap<>();
        Map<String, Duration> ttls = new HashMap<>();
        for (ShardEvent e : batch.events()) {
            ChangeEvent ev = e.event();
            Duration ttl = ev.op() == ChangeEvent.Op.DELETE ? kv.options().tombstoneTtl()
                    : ttls.computeIfAbsent(ev.table(), t -> kv.repository(t).model().ttl().orElse(kv.options().defaultTtl()));
            byShard.computeIfAbsent(e.shard(), k -> new ArrayList<>())
                    .add(ScoredValue.just((double) (now + ttl.toMillis()), ev.table() + ":" + ev.key() + ":" + ev.version()));
        }
        checkSent(false);
        for (Map.Entry<Integer, List<ScoredValue<String>>> e : byShard.entrySet()) {
            @SuppressWarnings("unchecked")
            ScoredValue<String>[] members = e.getValue().toArray(new ScoredValue[0]);
            send(e.getKey(), members);
        }
    }

    private void send(int shard, ScoredValue<String>[] members) {
        sent.addLast(new Sent(shard, members, kv.redis().zadd(kv.keys().expiryKey(shard), members)));
    }

    /**
     * Looks at the answered schedules (with {@code all}, waits for every one): one that failed is
     * sent again, once per call.
     */
    synchronized void checkSent(boolean all) {
        List<Sent> failed = new ArrayList<>();
        while (!sent.isEmpty() && (all || sent.peekFirst().reply().isDone())) {
            Sent s = sent.pollFirst();
            try {
                Futures.await(s.reply(), kv.options().commandTimeout(), "scheduling evictions");
            } catch (RuntimeException e) {
                LOG.warn("kv-drainer: scheduling the eviction of {} rows of shard {} failed ({}); sending it again", s.members().length,
                        s.shard(), e.toString());
                failed.add(s);
            }
        }
        for (Sent s : failed) {
            send(s.shard(), s.members());
        }
    }

    /** Evicts the rows of owned shards whose time in the cache is up, if unchanged since they were drained. */
    void sweep(Set<Integer> shards) {
        checkSent(false);
        long now = System.currentTimeMillis();
        for (int shard : shards) {
            kv.admin().evictDue(shard, now, 1000);
        }
    }
}
