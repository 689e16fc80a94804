package io.kvframework.analytics;

import io.kvframework.redis.KvClient;
import io.kvframework.stream.EngineOptions;
import io.kvframework.stream.StreamEngine;
import io.kvframework.stream.StreamService;
import java.util.Objects;

/**
 * Mirrors the change streams into Kafka: a {@link StreamEngine} with the consumer group
 * {@value #GROUP} and a {@link KafkaSink}. Runs beside the drainer on the same shards; the drainer
 * must list {@value #GROUP} in {@link EngineOptions#retainForGroups()} so that trimming waits for it.
 */
public final class KafkaBridge implements StreamService {
    /** The consumer group of the bridge. */
    public static final String GROUP = "analytics";

    private final StreamEngine engine;
    private final KafkaSink sink;

    private KafkaBridge(KvClient kv, KafkaSink sink, EngineOptions options) {
        this.sink = sink;
        this.engine = new StreamEngine(kv, sink, options);
    }

    /**
     * A bridge to the Kafka cluster at {@code bootstrapServers}, with topics {@code kv.<table>}
     * (3 partitions, replication 1 when created by the bridge) and default engine options.
     */
    public static KafkaBridge create(KvClient kv, String bootstrapServers) {
        return create(kv, new KafkaSink(bootstrapServers, "kv.{table}", 3, (short) 1), EngineOptions.builder(GROUP).build());
    }

    /** A bridge with a configured sink and engine options (whose group should be {@value #GROUP}). */
    public static KafkaBridge create(KvClient kv, KafkaSink sink, EngineOptions options) {
        return new KafkaBridge(Objects.requireNonNull(kv), Objects.requireNonNull(sink), Objects.requireNonNull(options));
    }

    public KafkaBridge start() {
        engine.start();
        return this;
    }

    public KafkaSink sink() {
        return sink;
    }

    @Override
    public StreamEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        engine.close();
    }
}
