package io.kvframework.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.stream.EngineOptions;
import io.kvframework.stream.HealthState;
import io.kvframework.testkit.ClickHouseServer;
import io.kvframework.testkit.FaultReport;
import io.kvframework.testkit.KafkaServer;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The Kafka broker stopped for 20 s, and ClickHouse stopped, under a steady write load: both pipelines wait, then catch up. */
@KvTest
class AnalyticsOutageIT {

    @Test
    void brokerAndClickHouseOutagesLoseNothing(RedisServer redis, TestNamespace ns) throws Exception {
        try (KafkaServer kafka = KafkaServer.startEmbedded(); ClickHouseServer clickhouse = ClickHouseServer.startEmbedded();
                KvClient kv = KvClient.builder().redis(redis.redisUri())
                        .options(KvOptions.builder().namespace(ns.value()).shards(4).build()).build();
                KafkaBridge bridge = KafkaBridge.create(kv, new KafkaSink(kafka.bootstrapServers(), ns.value() + ".{table}", 3, (short) 1),
                        EngineOptions.builder(KafkaBridge.GROUP).retryMax(Duration.ofSeconds(1)).build());
                Client client = clickhouse.newClient();
                ClickHouseSink sink = new ClickHouseSink(kafka.bootstrapServers(), ns.value() + ".{table}", client, ns.value(),
                        List.of(Trade.MODEL), 500, Duration.ofMillis(200))) {
            sink.createTables();
            bridge.start();
            sink.start();
            KvRepository<Trade> trades = kv.repository(Trade.MODEL);
            Map<String, Long> expected = new TreeMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong failures = new AtomicLong();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    String id = "t" + (i % 200);
                    try {
                        Trade t = expected.containsKey(id) ? trades.updateOneWithKV(Trade.QTY.set((long) i), Trade.ID.eq(id)).orElseThrow()
                                : trades.createWithKV(new Trade(id, "d", i, 0));
                        synchronized (expected) {
                            expected.put(id, t.version());
                        }
                        writes.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                    i++;
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            writer.start();
            Thread.sleep(2000);
            Set<HealthState> seen = EnumSet.noneOf(HealthState.class);
            kafka.stop();
            long end = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < end) {
                seen.add(bridge.health());
                Thread.sleep(100);
            }
            kafka.start();
            Thread.sleep(3000);
            clickhouse.stop();
            Thread.sleep(5000);
            boolean sinkWasFailing = sink.failing();
            clickhouse.start();
            Thread.sleep(2000);
            stop.set(true);
            writer.join();
            assertThat(failures.get()).isZero();
            // the producer holds records up to its delivery timeout (30 s): a 20 s outage shows as lag, longer ones as SINK_UNAVAILABLE
            assertThat(seen).containsAnyOf(HealthState.LAGGING, HealthState.SINK_UNAVAILABLE);
            assertThat(bridge.awaitDrained(Duration.ofSeconds(90))).isTrue();
            String query = "SELECT id, version FROM `" + ns.value() + "`.`trades` FINAL WHERE is_deleted = 0 ORDER BY id FORMAT TabSeparated";
            List<String> want;
            synchronized (expected) {
                want = expected.entrySet().stream().map(e -> e.getKey() + "\t" + e.getValue()).toList();
            }
            List<String> rows = List.of();
            long deadline = System.currentTimeMillis() + 90_000;
            while (System.currentTimeMillis() < deadline) {
                try {
                    rows = ClickHouseServer.queryLines(client, query);
                    if (rows.equals(want)) {
                        break;
                    }
                } catch (IllegalStateException e) {
                    // ClickHouse still starting
                }
                Thread.sleep(250);
            }
            Map<String, String> inClickHouse = new TreeMap<>();
            rows.forEach(line -> inClickHouse.put(line.split("\t")[0], line.split("\t")[1]));
            Map<String, String> expectedVersions = new TreeMap<>();
            want.forEach(line -> expectedVersions.put(line.split("\t")[0], line.split("\t")[1]));
            FaultReport.compare("kafka-and-clickhouse-restart", writes.get(), 2, expectedVersions, inClickHouse, 0,
                    String.format("broker stopped 20 s (bridge health %s), ClickHouse stopped 5 s (sink failing: %s); %,d keys, %,d writes"
                            + " failed", seen, sinkWasFailing, want.size(), failures.get()))
                    .print().assertNothingLostOrDuplicated();
            assertThat(rows).isEqualTo(want);
        }
    }
}
