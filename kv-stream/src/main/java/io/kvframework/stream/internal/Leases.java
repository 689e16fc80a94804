package io.kvframework.stream.internal;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.support.Futures;
import io.kvframework.redis.support.Script;
import java.time.Duration;
import java.util.List;

/** Shard leases with owner checks and fencing tokens (lease.lua). */
public final class Leases {
    private static final Script LEASE = Script.load("lease", Leases.class);

    private final KvClient kv;
    private final String group;
    private final String owner;
    private final Duration ttl;

    public Leases(KvClient kv, String group, String owner, Duration ttl) {
        this.kv = kv;
        this.group = group;
        this.owner = owner;
        this.ttl = ttl;
    }

    /** The fencing token when this owner holds the shard's lease now, or 0 when another owner does. */
    public long acquire(int shard) {
        return call(shard, "acquire");
    }

    /** The fencing token when this owner still holds the lease (extended), or 0 when it lost it. */
    public long renew(int shard) {
        return call(shard, "renew");
    }

    /** Releases the lease if this owner holds it. */
    public void release(int shard) {
        call(shard, "release");
    }

    private long call(int shard, String mode) {
        String[] keys = {leaseKey(kv, group, shard), kv.keys().fenceKey(shard, group)};
        List<Object> reply = Futures.await(LEASE.run(kv.redis(), keys, owner, mode, Long.toString(ttl.toMillis())),
                kv.options().commandTimeout(), mode + " of the lease of shard " + shard);
        return (Long) reply.get(0) == 1 ? (Long) reply.get(1) : 0;
    }

    /** The lease key of a shard for a group: {@code {ns:s}:lease:<group>}, holding {@code <owner>|<fence>}. */
    public static String leaseKey(KvClient kv, String group, int shard) {
        return kv.keys().leaseKey(shard, group);
    }

    /** The current holder of a shard's lease, or null. */
    public static String holder(KvClient kv, String group, int shard) {
        String value = Futures.await(kv.redis().get(leaseKey(kv, group, shard)), kv.options().commandTimeout(),
                "reading a lease");
        return value == null ? null : value.substring(0, value.indexOf('|'));
    }
}
