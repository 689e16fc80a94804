package io.kvframework.stream;

import io.kvframework.core.KvException;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the owned shards with one pipelined XREADGROUP each (a shard's own pending entries first
 * after taking it or after a failure, then new ones) and acknowledges what the sink committed.
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
        int perShard = Math.max(16, cx.options().batchSize() / owned.size());
        if (!cx.kv().isCluster() && owned.size() > 1) {
            List<Entry> all = readAtOnce(perShard);
            if (all != null) {
                return all;
            }
        }
        Map<Integer, RedisFuture<List<StreamMessage<String, String>>>> futures = new LinkedHashMap<>();
        for (Map.Entry<Integer, ShardLeasing.ShardState> e : owned.entrySet()) {
            String stream = cx.keys().streamKey(e.getKey());
            XReadArgs.StreamOffset<String> offset = e.getValue().readPending ? XReadArgs.StreamOffset.from(stream, "0")
                    : XReadArgs.StreamOffset.lastConsumed(stream);
            futures.put(e.getKey(), cx.redis().xreadgroup(Consumer.from(cx.group(), cx.me()), XReadArgs.Builder.count(perShard), offset));
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<Integer, RedisFuture<List<StreamMessage<String, String>>>> f : futures.entrySet()) {
            List<StreamMessage<String, String>> messages;
            try {
                messages = cx.await(f.getValue(), "reading shard " + f.getKey());
            } catch (KvException e) {
                if (!ShardLeasing.noGroup(e)) {
                    throw e;
                }
                leasing.recreateGroups(f.getKey());
                continue;
            }
            ShardLeasing.ShardState state = owned.get(f.getKey());
            if (state != null && state.readPending && messages.isEmpty()) {
                state.readPending = false;
            }
            for (StreamMessage<String, String> m : messages) {
                if (m.getBody() == null || m.getBody().isEmpty()) {
                    // a pending entry that was trimmed or deleted: nothing to process, only to acknowledge
                    ack(f.getKey(), List.of(m.getId()));
                    continue;
                }
                entries.add(new Entry(f.getKey(), m.getId(), m.getBody()));
            }
            // no early exit: Redis has delivered every reply's entries to this consumer, so each must be processed
        }
        return entries;
    }

    /**
     * Every owned shard in one XREADGROUP (standalone Redis only: the shards' streams live in
     * different cluster slots): one command and one reply instead of one per shard, which counts
     * when many shards hold few entries. Null when a shard has no consumer group: the per-shard read
     * then creates it again.
     */
    private List<Entry> readAtOnce(int perShard) {
        Map<String, Integer> shardOf = new HashMap<>();
        // the states read now: the lease thread may add shards meanwhile, whose pending entries are not read yet
        Map<Integer, ShardLeasing.ShardState> asked = new HashMap<>();
        List<XReadArgs.StreamOffset<String>> offsets = new ArrayList<>();
        for (Map.Entry<Integer, ShardLeasing.ShardState> e : owned.entrySet()) {
            String stream = cx.keys().streamKey(e.getKey());
            shardOf.put(stream, e.getKey());
            asked.put(e.getKey(), e.getValue());
            offsets.add(e.getValue().readPending ? XReadArgs.StreamOffset.from(stream, "0") : XReadArgs.StreamOffset.lastConsumed(stream));
        }
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
        Set<Integer> delivered = new HashSet<>();
        List<Entry> entries = new ArrayList<>(messages.size());
        for (StreamMessage<String, String> m : messages) {
            Integer shard = shardOf.get(m.getStream());
            if (shard == null) {
                throw new KvException("kv-engine[" + cx.group() + "]: Redis answered a read with entries of " + m.getStream()
                        + ", which was not asked for");
            }
            delivered.add(shard);
            if (m.getBody() == null || m.getBody().isEmpty()) {
                // a pending entry that was trimmed or deleted: nothing to process, only to acknowledge
                ack(shard, List.of(m.getId()));
                continue;
            }
            entries.add(new Entry(shard, m.getId(), m.getBody()));
        }
        for (Map.Entry<Integer, ShardLeasing.ShardState> e : asked.entrySet()) {
            if (e.getValue().readPending && !delivered.contains(e.getKey())) {
                e.getValue().readPending = false;
            }
        }
        return entries;
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
