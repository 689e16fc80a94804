package io.kvframework.stream;

import java.time.Duration;

/**
 * A component that runs a {@link StreamEngine} with its own sink (the drainer, the Kafka bridge):
 * what operators and health checks ask of any of them, answered by its engine unless the
 * component knows better.
 */
public interface StreamService extends AutoCloseable {

    /** The engine this component runs. */
    StreamEngine engine();

    /** The component's health (see {@link StreamEngine#health()}). */
    default HealthState health() {
        return engine().health();
    }

    /** The dead letters of the component's consumer group. */
    default DeadLetters deadLetters() {
        return engine().deadLetters();
    }

    /** Entries not yet delivered to the sink, over every shard. */
    default long backlog() {
        return engine().backlog();
    }

    /** Waits until everything written so far has reached the sink; false on timeout. */
    default boolean awaitDrained(Duration timeout) throws InterruptedException {
        return engine().awaitDrained(timeout);
    }

    /** Finishes the batch in flight, acknowledges it and releases the shards. */
    @Override
    void close();
}
