package io.kvframework.stream;

import io.kvframework.stream.internal.Leases;
import io.lettuce.core.models.stream.PendingMessages;
import io.lettuce.core.XTrimArgs;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The engine's housekeeping, off the processing thread: trimming below what every consumer group
 * still needs, lag and oldest-age gauges, stall detection over every shard (owned or not), the dead
 * letter count, and the sink's own {@code maintain}.
 */
final class EngineMaintenance {
    private final EngineContext cx;
    private final StreamGroups streams;
    private final EngineMeters meters;
    private final DeadLetters deadLetters;
    private final Map<Integer, ShardLeasing.ShardState> owned;
    private final ShardLeasing leasing;
    private final StallWatch stallWatch;
    private final Map<Integer, Long> stalled;
    private final AtomicLong deadLetterCount;

    EngineMaintenance(EngineContext cx, StreamGroups streams, EngineMeters meters, DeadLetters deadLetters, ShardLeasing leasing,
            Map<Integer, Long> stalled, AtomicLong deadLetterCount) {
        this.stalled = stalled;
        this.cx = cx;
        this.streams = streams;
        this.meters = meters;
        this.deadLetters = deadLetters;
        this.leasing = leasing;
        this.owned = leasing.owned();
        this.deadLetterCount = deadLetterCount;
        this.stallWatch = new StallWatch(cx.keys().shards(), cx.options().stallTimeout());
    }

    /** Stalled shards: shard → age in milliseconds of its oldest unacknowledged entry (live view). */
    Map<Integer, Long> stalled() {
        return stalled;
    }

    /** Runs every maintenance interval until {@code running} turns false. */
    void loop(BooleanSupplier running) {
        cx.repeat(running, cx.options().maintenanceInterval(), "maintenance", this::once);
    }

    private void once() {
        Set<Integer> mine = new TreeSet<>(owned.keySet());
        for (int shard : mine) {
            String stream = cx.keys().streamKey(shard);
            List<StreamGroups.Group> groups = streams.groups(stream);
            // this group's pending summary, read once for trimming and reclaiming
            PendingMessages ours = groups.stream().anyMatch(g -> g.name().equals(cx.group()) && g.pending() > 0)
                    ? streams.pending(stream, cx.group()) : null;
            trim(shard, groups, ours);
            reclaim(shard, ours);
        }
        for (int s = 0; s < cx.keys().shards(); s++) {
            if (mine.contains(s)) {
                updateLag(s);
            } else {
                meters.lagEntries[s].set(0);
                meters.oldestAgeMillis[s].set(0);
            }
        }
        updateProgress();
        deadLetterCount.set(deadLetters.count());
        cx.sink().maintain(mine);
    }

    /** Trims the shard's stream below the oldest entry any consumer group still needs. */
    private void trim(int shard, List<StreamGroups.Group> groups, PendingMessages ours) {
        String stream = cx.keys().streamKey(shard);
        String keepFrom = null;
        for (StreamGroups.Group g : groups) {
            // nothing pending: everything up to the last delivered entry is done with, that entry too (a
            // stream keeps its last id when empty, and a node of entries kept for one would stay allocated)
            String needed = g.pending() == 0 ? StreamGroups.nextId(g.lastDelivered())
                    : ours != null && g.name().equals(cx.group()) ? StreamGroups.oldestPending(ours) : streams.oldestPending(stream, g.name());
            if (needed == null) {
                return;
            }
            keepFrom = keepFrom == null || StreamGroups.compareIds(needed, keepFrom) < 0 ? needed : keepFrom;
        }
        if (keepFrom != null && !keepFrom.equals("0-0")) {
            cx.await(cx.redis().xtrim(stream, XTrimArgs.Builder.minId(keepFrom)), "trimming shard " + shard);
        }
    }

    /**
     * Claims the entries of an owned shard that another consumer of the group has held for longer
     * than a lease: an instance that stopped, or that lost or gave back the shard while a read of it
     * was in flight, after this one took the shard and claimed what was pending then. The shard then
     * reads its pending entries. (A slow instance still writing one of them writes it twice, which
     * sinks allow.)
     */
    private void reclaim(int shard, PendingMessages ours) {
        ShardLeasing.ShardState state = owned.get(shard);
        if (state == null || ours == null || !StreamGroups.othersHold(ours, cx.me())) {
            return;
        }
        int claimed = leasing.claimPending(shard, cx.options().leaseTtl());
        if (claimed > 0) {
            state.readPending = true;
            cx.log().warn("kv-engine[{}]: claimed {} entries of shard {} that another instance held for over {} ms", cx.group(), claimed,
                    shard, cx.options().leaseTtl().toMillis());
        }
    }

    /**
     * Looks at every shard, owned or not: a shard whose oldest unacknowledged entry has not changed
     * for {@code stallTimeout} is stalled (nobody drains it, or its batch never commits).
     */
    private void updateProgress() {
        long now = System.currentTimeMillis();
        String group = cx.group();
        for (int s = 0; s < cx.keys().shards(); s++) {
            String stream = cx.keys().streamKey(s);
            Optional<StreamGroups.Group> g = streams.group(stream, group);
            long backlog = g.isEmpty() ? cx.await(cx.redis().xlen(stream), "measuring shard " + s) : streams.backlog(stream, g.get());
            if (backlog == 0) {
                stallWatch.observe(s, 0, null, now);
                stalled.remove(s);
                continue;
            }
            String front = g.isEmpty() ? "-" : g.get().pending() > 0 ? streams.oldestPending(stream, group) : g.get().lastDelivered();
            StallWatch.State state = stallWatch.observe(s, backlog, front, now);
            if (state == StallWatch.State.MOVING) {
                stalled.remove(s);
            } else if (state == StallWatch.State.STALLED_NOW || state == StallWatch.State.STILL_STALLED) {
                long unchanged = stallWatch.unchangedMillis(s, now);
                long age = g.isEmpty() ? unchanged : streams.oldestAgeMillis(stream, g.get());
                stalled.put(s, age);
                if (state == StallWatch.State.STALLED_NOW) {
                    cx.log().warn("kv-engine[{}]: shard {} is stalled: {} entries not acknowledged, no progress for {} ms, oldest entry {} ms"
                            + " old (owner {})", group, s, backlog, unchanged, age, Leases.holder(cx.kv(), group, s));
                }
            }
        }
    }

    /** Backlog and oldest-entry age of a shard. */
    private void updateLag(int shard) {
        String stream = cx.keys().streamKey(shard);
        Optional<StreamGroups.Group> g = streams.group(stream, cx.group());
        long lag = g.isEmpty() ? cx.await(cx.redis().xlen(stream), "measuring shard " + shard) : streams.backlog(stream, g.get());
        meters.lagEntries[shard].set(lag);
        meters.oldestAgeMillis[shard].set(lag == 0 || g.isEmpty() ? 0 : streams.oldestAgeMillis(stream, g.get()));
    }
}
