package io.kvframework.stream;

import io.kvframework.core.sink.ChangeSink;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;

/** What the parts of one {@link StreamEngine} share: Redis, its key names, the group, this instance, the sink and the log. */
record EngineContext(KvClient kv, KvKeys keys, String group, String me, EngineOptions options, ChangeSink sink, Logger log) {

    RedisClusterAsyncCommands<String, String> redis() {
        return kv.redis();
    }

    /** Waits for a Redis reply within the client's command timeout. */
    <T> T await(RedisFuture<T> f, String what) {
        return Futures.await(f, kv.options().commandTimeout(), what);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
