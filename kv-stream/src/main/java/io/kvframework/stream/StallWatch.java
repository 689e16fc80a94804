package io.kvframework.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * Decides, per shard, whether work is moving: a shard with entries waiting whose front (its oldest
 * pending entry, or its last delivered one) has not changed for {@code stallTimeout} is stalled,
 * whoever owns it — or nobody. Pure: the engine feeds it what it reads from Redis.
 */
final class StallWatch {

    /** What one look at a shard found. */
    enum State {
        /** Nothing waiting. */
        IDLE,
        /** Entries waiting, and the front moved within {@code stallTimeout}. */
        MOVING,
        /** The front has not moved for {@code stallTimeout}: this look is the first to say so. */
        STALLED_NOW,
        /** Still stalled since an earlier look. */
        STILL_STALLED
    }

    private final long timeoutMillis;
    private final String[] front;
    private final long[] since;
    private final boolean[] stalled;
    /** Whether the shard's front has been seen since it last had nothing waiting (a null front counts too). */
    private final boolean[] seen;

    StallWatch(int shards, Duration stallTimeout) {
        this.timeoutMillis = stallTimeout.toMillis();
        this.front = new String[shards];
        this.since = new long[shards];
        this.stalled = new boolean[shards];
        this.seen = new boolean[shards];
    }

    State observe(int shard, long backlog, String currentFront, long nowMillis) {
        if (backlog == 0) {
            front[shard] = null;
            stalled[shard] = false;
            seen[shard] = false;
            return State.IDLE;
        }
        if (!seen[shard] || !Objects.equals(currentFront, front[shard])) {
            seen[shard] = true;
            front[shard] = currentFront;
            since[shard] = nowMillis;
            stalled[shard] = false;
            return State.MOVING;
        }
        if (nowMillis - since[shard] <= timeoutMillis) {
            return State.MOVING;
        }
        if (stalled[shard]) {
            return State.STILL_STALLED;
        }
        stalled[shard] = true;
        return State.STALLED_NOW;
    }

    /** How long the shard's front has not moved, at {@code nowMillis}. */
    long unchangedMillis(int shard, long nowMillis) {
        return nowMillis - since[shard];
    }
}
