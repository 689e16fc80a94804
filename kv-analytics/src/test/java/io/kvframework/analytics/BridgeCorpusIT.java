package io.kvframework.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.stream.DeadLetter;
import io.kvframework.stream.EngineOptions;
import io.kvframework.testkit.KafkaServer;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * G5 for the Kafka bridge: corrupted and foreign entries written straight into the streams go to
 * the bridge's dead letters with their reason; every good change still reaches Kafka; no shard stalls.
 */
@KvTest
class BridgeCorpusIT {

    @Test
    void corruptedEntriesAreDeadLetteredAndGoodChangesReachKafka(RedisServer redis, KafkaServer kafka, TestNamespace ns) throws Exception {
        List<Map<String, String>> corpus = List.of(
                Map.of("foreign", "entry"),
                Map.of("table", "trades", "op", "c", "key", "x1", "version", "abc", "ts", "1", "row", "{}"),
                Map.of("table", "trades", "op", "q", "key", "x2", "version", "1", "ts", "1", "row", "{}"),
                Map.of("table", "trades", "op", "c", "key", "x3", "version", "1", "ts", "1", "row", "{not json"),
                Map.of("table", "trades", "op", "c", "version", "1", "ts", "1", "row", "{\"id\":\"x4\"}"),
                Map.of("table", "trades", "op", "c", "key", "x5", "version", "0", "ts", "1", "row", "{\"id\":\"x5\"}"));
        List<String> reasons = List.of("not a KV change event", "not a number", "unknown change op", "not a JSON object",
                "no 'key' field", "versions start at 1");
        RedisClient client = RedisClient.create(redis.redisUri());
        try (KvClient kv = KvClient.builder().redis(redis.redisUri()).options(KvOptions.builder().namespace(ns.value()).shards(4).build())
                .build();
                StatefulRedisConnection<String, String> raw = client.connect();
                KafkaBridge bridge = KafkaBridge.create(kv, new KafkaSink(kafka.bootstrapServers(), ns.value() + ".{table}", 3, (short) 1),
                        EngineOptions.builder(KafkaBridge.GROUP).build())) {
            bridge.start();
            KvRepository<Trade> trades = kv.repository(Trade.MODEL);
            Set<String> written = new HashSet<>();
            for (int i = 0; i < corpus.size(); i++) {
                Trade before = trades.createWithKV(new Trade("before-" + i, "d", i, 0));
                written.add(before.id() + "@" + before.version());
                raw.sync().xadd(kv.keys().streamKey(i % 4), corpus.get(i));
                Trade after = trades.createWithKV(new Trade("after-" + i, "d", i, 0));
                written.add(after.id() + "@" + after.version());
            }
            assertThat(bridge.awaitDrained(Duration.ofSeconds(60))).as("no shard stalls").isTrue();
            List<DeadLetter> letters = bridge.deadLetters().list(100);
            letters.forEach(l -> System.out.printf("  bridge dead letter (shard %d): %s%n", l.shard(), l.error()));
            assertThat(letters).hasSize(corpus.size());
            for (String reason : reasons) {
                assertThat(letters).as("a dead letter saying '%s'", reason).anyMatch(l -> l.error().contains(reason));
            }
            Set<String> inKafka = new HashSet<>();
            for (var r : KafkaBridgeIT.consumeAll(kafka, ns.value() + ".trades", written.size())) {
                ChangeEvent e = ChangeEnvelope.fromJson(r.value());
                inKafka.add(e.key() + "@" + e.version());
            }
            assertThat(inKafka).isEqualTo(written);
        } finally {
            client.shutdown();
        }
    }
}
