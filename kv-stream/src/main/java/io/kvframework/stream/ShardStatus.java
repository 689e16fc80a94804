package io.kvframework.stream;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.support.Futures;
import io.kvframework.stream.internal.Leases;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state of one shard's stream for one consumer group, as Redis holds it now: what an operator
 * looks at first when a drainer or bridge falls behind.
 *
 * @param shard the shard number
 * @param streamLength entries in the shard's stream ({@code XLEN})
 * @param pending entries delivered to the group but not acknowledged
 * @param backlog entries the group has not acknowledged (pending plus not yet delivered)
 * @param lastDelivered the last entry id delivered to the group ({@code 0-0} when none; {@code -}
 *     when the group does not exist yet)
 * @param oldestAgeMillis age of the oldest entry not acknowledged, in milliseconds (0 when none)
 * @param owner the instance holding the shard's lease, or null when no instance does
 * @param fence the lease's fencing token (0 when not held)
 */
public record ShardStatus(int shard, long streamLength, long pending, long backlog, String lastDelivered, long oldestAgeMillis,
        String owner, long fence) {

    /** Reads the status of every shard for consumer group {@code group} (for example {@link Drainer#GROUP}). */
    public static List<ShardStatus> read(KvClient kv, String group) {
        StreamGroups streams = new StreamGroups(kv);
        List<ShardStatus> out = new ArrayList<>();
        for (int s = 0; s < kv.keys().shards(); s++) {
            String stream = kv.keys().streamKey(s);
            long length = Futures.await(kv.redis().xlen(stream), kv.options().commandTimeout(), "measuring shard " + s);
            Optional<StreamGroups.Group> g = streams.group(stream, group);
            String lease = Futures.await(kv.redis().get(Leases.leaseKey(kv, group, s)), kv.options().commandTimeout(),
                    "reading the lease of shard " + s);
            String owner = lease == null ? null : lease.substring(0, lease.lastIndexOf('|'));
            long fence = lease == null ? 0 : Long.parseLong(lease.substring(lease.lastIndexOf('|') + 1));
            if (g.isEmpty()) {
                out.add(new ShardStatus(s, length, 0, length, "-", 0, owner, fence));
            } else {
                long backlog = streams.backlog(stream, g.get());
                long age = backlog == 0 ? 0 : streams.oldestAgeMillis(stream, g.get());
                out.add(new ShardStatus(s, length, g.get().pending(), backlog, g.get().lastDelivered(), age, owner, fence));
            }
        }
        return out;
    }
}
