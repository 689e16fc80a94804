package io.kvframework.stream;

import io.kvframework.core.KvException;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the owned shards — in one XREADGROUP on standalone Redis, one pipelined XREADGROUP per shard
 * on Redis Cluster — a shard's own pending entries first after taking it or after a failure, then
 * new ones; and acknowledges what the sink committed.
 *
 * <p>Three things keep the engine from waiting on Redis. {@link #readAhead()} sends the next read
 * while the batch just read is written, and the next {@link #read(Duration)} takes its reply; it is
 * sent only when no shard must read its pending entries first, and the entries it delivered for a
 * shard that failed, or was lost or taken again, since are left out: they stay pending and are
 * read with that shard's pending entries (or claimed by its next owner). On standalone Redis reads
 * go over a connection of the reader's own, where a read after an empty one waits in Redis for new
 * entries. Acknowledgements ({@link #ackAll}) are sent without waiting; their replies are looked at
 * by later reads and waited for by {@link #awaitAcks()}. An entry delivered to this instance and
 * not processed stays pending in Redis, whoever owns its shard next (see {@link ShardLeasing},
 * {@link EngineMaintenance}).
 */
final class ShardReader {
    /** Acknowledgements sent and not yet seen answered before a read waits for the oldest. */
    static final int MAX_UNANSWERED_ACKS = 64;

    /** One stream entry read from a shard. */
    record Entry(int shard, String id, Map<String, String> fields) {
    }

    /** A read sent: the shards asked (with their state then) and the replies to come. */
    private record Sent(Map<Integer, ShardLeasing.ShardState> asked, RedisFuture<List<StreamMessage<String, String>>> atOnce,
            Map<Integer, RedisFuture<List<StreamMessage<String, String>>>> each) {
    }

    private final EngineContext cx;
    private final ShardLeasing leasing;
    private final Map<Integer, ShardLeasing.ShardState> owned;
    private final Deque<RedisFuture<Long>> acks = new ArrayDeque<>();
    private Sent ahead;
    /** The connection reads go over when this reader has one of its own (standalone Redis): reads may block on it. */
    private StatefulRedisConnection<String, String> dedicated;
    private boolean dedicatedTried;
    private boolean lastReadWaited;

    ShardReader(EngineContext cx, ShardLeasing leasing) {
        this.cx = cx;
        this.leasing = leasing;
        this.owned = leasing.owned();
    }

    /**
     * The next entries of the owned shards, up to about the batch size in all: the reply of the read
     * sent ahead if there is one. With {@code wait} (after a read found nothing), when this reader
     * has a connection of its own and every owned shard reads new entries, Redis holds the read up
     * to {@code wait} until an entry arrives ({@code XREADGROUP … BLOCK}) instead of the engine polling.
     */
    List<Entry> read(Duration wait) {
        checkAcks(MAX_UNANSWERED_ACKS);
        lastReadWaited = false;
        Sent sent = ahead;
        ahead = null;
        if (sent == null) {
            if (owned.isEmpty()) {
                return List.of();
            }
            // the shards read now: the lease thread may add shards meanwhile, whose pending entries are not read yet
            Map<Integer, ShardLeasing.ShardState> asked = new LinkedHashMap<>(owned);
            Duration block = wait != null && ownConnection() && readsNew(asked) ? wait : null;
            lastReadWaited = block != null;
            return entries(asked, collect(send(asked, block)));
        }
        Map<Integer, List<StreamMessage<String, String>>> replies = collect(sent);
        // a shard that since failed (it reads its pending entries again), was lost or was taken again leaves out what this
        // read delivered: those entries stay pending for this consumer and are read with the shard's pending ones or claimed
        replies.keySet().removeIf(shard -> {
            ShardLeasing.ShardState now = owned.get(shard);
            return now != sent.asked().get(shard) || now.readPending;
        });
        return entries(sent.asked(), replies);
    }

    /** Whether the last {@link #read(Duration)} waited in Redis for new entries (then the engine need not sleep before the next). */
    boolean lastReadWaited() {
        return lastReadWaited;
    }

    private static boolean readsNew(Map<Integer, ShardLeasing.ShardState> shards) {
        for (ShardLeasing.ShardState state : shards.values()) {
            if (state.readPending) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where reads go: this reader's own connection on standalone Redis (opened on first use; a read
     * that waits there holds up nobody else's commands), else the shared one.
     */
    private RedisClusterAsyncCommands<String, String> reads() {
        return ownConnection() ? dedicated.async() : cx.redis();
    }

    /** Whether reads go over a connection of this reader's own (opened on the first call). */
    private boolean ownConnection() {
        if (!dedicatedTried) {
            dedicatedTried = true;
            try {
                dedicated = cx.kv().newDedicatedConnection().orElse(null);
            } catch (RuntimeException e) {
                cx.log().warn("kv-engine[{}]: no connection of its own for reads ({}); polling on the shared one", cx.group(), e.toString());
            }
        }
        return dedicated != null;
    }

    /** Closes the reader's own connection, if it opened one. */
    void close() {
        if (dedicated != null) {
            dedicated.close();
        }
    }

    /**
     * Sends the next read of new entries now, while the entries just read are written; the next
     * {@link #read(Duration)} takes its reply. Only when every owned shard is past its pending entries (a
     * read of pending entries sent early would return those being written).
     */
    void readAhead() {
        if (ahead != null || owned.isEmpty()) {
            return;
        }
        if (readsNew(owned)) {
            ahead = send(new LinkedHashMap<>(owned), null);
        }
    }

    private Sent send(Map<Integer, ShardLeasing.ShardState> asked, Duration block) {
        if (!cx.kv().isCluster() && (asked.size() > 1 || block != null)) {
            // every shard in one XREADGROUP (standalone Redis only: the shards' streams live in different
            // cluster slots): one command and one reply instead of one per shard
            List<XReadArgs.StreamOffset<String>> offsets = new ArrayList<>();
            asked.forEach((shard, state) -> offsets.add(offset(cx.keys().streamKey(shard), state)));
            @SuppressWarnings("unchecked")
            XReadArgs.StreamOffset<String>[] streams = offsets.toArray(new XReadArgs.StreamOffset[0]);
            XReadArgs args = block == null ? XReadArgs.Builder.count(perShard(asked)) : XReadArgs.Builder.count(perShard(asked)).block(block);
            return new Sent(asked, reads().xreadgroup(me(), args, streams), null);
        }
        return sendEach(asked);
    }

    /** One pipelined XREADGROUP per shard (Redis Cluster, a single shard, or after the one-command read met a missing group). */
    private Sent sendEach(Map<Integer, ShardLeasing.ShardState> asked) {
        RedisClusterAsyncCommands<String, String> redis = reads();
        Map<Integer, RedisFuture<List<StreamMessage<String, String>>>> futures = new LinkedHashMap<>();
        asked.forEach((shard, state) -> futures.put(shard, redis.xreadgroup(me(), XReadArgs.Builder.count(perShard(asked)),
                offset(cx.keys().streamKey(shard), state))));
        return new Sent(asked, null, futures);
    }

    private int perShard(Map<Integer, ShardLeasing.ShardState> asked) {
        return Math.max(16, cx.options().batchSize() / asked.size());
    }

    private Consumer<String> me() {
        return Consumer.from(cx.group(), cx.me());
    }

    private static XReadArgs.StreamOffset<String> offset(String stream, ShardLeasing.ShardState state) {
        return state.readPending ? XReadArgs.StreamOffset.from(stream, "0") : XReadArgs.StreamOffset.lastConsumed(stream);
    }

    /**
     * The replies of a read by shard. A shard whose group is gone (Redis lost its data) gets it again
     * and is left out; when the one-command read meets a missing group, every shard is read again
     * one by one.
     */
    private Map<Integer, List<StreamMessage<String, String>>> collect(Sent sent) {
        if (sent.atOnce() != null) {
            List<StreamMessage<String, String>> messages;
            try {
                messages = cx.await(sent.atOnce(), "reading " + sent.asked().size() + " shards");
            } catch (KvException e) {
                if (!ShardLeasing.noGroup(e)) {
                    throw e;
                }
                return collect(sendEach(sent.asked()));
            }
            return byShard(sent.asked(), messages);
        }
        Map<Integer, List<StreamMessage<String, String>>> replies = new LinkedHashMap<>();
        for (Map.Entry<Integer, RedisFuture<List<StreamMessage<String, String>>>> f : sent.each().entrySet()) {
            try {
                replies.put(f.getKey(), cx.await(f.getValue(), "reading shard " + f.getKey()));
            } catch (KvException e) {
                if (!ShardLeasing.noGroup(e)) {
                    throw e;
                }
                leasing.recreateGroups(f.getKey());
            }
        }
        return replies;
    }

    private Map<Integer, List<StreamMessage<String, String>>> byShard(Map<Integer, ShardLeasing.ShardState> asked,
            List<StreamMessage<String, String>> messages) {
        Map<String, Integer> shardOf = new HashMap<>();
        Map<Integer, List<StreamMessage<String, String>>> replies = new LinkedHashMap<>();
        asked.keySet().forEach(shard -> {
            shardOf.put(cx.keys().streamKey(shard), shard);
            replies.put(shard, new ArrayList<>());
        });
        for (StreamMessage<String, String> m : messages) {
            Integer shard = shardOf.get(m.getStream());
            if (shard == null) {
                throw new KvException("kv-engine[" + cx.group() + "]: Redis answered a read with entries of " + m.getStream()
                        + ", which was not asked for");
            }
            replies.get(shard).add(m);
        }
        return replies;
    }

    private List<Entry> entries(Map<Integer, ShardLeasing.ShardState> asked, Map<Integer, List<StreamMessage<String, String>>> replies) {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<Integer, List<StreamMessage<String, String>>> r : replies.entrySet()) {
            int shard = r.getKey();
            ShardLeasing.ShardState state = asked.get(shard);
            if (state.readPending && r.getValue().isEmpty()) {
                state.readPending = false;
            }
            for (StreamMessage<String, String> m : r.getValue()) {
                if (m.getBody() == null || m.getBody().isEmpty()) {
                    // a pending entry that was trimmed or deleted: nothing to process, only to acknowledge
                    ack(shard, List.of(m.getId()));
                    continue;
                }
                entries.add(new Entry(shard, m.getId(), m.getBody()));
            }
            // no early exit: Redis has delivered every reply's entries to this consumer, so each must be processed
        }
        return entries;
    }

    /**
     * Acknowledges the entries of several shards without waiting for Redis's replies (a failed one
     * surfaces at a later read; its entries stay pending and are written again, which sinks allow).
     */
    void ackAll(Map<Integer, List<String>> ids) {
        ids.forEach((shard, list) -> acks.addLast(cx.redis().xack(cx.keys().streamKey(shard), cx.group(), list.toArray(String[]::new))));
    }

    /** Waits for every acknowledgement sent; throws the first failure. */
    void awaitAcks() {
        checkAcks(0);
    }

    /** Looks at the answered acknowledgements and waits for the oldest ones while more than {@code unanswered} are outstanding. */
    private void checkAcks(int unanswered) {
        while (!acks.isEmpty() && (acks.peekFirst().isDone() || acks.size() > unanswered)) {
            cx.await(acks.pollFirst(), "acknowledging");
        }
    }

    void ack(int shard, List<String> ids) {
        if (!ids.isEmpty()) {
            cx.await(cx.redis().xack(cx.keys().streamKey(shard), cx.group(), ids.toArray(String[]::new)), "acknowledging shard " + shard);
        }
    }
}
