package io.kvframework.examples.orders;

import com.clickhouse.client.api.Client;
import io.kvframework.analytics.ChangeEnvelope;
import io.kvframework.core.ChangeEvent;
import io.kvframework.redis.KvKeys;
import io.kvframework.testkit.ClickHouseServer;
import io.kvframework.testkit.KafkaServer;
import io.kvframework.testkit.RedisServer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** How many live orders each store holds at the end of the demo, counted the way an operator would. */
final class StoreCounts {
    private StoreCounts() {
    }

    /** Live order rows in Redis: row hashes of the namespace that are not tombstones. */
    static long redis(RedisServer server, KvKeys keys) {
        RedisClient client = RedisClient.create(server.redisUri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> redis = c.sync();
            long live = 0;
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(keys.rowKeyPattern("orders")).limit(1000));
                for (String key : page.getKeys()) {
                    if (!redis.hexists(key, "_d")) {
                        live++;
                    }
                }
                cursor = page;
            } while (!cursor.isFinished());
            return live;
        } finally {
            client.shutdown();
        }
    }

    /** Keys of the topic whose last event is not a delete: what a compacted topic would keep. */
    static long kafka(KafkaServer kafka, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<String, ChangeEvent.Op> last = new HashMap<>();
            long deadline = System.currentTimeMillis() + 60_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    last.put(r.key(), ChangeEnvelope.fromJson(r.value()).op());
                }
            }
            return last.values().stream().filter(op -> op != ChangeEvent.Op.DELETE).count();
        }
    }

    /** Live orders in ClickHouse's deduplicated view, waiting up to a minute for the sink to catch up. */
    static long clickHouse(Client client, String ns, long expected) throws InterruptedException {
        String sql = "SELECT count() FROM `" + ns + "`.`orders` FINAL WHERE is_deleted = 0 FORMAT TabSeparated";
        long deadline = System.currentTimeMillis() + 60_000;
        long n = Long.parseLong(ClickHouseServer.queryLines(client, sql).get(0));
        while (n != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            n = Long.parseLong(ClickHouseServer.queryLines(client, sql).get(0));
        }
        return n;
    }
}
