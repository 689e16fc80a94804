package io.kvframework.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import io.kvframework.core.KvRepository;
import io.kvframework.drainer.Drainer;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.sql.SqlDatabase;
import io.kvframework.stream.EngineOptions;
import io.kvframework.testkit.ClickHouseServer;
import io.kvframework.testkit.KafkaServer;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** createWithKV / updateWithKV / deleteWithKV → Kafka → ClickHouse equals PostgreSQL row for row. */
@KvTest
class ClickHouseSinkIT {

    @Test
    void theDeduplicatedClickHouseViewEqualsPostgres(RedisServer redis, KafkaServer kafka, ClickHouseServer clickhouse, DataSource db,
            TestNamespace ns) throws Exception {
        String topics = ns.value() + ".{table}";
        try (KvClient kv = KvClient.builder().redis(redis.redisUri()).dataSource(db)
                .options(KvOptions.builder().namespace(ns.value()).shards(4).build()).build();
                Drainer drainer = Drainer.builder(kv).models(Trade.MODEL).createTables(true)
                        .engineOptions(EngineOptions.builder(Drainer.GROUP).retainForGroups(List.of(KafkaBridge.GROUP)).build()).build();
                KafkaBridge bridge = KafkaBridge.create(kv, new KafkaSink(kafka.bootstrapServers(), topics, 3, (short) 1),
                        EngineOptions.builder(KafkaBridge.GROUP).build());
                Client client = clickhouse.newClient();
                ClickHouseSink sink = new ClickHouseSink(kafka.bootstrapServers(), topics, client, ns.value(), List.of(Trade.MODEL), 500,
                        Duration.ofMillis(300))) {
            sink.createTables();
            drainer.start();
            bridge.start();
            sink.start();
            KvRepository<Trade> trades = kv.repository(Trade.MODEL);
            Random random = new Random(9);
            List<String> live = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String id = "t" + random.nextInt(60);
                if (!live.contains(id)) {
                    trades.createWithKV(new Trade(id, random.nextBoolean() ? null : "desk" + random.nextInt(3), i, 0));
                    live.add(id);
                } else if (random.nextInt(8) == 0) {
                    trades.deleteWithKV(Trade.ID.eq(id));
                    live.remove(id);
                } else {
                    trades.updateWithKV(Trade.QTY.set((long) i).and(Trade.DESK.set("desk" + random.nextInt(3))), Trade.ID.eq(id));
                }
            }
            assertThat(drainer.awaitDrained(Duration.ofSeconds(60))).isTrue();
            assertThat(bridge.awaitDrained(Duration.ofSeconds(60))).isTrue();
            List<String> postgres = new ArrayList<>();
            SqlDatabase.of(kv.database()).dsl().fetch("select id, desk, qty, version from trades order by id")
                    .forEach(r -> postgres.add(r.get(0) + "\t" + (r.get(1) == null ? "\\N" : r.get(1)) + "\t" + r.get(2) + "\t" + r.get(3)));
            String query = "SELECT id, desk, qty, version FROM `" + ns.value() + "`.`trades` FINAL WHERE is_deleted = 0 ORDER BY id"
                    + " FORMAT TabSeparated";
            long deadline = System.currentTimeMillis() + 60_000;
            List<String> rows = ClickHouseServer.queryLines(client, query);
            while (!rows.equals(postgres) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
                rows = ClickHouseServer.queryLines(client, query);
            }
            assertThat(rows).isEqualTo(postgres);
            assertThat(postgres).hasSize(live.size());
            assertThat(sink.failing()).isFalse();
        }
    }

    @Test
    void recordsThatCannotBeLoadedGoToTheDeadLetterTopicAndTheRestLoads(KafkaServer kafka, ClickHouseServer clickhouse, TestNamespace ns)
            throws Exception {
        String topic = ns.value() + ".trades";
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        java.util.Properties p = new java.util.Properties();
        p.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p, new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "x", "not json".getBytes())).get();
            io.kvframework.core.ChangeEvent bad = new io.kvframework.core.ChangeEvent("trades", io.kvframework.core.ChangeEvent.Op.CREATE,
                    "b", 1, 1L, java.util.Map.of("id", "b", "qty", "not a number"));
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "b", ChangeEnvelope.toJson(bad))).get();
            io.kvframework.core.ChangeEvent good = new io.kvframework.core.ChangeEvent("trades", io.kvframework.core.ChangeEvent.Op.CREATE,
                    "g", 1, 1L, java.util.Map.of("id", "g", "qty", "7"));
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "g", ChangeEnvelope.toJson(good))).get();
        }
        try (Client client = clickhouse.newClient();
                ClickHouseSink sink = new ClickHouseSink(kafka.bootstrapServers(), ns.value() + ".{table}", client, ns.value(),
                        List.of(Trade.MODEL), 100, Duration.ofMillis(100), registry)) {
            sink.createTables();
            sink.start();
            long deadline = System.currentTimeMillis() + 60_000;
            while (sink.rowsInserted() < 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(ClickHouseServer.queryLines(client, "SELECT id, qty FROM `" + ns.value() + "`.`trades` FORMAT TabSeparated"))
                    .containsExactly("g\t7");
            var letters = KafkaBridgeIT.consumeAll(kafka, topic + ".dlq", 2);
            assertThat(letters).hasSize(2).allSatisfy(r -> assertThat(r.headers().lastHeader("kv.error")).isNotNull());
            assertThat(registry.get("kv.clickhouse.dead.letters").counter().count()).isEqualTo(2.0);
            assertThat(registry.get("kv.clickhouse.rows").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void standaloneSinkLoadsAndStopsOnSigterm(KafkaServer kafka, ClickHouseServer clickhouse, TestNamespace ns) throws Exception {
        String topic = ns.value() + ".trades";
        java.util.Properties p = new java.util.Properties();
        p.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p, new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (int v = 1; v <= 3; v++) {
                io.kvframework.core.ChangeEvent e = new io.kvframework.core.ChangeEvent("trades",
                        v == 1 ? io.kvframework.core.ChangeEvent.Op.CREATE : io.kvframework.core.ChangeEvent.Op.UPDATE, "s", v, 1L,
                        java.util.Map.of("id", "s", "qty", Integer.toString(v * 10)));
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "s", ChangeEnvelope.toJson(e))).get();
            }
        }
        java.util.Map<String, String> env = java.util.Map.of("KV_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
                "KV_CLICKHOUSE_URL", clickhouse.endpoint(), "KV_CLICKHOUSE_USER", clickhouse.user(),
                "KV_CLICKHOUSE_PASSWORD", clickhouse.password(), "KV_CLICKHOUSE_DATABASE", ns.value(),
                "KV_BRIDGE_TOPIC_PATTERN", ns.value() + ".{table}", "KV_SINK_MODELS", Trade.class.getName(), "KV_SINK_LINGER_MS", "100");
        try (io.kvframework.testkit.JvmProcess sink = io.kvframework.testkit.JvmProcess.start(ClickHouseSinkMain.class, List.of(), env);
                Client client = clickhouse.newClient()) {
            sink.awaitLine(l -> l.equals("kv-clickhouse: started"), Duration.ofSeconds(60));
            String query = "SELECT id, qty, version FROM `" + ns.value() + "`.`trades` FINAL FORMAT TabSeparated";
            long deadline = System.currentTimeMillis() + 60_000;
            List<String> rows = List.of();
            while (System.currentTimeMillis() < deadline && !rows.equals(List.of("s\t30\t3"))) {
                Thread.sleep(200);
                rows = ClickHouseServer.queryLines(client, query);
            }
            assertThat(rows).containsExactly("s\t30\t3");
            assertThat(sink.terminate(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(sink.output()).contains("kv-clickhouse: stopped");
        }
    }
}
