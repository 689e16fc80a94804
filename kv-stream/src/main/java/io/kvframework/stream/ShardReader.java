package io.kvframework.stream;

import io.kvframework.core.KvException;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the owned shards — in one XREADGROUP on standalone Redis, one pipelined XREADGROUP per shard
 * on Redis Cluster — a shard's own pending entries first after taking it or after a failure, then
 * new ones; and acknowledges what the sink committed.
 */
final class ShardReader {
    /** One stream entry read from a shard. */
    record Entry(int shard, String id, Map<String, String> fields) {
    }

    private final EngineContext cx;
    private final ShardLeasing leasing;
    private final Map<Integer, ShardLeasing.ShardState> owned;

    ShardReader(EngineContext cx, ShardLeasing leasing) {
        this.cx = cx;
        this.leasing = leasing;
        this.owned = leasing.owned();
    }

    /** The next entries of every owned shard, up to about the batch size in all. */
    List<Entry> read() {
        if (owned.isEmpty()) {
            return List.of();
        }
        // the shards read now: the lease thread may add shards meanwhile, whose pending entries are not read yet
        Map<Integer, ShardLeasing.ShardState> asked = new LinkedHashMap<>(owned);
        int perShard = Math.max(16, cx.options().batchSize() / asked.size());
        Map<Integer, List<StreamMessage<String, String>>> replies = !cx.kv().isCluster() && asked.size() > 1 ? readAtOnce(asked, perShard)
                : null;
        if (replies == null) {
            replies = readEach(asked, perShard);
        }
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

    private static XReadArgs.StreamOffset<String> offset(String stream, ShardLeasing.ShardState state) {
        return state.readPending ? XReadArgs.StreamOffset.from(stream, "0") : XReadArgs.StreamOffset.lastConsumed(stream);
    }

    /**
     * One pipelined XREADGROUP per shard; a shard whose group is gone (Redis lost its data) gets it
     * again and is left out of this read.
     */
    private Map<Integer, List<StreamMessage<String, String>>> readEach(Map<Integer, ShardLeasing.ShardState> asked, int perShard) {
        Map<Integer, RedisFuture<List<StreamMessage<String, String>>>> futures = new LinkedHashMap<>();
        asked.forEach((shard, state) -> futures.put(shard, cx.redis().xreadgroup(Consumer.from(cx.group(), cx.me()),
                XReadArgs.Builder.count(perShard), offset(cx.keys().streamKey(shard), state))));
        Map<Integer, List<StreamMessage<String, String>>> replies = new LinkedHashMap<>();
        for (Map.Entry<Integer, RedisFuture<List<StreamMessage<String, String>>>> f : futures.entrySet()) {
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

    /**
     * Every shard in one XREADGROUP (standalone Redis only: the shards' streams live in different
     * cluster slots): one command and one reply instead of one per shard, which counts when many
     * shards hold few entries. Null when a shard has no consumer group: {@link #readEach} then creates it again.
     */
    private Map<Integer, List<StreamMessage<String, String>>> readAtOnce(Map<Integer, ShardLeasing.ShardState> asked, int perShard) {
        Map<String, Integer> shardOf = new HashMap<>();
        Map<Integer, List<StreamMessage<String, String>>> replies = new LinkedHashMap<>();
        List<XReadArgs.StreamOffset<String>> offsets = new ArrayList<>();
        asked.forEach((shard, state) -> {
            String stream = cx.keys().streamKey(shard);
            shardOf.put(stream, shard);
            replies.put(shard, new ArrayList<>());
            offsets.add(offset(stream, state));
        });
        List<StreamMessage<String, String>> messages;
        try {
            @SuppressWarnings("unchecked")
            XReadArgs.StreamOffset<String>[] streams = offsets.toArray(new XReadArgs.StreamOffset[0]);
            messages = cx.await(cx.redis().xreadgroup(Consumer.from(cx.group(), cx.me()), XReadArgs.Builder.count(perShard), streams),
                    "reading " + offsets.size() + " shards");
        } catch (KvException e) {
            if (ShardLeasing.noGroup(e)) {
                return null;
            }
            throw e;
        }
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

    /** Acknowledges the entries of several shards in one pipelined round trip. */
    void ackAll(Map<Integer, List<String>> ids) {
        List<RedisFuture<Long>> futures = new ArrayList<>();
        ids.forEach((shard, list) -> futures.add(cx.redis().xack(cx.keys().streamKey(shard), cx.group(), list.toArray(String[]::new))));
        for (RedisFuture<Long> f : futures) {
            cx.await(f, "acknowledging");
        }
    }

    void ack(int shard, List<String> ids) {
        if (!ids.isEmpty()) {
            cx.await(cx.redis().xack(cx.keys().streamKey(shard), cx.group(), ids.toArray(String[]::new)), "acknowledging shard " + shard);
        }
    }
}
