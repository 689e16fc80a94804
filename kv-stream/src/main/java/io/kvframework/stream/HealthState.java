package io.kvframework.stream;

/** Health of a {@link StreamEngine}. */
public enum HealthState {
    /** Running and keeping up. */
    OK,
    /**
     * Running, but some changes could never be written and wait in the dead letters; their rows
     * are pinned in Redis (still readable) until an operator replays or discards them.
     */
    DEAD_LETTERS,
    /** Running, but the oldest undelivered or unacknowledged entry is older than the lag threshold. */
    LAGGING,
    /** The sink fails with transient errors (database or broker unreachable); batches are retried. */
    SINK_UNAVAILABLE,
    /**
     * A shard has entries the group has not acknowledged and has made no progress for
     * {@link EngineOptions#stallTimeout()} (no instance drains it, or its oldest entry never
     * commits); {@link StreamEngine#stalledShards()} names the shards and ages.
     */
    STALLED,
    /** Not started, or closed. */
    STOPPED,
    /**
     * The worker stopped on an error the engine cannot survive (out of memory, stack overflow);
     * its shards were released for other instances, and this engine must be closed and replaced.
     */
    FAILED
}
