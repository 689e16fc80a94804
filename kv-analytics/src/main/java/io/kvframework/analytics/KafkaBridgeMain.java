package io.kvframework.analytics;

import io.kvframework.analytics.internal.Environment;

import io.kvframework.drainer.EngineOptions;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone Kafka bridge: {@code java -cp … io.kvframework.analytics.KafkaBridgeMain}, configured
 * by environment variables: {@code KV_REDIS_URL}, {@code KV_NAMESPACE} (kv), {@code KV_SHARDS} (64),
 * {@code KV_KAFKA_BOOTSTRAP}, {@code KV_BRIDGE_TOPIC_PATTERN} ({@code kv.{table}}),
 * {@code KV_BRIDGE_PARTITIONS} (3), {@code KV_BRIDGE_REPLICATION} (1), {@code KV_BRIDGE_INSTANCE},
 * {@code KV_BRIDGE_LEASE_TTL_MS} (10000). SIGTERM stops it cleanly (the batch in flight is confirmed
 * and acknowledged, the leases are released); exit code 2 on bad configuration.
 */
public final class KafkaBridgeMain {
    private KafkaBridgeMain() {
    }

    public static void main(String[] args) throws Exception {
        KvClient kv;
        KafkaBridge bridge;
        try {
            kv = KvClient.builder().redis(RedisURI.create(Environment.required("KV_REDIS_URL")))
                    .options(KvOptions.builder().namespace(Environment.get("KV_NAMESPACE", KvOptions.DEFAULT_NAMESPACE))
                            .shards(Integer.parseInt(Environment.get("KV_SHARDS", "64"))).build()).build();
            EngineOptions.Builder options = EngineOptions.builder(KafkaBridge.GROUP);
            String instance = System.getenv("KV_BRIDGE_INSTANCE");
            if (instance != null && !instance.isBlank()) {
                options.instanceId(instance);
            }
            Duration ttl = Duration.ofMillis(Long.parseLong(Environment.get("KV_BRIDGE_LEASE_TTL_MS", "10000")));
            options.leaseTtl(ttl).leaseRenewInterval(ttl.dividedBy(4)).pollInterval(Duration.ofMillis(5));
            bridge = KafkaBridge.create(kv, new KafkaSink(Environment.required("KV_KAFKA_BOOTSTRAP"), Environment.get("KV_BRIDGE_TOPIC_PATTERN", "kv.{table}"),
                    Integer.parseInt(Environment.get("KV_BRIDGE_PARTITIONS", "3")), Short.parseShort(Environment.get("KV_BRIDGE_REPLICATION", "1"))),
                    options.build());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("kv-bridge: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        KafkaBridge running = bridge;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            kv.close();
            System.out.println("kv-bridge: stopped");
            stopped.countDown();
        }, "kv-bridge-shutdown"));
        bridge.start();
        System.out.println("kv-bridge: started instance " + bridge.engine().instanceId());
        stopped.await();
    }
}
