package io.kvframework.stream;

import java.time.Instant;
import java.util.Map;

/**
 * An entry that could never be applied, kept in the shard's dead-letter stream {@code {ns:s}:dlq:<group>}
 * with the original event fields, the error, the shard, the consumer group and the time.
 */
public record DeadLetter(int shard, String id, String originalEntryId, String group, String error, Instant failedAt,
        Map<String, String> originalFields) {

    /** The dead-letter stream this letter is in. */
    public String streamKey(io.kvframework.redis.KvClient kv) {
        return kv.keys().deadLetterKey(shard, group);
    }
}
