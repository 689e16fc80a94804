package io.kvframework.analytics;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.config.KvSettings;
import io.kvframework.redis.config.Setting;
import io.kvframework.redis.config.StandaloneProcess;
import io.kvframework.stream.EngineOptions;
import java.time.Duration;

/**
 * The standalone Kafka bridge: {@code java -cp … io.kvframework.analytics.KafkaBridgeMain [settings.properties]}.
 * Settings ({@link Setting}, docs/configuration.md; file or {@code KV_CONFIG}, overridden by the
 * environment): {@code kv.redis.url} or {@code kv.redis.cluster}, {@code kv.namespace},
 * {@code kv.shards}, {@code kv.kafka.bootstrap}, {@code kv.bridge.*}. SIGTERM stops it cleanly (the
 * batch in flight is confirmed and acknowledged, the leases are released); exit code 2 on bad
 * configuration.
 */
public final class KafkaBridgeMain {
    private KafkaBridgeMain() {
    }

    public static void main(String[] args) throws Exception {
        StandaloneProcess.run("kv-bridge", args, KafkaBridgeMain::create);
    }

    static StandaloneProcess.Service create(KvSettings s) {
        Duration ttl = s.millis(Setting.BRIDGE_LEASE_TTL_MS);
        EngineOptions.Builder options = EngineOptions.builder(KafkaBridge.GROUP).leaseTtl(ttl).leaseRenewInterval(ttl.dividedBy(4))
                .pollInterval(Duration.ofMillis(5));
        String instance = s.get(Setting.BRIDGE_INSTANCE);
        if (instance != null) {
            options.instanceId(instance);
        }
        EngineOptions engine = options.build();
        KafkaSink sink = new KafkaSink(s.required(Setting.KAFKA_BOOTSTRAP), s.required(Setting.BRIDGE_TOPIC_PATTERN),
                s.integer(Setting.BRIDGE_PARTITIONS), (short) s.integer(Setting.BRIDGE_REPLICATION));
        KvClient kv = s.client().build();
        KafkaBridge bridge = KafkaBridge.create(kv, sink, engine);
        return StandaloneProcess.Service.of(bridge::start, () -> "instance " + bridge.engine().instanceId(), bridge, kv);
    }
}
