package io.kvframework.analytics;

import io.kvframework.analytics.internal.Environment;

import com.clickhouse.client.api.Client;
import io.kvframework.core.EntityModel;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone ClickHouse sink: {@code java -cp … io.kvframework.analytics.ClickHouseSinkMain},
 * configured by environment variables: {@code KV_KAFKA_BOOTSTRAP}, {@code KV_CLICKHOUSE_URL}
 * ({@code http://host:8123}), {@code KV_CLICKHOUSE_USER} (default), {@code KV_CLICKHOUSE_PASSWORD},
 * {@code KV_CLICKHOUSE_DATABASE} (kv), {@code KV_BRIDGE_TOPIC_PATTERN} ({@code kv.{table}}),
 * {@code KV_SINK_MODELS} (comma-separated classes with a static {@code MODEL}),
 * {@code KV_SINK_BATCH_SIZE} (5000), {@code KV_SINK_LINGER_MS} (500). Tables are created if missing.
 * SIGTERM stops it after the batch in flight; exit code 2 on bad configuration.
 */
public final class ClickHouseSinkMain {
    private ClickHouseSinkMain() {
    }

    public static void main(String[] args) throws Exception {
        Client client;
        ClickHouseSink sink;
        try {
            List<EntityModel<?>> models = new ArrayList<>();
            for (String name : Environment.required("KV_SINK_MODELS").split(",")) {
                Field f = Class.forName(name.trim()).getField("MODEL");
                models.add((EntityModel<?>) f.get(null));
            }
            client = new Client.Builder().addEndpoint(Environment.required("KV_CLICKHOUSE_URL")).setUsername(Environment.get("KV_CLICKHOUSE_USER", "default"))
                    .setPassword(Environment.get("KV_CLICKHOUSE_PASSWORD", "")).compressServerResponse(false).build();
            sink = new ClickHouseSink(Environment.required("KV_KAFKA_BOOTSTRAP"), Environment.get("KV_BRIDGE_TOPIC_PATTERN", "kv.{table}"), client,
                    Environment.get("KV_CLICKHOUSE_DATABASE", "kv"), models, Integer.parseInt(Environment.get("KV_SINK_BATCH_SIZE", "5000")),
                    Duration.ofMillis(Long.parseLong(Environment.get("KV_SINK_LINGER_MS", "500"))));
            sink.createTables();
        } catch (ReflectiveOperationException | ClassCastException | IllegalArgumentException e) {
            System.err.println("kv-clickhouse: bad configuration: " + e);
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ClickHouseSink running = sink;
        Client runningClient = client;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            runningClient.close();
            System.out.println("kv-clickhouse: stopped");
            stopped.countDown();
        }, "kv-clickhouse-shutdown"));
        sink.start();
        System.out.println("kv-clickhouse: started");
        stopped.await();
    }
}
