package io.kvframework.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.testkit.FaultReport;
import io.kvframework.testkit.JvmProcess;
import io.kvframework.testkit.KafkaServer;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The bridge in another JVM, killed with SIGKILL mid-batch again and again: no event goes missing from Kafka. */
@KvTest
class BridgeCrashIT {
    static final int CYCLES = 20;

    @Test
    void sigkilledBridgeMissesNoEvent(RedisServer redis, KafkaServer kafka, TestNamespace ns) throws Exception {
        try (KvClient kv = KvClient.builder().redis(redis.redisUri())
                .options(KvOptions.builder().namespace(ns.value()).shards(4).build()).build()) {
            Map<String, String> env = Map.of("KV_REDIS_URL", redis.uri(), "KV_NAMESPACE", ns.value(), "KV_SHARDS", "4",
                    "KV_KAFKA_BOOTSTRAP", kafka.bootstrapServers(), "KV_BRIDGE_TOPIC_PATTERN", ns.value() + ".{table}",
                    "KV_BRIDGE_LEASE_TTL_MS", "800");
            KvRepository<Trade> trades = kv.repository(Trade.MODEL);
            Set<String> written = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                Map<String, Boolean> exists = new java.util.HashMap<>();
                Random random = new Random(3);
                while (!stop.get()) {
                    String id = "t" + random.nextInt(100);
                    Trade t = exists.containsKey(id) ? trades.updateOneWithKV(Trade.QTY.set(random.nextLong()), Trade.ID.eq(id)).orElseThrow()
                            : trades.createWithKV(new Trade(id, "d", 1, 0));
                    exists.put(id, true);
                    written.add(id + "@" + t.version());
                    java.util.concurrent.locks.LockSupport.parkNanos(500_000);
                }
            });
            writer.start();
            Random random = new Random(11);
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                try (JvmProcess bridge = JvmProcess.start(KafkaBridgeMain.class, List.of(), env)) {
                    bridge.awaitLine(l -> l.startsWith("kv-bridge: started"), Duration.ofSeconds(60));
                    Thread.sleep(300 + random.nextInt(1200));
                    bridge.kill();
                }
            }
            stop.set(true);
            writer.join();
            try (JvmProcess last = JvmProcess.start(KafkaBridgeMain.class, List.of(), env)) {
                last.awaitLine(l -> l.startsWith("kv-bridge: started"), Duration.ofSeconds(60));
                io.kvframework.stream.StreamEngine observer = new io.kvframework.stream.StreamEngine(kv,
                        new io.kvframework.core.sink.ChangeSink() {
                            @Override
                            public String name() {
                                return "observer";
                            }

                            @Override
                            public void write(io.kvframework.core.sink.SinkBatch batch) {
                            }
                        }, io.kvframework.stream.EngineOptions.builder(KafkaBridge.GROUP).instanceId("observer").build());
                long deadline = System.currentTimeMillis() + 90_000;
                while (observer.backlog() > 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(observer.backlog()).isZero();
                assertThat(last.terminate(Duration.ofSeconds(30))).isEqualTo(143);
            }
            Set<String> inKafka = new HashSet<>();
            Map<String, String> lastInKafka = new java.util.TreeMap<>();
            int records = 0;
            for (var r : KafkaBridgeIT.consumeAll(kafka, ns.value() + ".trades", written.size())) {
                ChangeEvent e = ChangeEnvelope.fromJson(r.value());
                inKafka.add(e.key() + "@" + e.version());
                lastInKafka.merge(e.key(), String.valueOf(e.version()), (a, b) -> Long.parseLong(a) >= Long.parseLong(b) ? a : b);
                records++;
            }
            Map<String, String> lastWritten = new java.util.TreeMap<>();
            for (String change : written) {
                String[] parts = change.split("@");
                lastWritten.merge(parts[0], parts[1], (a, b) -> Long.parseLong(a) >= Long.parseLong(b) ? a : b);
            }
            Set<String> missing = new HashSet<>(written);
            missing.removeAll(inKafka);
            // consumers keep the highest version per key, so a record sent twice (at-least-once) has no effect; a missing change is lost
            FaultReport report = FaultReport.compare("bridge-sigkill", written.size(), CYCLES, lastWritten, lastInKafka, 0,
                    String.format("%,d records in Kafka, %,d distinct changes, %,d sent again after a kill (no effect), %,d changes missing",
                            records, inKafka.size(), records - inKafka.size(), missing.size())).print();
            report.assertNothingLostOrDuplicated();
            assertThat(inKafka).containsAll(written);
        }
    }
}
