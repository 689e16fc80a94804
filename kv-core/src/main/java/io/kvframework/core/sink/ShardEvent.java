package io.kvframework.core.sink;

import io.kvframework.core.ChangeEvent;

/** A change event with where it came from: its shard and stream entry id. */
public record ShardEvent(int shard, String entryId, ChangeEvent event) {
}
