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

    /**
     * Runs {@code work} every {@code interval} until {@code running} turns false; a failure is logged
     * as {@code "<what> failed"} and the next round runs as usual.
     */
    void repeat(java.util.function.BooleanSupplier running, java.time.Duration interval, String what, Runnable work) {
        while (running.getAsBoolean()) {
            try {
                work.run();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                log.warn("kv-engine[{}]: {} failed: {}", group, what, e.toString());
            }
            sleep(interval.toMillis());
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
