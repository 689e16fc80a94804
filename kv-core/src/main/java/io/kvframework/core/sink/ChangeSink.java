package io.kvframework.core.sink;

import io.kvframework.core.ChangeEvent;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where a stream engine ({@code io.kvframework.stream.StreamEngine}) delivers change events, in the spirit of Kafka Connect's
 * {@code SinkTask}: {@link #write} returns only when the batch is durable, and only then are its
 * stream entries acknowledged. The engine owns leases, reading, batching, coalescing, retries,
 * dead letters, acknowledgement and trimming; a sink only writes.
 */
public interface ChangeSink extends AutoCloseable {

    /** How the engine should treat a failed {@link #write}. */
    enum Failure {
        /** The sink is unavailable for now (network, server down, timeout): retry the same batch with backoff. */
        TRANSIENT,
        /** Something in the batch can never be written: bisect it and dead-letter the poison events. */
        PERMANENT,
        /** A newer owner of a shard has taken over: drop the shard without acknowledging. */
        FENCED
    }

    /** A short name for logs and metrics, for example {@code postgres}. */
    String name();

    /**
     * Checks one event before batching; an event that can never be written (unknown table,
     * undecodable value) should throw, and goes straight to the dead letters.
     */
    default void check(ChangeEvent event) {
    }

    /**
     * Whether the engine may reduce a batch to the highest version of each key (true for state
     * sinks such as the database; false for sinks that must see every change, such as Kafka).
     */
    default boolean coalesce() {
        return true;
    }

    /** Makes the batch durable; returns only when it is. */
    void write(SinkBatch batch) throws Exception;

    /**
     * Starts making the batch durable and returns without waiting, so that the engine reads and
     * prepares the next batches meanwhile (a window of batches in flight). The future completes when
     * the batch is durable, or exceptionally with what {@link #write} would have thrown; only then
     * are its entries acknowledged, in the order the batches were handed over. A sink whose batches
     * must be applied in order (because it stores positions) writes this one only after
     * {@code previous} completed normally, and fails it without writing when {@code previous}
     * failed; the engine then writes the failed batches again with {@link #write}, in order, with
     * its retries and bisection.
     *
     * @param previous the future of the batch handed over before this one (a completed future when
     *     none is in flight)
     * @return the batch's future, or null when this sink only writes synchronously (the default)
     */
    default CompletableFuture<Void> writeAsync(SinkBatch batch, CompletableFuture<Void> previous) {
        return null;
    }

    /** Classifies a failure of {@link #write}. */
    default Failure classify(Exception error) {
        return error instanceof FencedException ? Failure.FENCED : Failure.TRANSIENT;
    }

    /**
     * Called when this instance takes a shard with a new fencing token; returns the last entry id
     * this sink has already made durable for the shard (entries up to it are acknowledged without
     * being written again), if the sink stores positions.
     */
    default Optional<String> claim(int shard, long fence) throws Exception {
        return Optional.empty();
    }

    /** Called after a batch was written and acknowledged. */
    default void afterCommit(SinkBatch batch) {
    }

    /** Called periodically with the shards this instance owns, for housekeeping. */
    default void maintain(Set<Integer> ownedShards) {
    }

    /** Sink-specific health details. */
    /**
     * How long the call in progress has been waiting to reach the sink's target (for example for a
     * database connection), in milliseconds; 0 when it is not waiting. The engine reports
     * {@code SINK_UNAVAILABLE} while this exceeds a second, before the call fails.
     */
    default long unreachableMillis() {
        return 0;
    }

    default Map<String, Object> details() {
        return Map.of();
    }

    @Override
    default void close() {
    }
}
