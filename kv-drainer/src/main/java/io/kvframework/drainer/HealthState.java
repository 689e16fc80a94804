package io.kvframework.drainer;

/** Health of a {@link StreamEngine}. */
public enum HealthState {
    /** Running and keeping up. */
    OK,
    /** Running, but the oldest undelivered or unacknowledged entry is older than the lag threshold. */
    LAGGING,
    /** The sink fails with transient errors (database or broker unreachable); batches are retried. */
    SINK_UNAVAILABLE,
    /** Not started, or closed. */
    STOPPED,
    /**
     * The worker stopped on an error the engine cannot survive (out of memory, stack overflow);
     * its shards were released for other instances, and this engine must be closed and replaced.
     */
    FAILED
}
