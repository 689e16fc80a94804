package io.kvframework.analytics;

import com.clickhouse.client.api.Client;
import io.kvframework.redis.config.KvSettings;
import io.kvframework.redis.config.Setting;
import io.kvframework.redis.config.StandaloneProcess;

/**
 * The standalone ClickHouse loader: {@code java -cp … io.kvframework.analytics.ClickHouseSinkMain [settings.properties]}.
 * Settings ({@link Setting}, docs/configuration.md; file or {@code KV_CONFIG}, overridden by the
 * environment): {@code kv.kafka.bootstrap}, {@code kv.bridge.topic-pattern},
 * {@code kv.clickhouse.*}, {@code kv.sink.*}. Tables are created if missing. SIGTERM stops it after
 * the batch in flight; exit code 2 on bad configuration.
 */
public final class ClickHouseSinkMain {
    private ClickHouseSinkMain() {
    }

    public static void main(String[] args) throws Exception {
        StandaloneProcess.run("kv-clickhouse", args, ClickHouseSinkMain::create);
    }

    static StandaloneProcess.Service create(KvSettings s) {
        var models = s.models(Setting.SINK_MODELS);
        Client client = new Client.Builder().addEndpoint(s.required(Setting.CLICKHOUSE_URL)).setUsername(s.required(Setting.CLICKHOUSE_USER))
                .setPassword(s.get(Setting.CLICKHOUSE_PASSWORD)).compressServerResponse(false).build();
        ClickHouseSink sink = new ClickHouseSink(s.required(Setting.KAFKA_BOOTSTRAP), s.required(Setting.BRIDGE_TOPIC_PATTERN), client,
                s.required(Setting.CLICKHOUSE_DATABASE), models, s.integer(Setting.SINK_BATCH_SIZE),
                s.millis(Setting.SINK_LINGER_MS));
        return StandaloneProcess.Service.of(() -> {
            sink.createTables();
            sink.start();
        }, () -> "", sink, client);
    }
}
