package io.kvframework.stream;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dead letters of one consumer group: list, show, replay and discard. Each shard has a
 * dead-letter stream per group, {@code {ns:s}:dlq:<group>}; entries carry the original fields plus {@code _error},
 * {@code _group}, {@code _entry} (the original stream id), {@code _shard} and {@code _failed_at}.
 */
public final class DeadLetters {
    private static final String PREFIX = "_";

    private final KvClient kv;
    private final String group;

    public DeadLetters(KvClient kv, String group) {
        this.kv = kv;
        this.group = group;
    }

    /** The dead-letter stream of a shard. */
    public String streamKey(int shard) {
        return kv.keys().deadLetterKey(shard, group);
    }

    void add(int shard, String entryId, Map<String, String> fields, Exception error) {
        Map<String, String> body = new LinkedHashMap<>(fields);
        body.put("_error", error == null ? "unknown" : error.getClass().getSimpleName() + ": " + error.getMessage());
        body.put("_group", group);
        body.put("_entry", entryId);
        body.put("_shard", Integer.toString(shard));
        body.put("_failed_at", Instant.now().toString());
        await(kv.redis().xadd(streamKey(shard), body), "writing a dead letter");
    }

    /** Dead letters of this group, oldest first per shard, at most {@code limit}. */
    public List<DeadLetter> list(int limit) {
        List<DeadLetter> out = new ArrayList<>();
        for (int s = 0; s < kv.keys().shards() && out.size() < limit; s++) {
            for (StreamMessage<String, String> m : await(kv.redis().xrange(streamKey(s), Range.create("-", "+"), Limit.create(0, limit)),
                    "listing dead letters")) {
                DeadLetter d = toDeadLetter(s, m);
                if (d.group().equals(group) && out.size() < limit) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    /** Number of dead letters of this group. */
    public long count() {
        List<RedisFuture<Long>> lengths = new ArrayList<>();
        for (int s = 0; s < kv.keys().shards(); s++) {
            lengths.add(kv.redis().xlen(streamKey(s)));
        }
        long total = 0;
        for (RedisFuture<Long> f : lengths) {
            total += await(f, "counting dead letters");
        }
        return total;
    }

    /** Number of dead letters of this group per shard (shards without any are left out). */
    public Map<Integer, Long> countByShard() {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        List<RedisFuture<Long>> lengths = new ArrayList<>();
        for (int s = 0; s < kv.keys().shards(); s++) {
            lengths.add(kv.redis().xlen(streamKey(s)));
        }
        for (int s = 0; s < lengths.size(); s++) {
            long n = await(lengths.get(s), "counting dead letters");
            if (n > 0) {
                out.put(s, n);
            }
        }
        return out;
    }

    /** One dead letter. */
    public Optional<DeadLetter> get(int shard, String id) {
        List<StreamMessage<String, String>> found = await(kv.redis().xrange(streamKey(shard), Range.create(id, id)), "reading a dead letter");
        return found.stream().findFirst().map(m -> toDeadLetter(shard, m));
    }

    /**
     * Puts a dead letter's original event back at the end of its shard's stream and removes the dead
     * letter: every consumer group (the drainer, the Kafka bridge) processes it again once its cause
     * is fixed. Safe to repeat: sinks apply events by version, so an event that a newer version has
     * superseded changes nothing. Returns the new stream entry id.
     */
    public String requeue(DeadLetter letter) {
        String id = await(kv.redis().xadd(kv.keys().streamKey(letter.shard()), letter.originalFields()), "re-queuing a dead letter");
        discard(letter.shard(), letter.id());
        return id;
    }

    /**
     * Removes a dead letter without applying it; returns whether it existed. For the drainer's
     * dead letters use {@link Drainer#discard}, which also releases the row it pinned in Redis and
     * says what is given up.
     */
    public boolean discard(int shard, String id) {
        return await(kv.redis().xdel(streamKey(shard), id), "discarding a dead letter") == 1;
    }

    private static DeadLetter toDeadLetter(int shard, StreamMessage<String, String> m) {
        Map<String, String> original = new LinkedHashMap<>();
        m.getBody().forEach((k, v) -> {
            if (!k.startsWith(PREFIX)) {
                original.put(k, v);
            }
        });
        Map<String, String> b = m.getBody();
        return new DeadLetter(shard, m.getId(), b.get("_entry"), b.getOrDefault("_group", "?"), b.get("_error"),
                b.containsKey("_failed_at") ? Instant.parse(b.get("_failed_at")) : Instant.EPOCH, original);
    }

    private <T> T await(RedisFuture<T> f, String what) {
        return Futures.await(f, kv.options().commandTimeout(), what);
    }
}
