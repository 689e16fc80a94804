package io.kvframework.stream;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.models.stream.PendingMessages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Redis knows about the consumer groups of a shard's stream: pending entries, the last
 * delivered id, and how many entries are still to deliver.
 *
 * <p>The {@code lag} that {@code XINFO GROUPS} reports is only a hint: Redis 6.2 has none, and
 * Redis 7.0 reports a wrong positive lag after some trims (redis/redis#13957), which would make a
 * drained shard look behind for ever. So "is anything undelivered" is always answered by reading
 * the entry after the last delivered id, small counts are exact, and only a lag above 100 is
 * taken from Redis (capped at the stream's length).
 */
public final class StreamGroups {
    /** Upper bound of entries counted one by one when Redis gives no usable lag. */
    private static final int COUNT_LIMIT = 100_000;
    /**
     * Up to this lag the undelivered entries are counted exactly (one XRANGE of at most this many
     * entries, bodies included: Redis has no count of a range). Maintenance counts every shard each
     * interval, so at 1,000 a drain with a few hundred entries left per shard fetched and decoded
     * tens of thousands of entries a second only to count them; above it Redis's figure is used,
     * capped by the stream's length.
     */
    private static final long EXACT_BELOW = 100;

    /** One consumer group of a stream, as {@code XINFO GROUPS} describes it. */
    public record Group(String name, long pending, String lastDelivered, Long lag) {
    }

    private final KvClient kv;

    public StreamGroups(KvClient kv) {
        this.kv = kv;
    }

    /** The groups of a stream (empty when the stream does not exist). */
    @SuppressWarnings("unchecked")
    public List<Group> groups(String stream) {
        List<Object> raw;
        try {
            raw = await(kv.redis().xinfoGroups(stream), "reading the groups of " + stream);
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("no such key")) {
                return List.of();
            }
            throw e;
        }
        List<Group> out = new ArrayList<>();
        for (Object o : raw) {
            List<Object> fields = (List<Object>) o;
            Map<String, Object> m = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                m.put(String.valueOf(fields.get(i)), fields.get(i + 1));
            }
            Object lag = m.get("lag");
            out.add(new Group(String.valueOf(m.get("name")), ((Number) m.get("pending")).longValue(),
                    String.valueOf(m.get("last-delivered-id")), lag instanceof Number n ? n.longValue() : null));
        }
        return out;
    }

    /** One group of a stream, if it exists. */
    public Optional<Group> group(String stream, String name) {
        return groups(stream).stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** Entries of the stream the group has not acknowledged: pending plus undelivered. */
    public long backlog(String stream, Group g) {
        return g.pending() + undelivered(stream, g);
    }

    /** Entries after the group's last delivered id. */
    public long undelivered(String stream, Group g) {
        String next = firstAfter(stream, g.lastDelivered());
        if (next == null) {
            return 0;
        }
        if (g.lag() != null && g.lag() > EXACT_BELOW) {
            // large backlogs: Redis's figure, which can be too high after trims, but never above the length
            long length = await(kv.redis().xlen(stream), "measuring " + stream);
            return Math.min(g.lag(), length);
        }
        return await(kv.redis().xrange(stream, Range.create(next, "+"), Limit.create(0, COUNT_LIMIT)), "counting undelivered entries")
                .size();
    }

    /** Backlog of a group, or the stream's length when the group does not exist yet. */
    public long backlog(String stream, String group) {
        Optional<Group> g = group(stream, group);
        return g.isPresent() ? backlog(stream, g.get()) : await(kv.redis().xlen(stream), "measuring " + stream);
    }

    /** The id of the first entry after {@code id}, or null. */
    public String firstAfter(String stream, String id) {
        List<StreamMessage<String, String>> next = await(kv.redis().xrange(stream,
                Range.from(Range.Boundary.excluding(id), Range.Boundary.unbounded()), Limit.create(0, 1)), "reading the next entry");
        return next.isEmpty() ? null : next.get(0).getId();
    }

    /** The oldest entry id pending in the group, or null. */
    public String oldestPending(String stream, String group) {
        return oldestPending(pending(stream, group));
    }

    /** The group's pending entries in summary (XPENDING without a range): count, id range, count per consumer. */
    public PendingMessages pending(String stream, String group) {
        return await(kv.redis().xpending(stream, group), "reading pending entries");
    }

    /** The oldest entry id of a pending summary, or null. */
    public static String oldestPending(PendingMessages p) {
        return p.getCount() == 0 ? null : p.getMessageIds().getLower().getValue();
    }

    /** Whether consumers other than {@code consumer} hold entries of a pending summary. */
    public static boolean othersHold(PendingMessages p, String consumer) {
        return p.getConsumerMessageCount().entrySet().stream().anyMatch(e -> !e.getKey().equals(consumer) && e.getValue() > 0);
    }

    /** Milliseconds since the oldest entry the group has not acknowledged was written; 0 when none. */
    public long oldestAgeMillis(String stream, Group g) {
        String oldest = g.pending() > 0 ? oldestPending(stream, g.name()) : firstAfter(stream, g.lastDelivered());
        return oldest == null ? 0 : Math.max(0, System.currentTimeMillis() - Long.parseLong(oldest.substring(0, oldest.indexOf('-'))));
    }

    /** The smallest entry id above {@code id} (sequence numbers are unsigned 64-bit). */
    public static String nextId(String id) {
        int dash = id.indexOf('-');
        long ms = Long.parseLong(id.substring(0, dash));
        long seq = Long.parseUnsignedLong(id.substring(dash + 1));
        return seq == -1L ? (ms + 1) + "-0" : ms + "-" + Long.toUnsignedString(seq + 1);
    }

    /** Orders two stream entry ids. */
    public static int compareIds(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return c != 0 ? c : Long.compareUnsigned(Long.parseUnsignedLong(a.substring(da + 1)), Long.parseUnsignedLong(b.substring(db + 1)));
    }

    private <T> T await(RedisFuture<T> f, String what) {
        return Futures.await(f, kv.options().commandTimeout(), what);
    }
}
