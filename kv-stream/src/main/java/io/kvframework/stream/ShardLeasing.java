package io.kvframework.stream;

import io.kvframework.core.KvException;
import io.kvframework.stream.internal.Leases;
import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.models.stream.ClaimedMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The shards one engine instance owns: owner-checked, fenced leases renewed on their own thread (so
 * that a slow batch never lets a lease expire), a fair share among the live instances of the group
 * (members in a sorted set scored by expiry), and on taking a shard the sink's committed position
 * and every entry a previous owner left pending (XAUTOCLAIM).
 */
final class ShardLeasing {
    /** Shards taken between two counts of the live instances while taking shards. */
    private static final int RECOUNT_EVERY = 4;

    /** Per-shard state of an owned shard. */
    static final class ShardState {
        final long fence;
        final String committed;
        volatile boolean readPending = true;

        ShardState(long fence, String committed) {
            this.fence = fence;
            this.committed = committed;
        }
    }

    private final EngineContext cx;
    private final Leases leases;
    private final Map<Integer, ShardState> owned = new ConcurrentHashMap<>();
    private volatile boolean claimFailing;

    ShardLeasing(EngineContext cx) {
        this.cx = cx;
        this.leases = new Leases(cx.kv(), cx.group(), cx.me(), cx.options().leaseTtl());
    }

    /** The owned shards and their state (live view; the lease thread adds and removes). */
    Map<Integer, ShardState> owned() {
        return owned;
    }

    /** Whether taking a shard failed last time (the sink could not tell its committed position). */
    boolean claimFailing() {
        return claimFailing;
    }

    /** Renews and rebalances until {@code running} turns false. */
    void loop(java.util.function.BooleanSupplier running) {
        cx.repeat(running, cx.options().leaseRenewInterval(), "lease work", () -> work(running));
    }

    private String membersKey() {
        return cx.keys().membersKey(cx.group());
    }

    /** Renews owned leases, then takes free shards up to a fair share and gives back any above it. */
    private synchronized void work(java.util.function.BooleanSupplier running) {
        if (!running.getAsBoolean()) {
            return;
        }
        long now = System.currentTimeMillis();
        Duration ttl = cx.options().leaseTtl();
        cx.await(cx.redis().zadd(membersKey(), now + ttl.toMillis(), cx.me()), "joining the member list");
        cx.await(cx.redis().zremrangebyscore(membersKey(), Range.create(Double.NEGATIVE_INFINITY, (double) now)), "pruning members");
        long live = Math.max(1, cx.await(cx.redis().zcard(membersKey()), "counting members"));
        long renewed = renewOwned();
        int shards = cx.keys().shards();
        int fair = (int) Math.ceil(shards / (double) live);
        if (owned.size() > fair) {
            List<Integer> mine = new ArrayList<>(owned.keySet());
            for (int i = fair; i < mine.size(); i++) {
                int shard = mine.get(i);
                owned.remove(shard);
                leases.release(shard);
            }
            cx.log().info("kv-engine[{}]: gave back shards to keep a fair share of {} ({} instances)", cx.group(), fair, live);
            return;
        }
        int start = ThreadLocalRandom.current().nextInt(shards);
        for (int i = 0; i < shards && owned.size() < fair; i++) {
            int shard = (start + i) % shards;
            if (owned.containsKey(shard)) {
                continue;
            }
            if (i > 0 && i % RECOUNT_EVERY == 0) {
                // instances started together join while this one takes shards: a share counted before they
                // joined would take shards that are given back a lease interval later
                live = Math.max(live, cx.await(cx.redis().zcard(membersKey()), "counting members"));
                fair = (int) Math.ceil(shards / (double) live);
                if (owned.size() >= fair) {
                    break;
                }
            }
            if (System.nanoTime() - renewed > TimeUnit.MILLISECONDS.toNanos(cx.options().leaseRenewInterval().toMillis())) {
                // taking a shard asks the sink (a database that may be slow or down): keep the other leases alive meanwhile
                renewed = renewOwned();
            }
            long fence = leases.acquire(shard);
            if (fence > 0) {
                try {
                    take(shard, fence);
                    claimFailing = false;
                } catch (Exception e) {
                    leases.release(shard);
                    claimFailing = true;
                    throw new KvException("kv-engine[" + cx.group() + "]: taking shard " + shard + " failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /** Renews every owned lease, dropping the shards whose lease was lost; returns when it did (nanoTime). */
    private long renewOwned() {
        for (Integer shard : new ArrayList<>(owned.keySet())) {
            if (leases.renew(shard) == 0) {
                owned.remove(shard);
                cx.log().warn("kv-engine[{}]: lost the lease of shard {}", cx.group(), shard);
            }
        }
        return System.nanoTime();
    }

    private void take(int shard, long fence) throws Exception {
        Optional<String> committed = cx.sink().claim(shard, fence);
        int claimed = claimPending(shard, Duration.ZERO);
        owned.put(shard, new ShardState(fence, committed.orElse(null)));
        cx.log().info("kv-engine[{}]: took shard {} (fence {}, {} pending entries claimed, committed up to {})", cx.group(), shard, fence,
                claimed, committed.orElse("nothing"));
    }

    /**
     * Makes the entries of a shard pending for other consumers of the group, idle at least
     * {@code minIdle}, pending for this one (XAUTOCLAIM); returns how many. A shard without the group
     * gets it again (with nothing pending).
     */
    int claimPending(int shard, Duration minIdle) {
        String stream = cx.keys().streamKey(shard);
        String cursor = "0-0";
        int claimed = 0;
        do {
            ClaimedMessages<String, String> c;
            try {
                c = cx.await(cx.redis().xautoclaim(stream, XAutoClaimArgs.Builder.xautoclaim(Consumer.from(cx.group(), cx.me()),
                        minIdle, cursor).count(1000)), "claiming pending entries");
            } catch (KvException e) {
                if (!noGroup(e)) {
                    throw e;
                }
                recreateGroups(shard);
                continue; // the new group has nothing pending: the loop ends with cursor 0-0
            }
            claimed += c.getMessages().size();
            cursor = c.getId();
        } while (!"0-0".equals(cursor));
        return claimed;
    }

    /** Releases every lease and leaves the member list (on stop). */
    synchronized void releaseAll() {
        for (Integer shard : new ArrayList<>(owned.keySet())) {
            try {
                leases.release(shard);
            } catch (RuntimeException e) {
                cx.log().warn("kv-engine[{}]: releasing shard {} failed: {}", cx.group(), shard, e.toString());
            }
            owned.remove(shard);
        }
        try {
            cx.await(cx.redis().zrem(membersKey(), cx.me()), "leaving the member list");
        } catch (RuntimeException e) {
            cx.log().debug("kv-engine[{}]: leaving the member list failed: {}", cx.group(), e.toString());
        }
    }

    /**
     * Creates this engine's consumer group, and the groups it must retain entries for, on the
     * streams of {@code shards} unless they exist. Returns how many were created. The commands are
     * sent at once and their replies read afterwards: an engine starts with every shard of the
     * namespace, and one round trip each made starting an instance take a third of a second on a
     * busy machine (64 shards).
     */
    int createGroups(List<Integer> shards) {
        List<String> groups = new ArrayList<>(List.of(cx.group()));
        groups.addAll(cx.options().retainForGroups());
        List<RedisFuture<String>> sent = new ArrayList<>(shards.size() * groups.size());
        List<String> names = new ArrayList<>(sent.size());
        for (int shard : shards) {
            for (String g : groups) {
                sent.add(cx.redis().xgroupCreate(XReadArgs.StreamOffset.from(cx.keys().streamKey(shard), "0"), g,
                        XGroupCreateArgs.Builder.mkstream()));
                names.add(g);
            }
        }
        int created = 0;
        for (int i = 0; i < sent.size(); i++) {
            try {
                cx.await(sent.get(i), "creating group " + names.get(i));
                created++;
            } catch (KvException e) {
                if (!(e.getCause() instanceof RedisBusyException)) {
                    throw e;
                }
            }
        }
        return created;
    }

    /**
     * Redis lost the stream and its groups (a restart without persistence, a flush): what it held is
     * gone, but new writes must still be drained, so the groups are created again.
     */
    void recreateGroups(int shard) {
        int created = createGroups(List.of(shard));
        cx.log().warn("kv-engine[{}]: shard {} had no consumer group (Redis lost its data?); created {} group(s) again, reading from"
                + " the start of the stream", cx.group(), shard, created);
    }

    /** Whether Redis answered NOGROUP. */
    static boolean noGroup(KvException e) {
        return e.getCause() != null && String.valueOf(e.getCause().getMessage()).startsWith("NOGROUP");
    }
}
