package io.kvframework.core.sink;

import java.util.List;
import java.util.Map;

/**
 * What a sink is asked to make durable: events coalesced by key (the highest version of each key
 * in the batch), and for each shard the stream position the batch completes together with the
 * fencing token of this instance's lease. A sink that can store positions transactionally (the
 * database sink) stores them with the events and refuses a position whose fence is stale.
 * {@code positions} is empty for the sub-batches of a bisection.
 */
public record SinkBatch(List<ShardEvent> events, Map<Integer, Position> positions) {

    /** The last entry id of a shard covered by a batch, and the lease's fencing token. */
    public record Position(String lastEntryId, long fence) {
    }

    public SinkBatch {
        events = List.copyOf(events);
        positions = Map.copyOf(positions);
    }
}
