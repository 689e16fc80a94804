package io.kvframework.stream;

import io.kvframework.core.KvException;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
