package io.kvframework.drainer;

import io.kvframework.core.ChangeEvent;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.support.Futures;
import io.kvframework.sql.DatabaseSink;
import io.kvframework.stream.DeadLetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one explicit way to drop an acknowledged write: discarding its dead letter and releasing the row it pinned. */
final class DeadLetterDiscard {
    private static final Logger LOG = LoggerFactory.getLogger("kv-drainer");

    private DeadLetterDiscard() {
    }

    /**
     * Removes a dead letter; when Redis still holds the row at the event's version (pinned), schedules
     * it for eviction after the default TTL. Returns what was dropped, also logged as a warning.
     */
    static String discard(KvClient kv, DeadLetter letter, DatabaseSink database) {
        ChangeEvent event;
        try {
            event = ChangeEvent.fromStreamEntry(letter.originalFields());
        } catch (RuntimeException notAnEvent) {
            Futures.await(kv.redis().xdel(letter.streamKey(kv), letter.id()), kv.options().commandTimeout(), "discarding a dead letter");
            String what = "dropped stream entry " + letter.originalEntryId() + " (dead letter " + letter.id() + " of shard " + letter.shard()
                    + "), not a KV change event: " + letter.originalFields();
            LOG.warn("kv-drainer: {}", what);
            return what;
        }
        KvKeys keys = kv.keys();
        int shard = keys.shard(event.table(), event.key());
        String inRedis = Futures.await(kv.redis().hget(keys.rowKey(shard, event.table(), event.key()), "_v"), kv.options().commandTimeout(),
                "reading the version of " + event.key());
        String inDatabase = "";
        if (database != null) {
            long stored = database.storedVersion(event);
            inDatabase = stored == 0 ? "; the database has no version of it" : "; the database holds version " + stored;
        }
        boolean pinned = inRedis != null && Long.parseLong(inRedis) == event.version();
        if (pinned) {
            long due = System.currentTimeMillis() + kv.options().defaultTtl().toMillis();
            Futures.await(kv.redis().zadd(keys.expiryKey(shard), (double) due, event.table() + ":" + event.key() + ":" + event.version()),
                    kv.options().commandTimeout(), "releasing the pinned row");
        }
        Futures.await(kv.redis().xdel(letter.streamKey(kv), letter.id()), kv.options().commandTimeout(), "discarding a dead letter");
        String what = "dropped change " + event.op() + " version " + event.version() + " of " + event.table() + " " + event.key()
                + " (dead letter " + letter.id() + " of shard " + letter.shard() + ")" + inDatabase
                + (pinned ? "; Redis holds this version until its TTL (" + kv.options().defaultTtl() + ") ends, then reads return the database's"
                        : "; Redis holds " + (inRedis == null ? "no version" : "version " + inRedis) + " of it");
        LOG.warn("kv-drainer: {}", what);
        return what;
    }
}
