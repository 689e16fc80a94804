package io.kvframework.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import io.lettuce.core.Consumer;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Each server the testkit hands out is real and each test's data is its own. */
@KvTest
class ServersIT {

    @AfterAll
    static void printSources() {
        Servers.describeProvided().forEach(s -> System.out.println("kv-testkit server: " + s));
    }

    @Test
    void redisAnswersStreamsGroupsAndScripts(StatefulRedisConnection<String, String> connection, TestNamespace ns) {
        RedisCommands<String, String> redis = connection.sync();
        assertThat(redis.ping()).isEqualTo("PONG");
        String stream = ns + ":stream";
        redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "g", io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
        String id = redis.xadd(stream, Map.of("op", "c", "key", "42"));
        List<StreamMessage<String, String>> read = redis.xreadgroup(Consumer.from("g", "c1"),
                XReadArgs.Builder.count(10), XReadArgs.StreamOffset.lastConsumed(stream));
        assertThat(read).singleElement().satisfies(m -> {
            assertThat(m.getId()).isEqualTo(id);
            assertThat(m.getBody()).containsEntry("key", "42");
        });
        assertThat(redis.xack(stream, "g", id)).isEqualTo(1L);
        Long incremented = redis.eval("return redis.call('HINCRBY', KEYS[1], 'v', ARGV[1])", ScriptOutputType.INTEGER,
                new String[] {ns + ":row"}, "5");
        assertThat(incremented).isEqualTo(5L);
        assertThat(redis.hget(ns + ":row", "v")).isEqualTo("5");
    }

    @Test
    void postgresCreatesInsertsSelectsInItsOwnSchema(@Postgres IsolatedDatabase db, PostgresServer server) throws SQLException {
        assertThat(crud(db.dataSource())).containsExactly("a:1", "b:2");
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(db.name());
        }
        assertThat(server.source()).isNotNull();
    }

    @Test
    void postgresSchemasAreIsolated(PostgresServer server) throws SQLException {
        try (IsolatedDatabase one = server.isolated(TestNamespace.create().value());
                IsolatedDatabase two = server.isolated(TestNamespace.create().value())) {
            crud(one.dataSource());
            try (Connection c = two.dataSource().getConnection(); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM items")).isInstanceOf(SQLException.class)
                        .hasMessageContaining("items");
            }
        }
    }

    @Test
    void mariadbCreatesInsertsSelects(@MariaDb DataSource dataSource) throws SQLException {
        assertThat(crud(dataSource)).containsExactly("a:1", "b:2");
    }

    @Test
    void kafkaProducesAndConsumesWithAnIdempotentProducer(KafkaServer kafka, TestNamespace ns) throws Exception {
        String topic = ns + ".items";
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + (i % 3), "v" + i)).get(60, TimeUnit.SECONDS);
            }
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, ns + "-group");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < 10 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        assertThat(values).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    }

    @Test
    void clickhouseReplacingMergeTreeTakesJsonEachRow(ClickHouseServer server, TestNamespace ns) throws Exception {
        try (Client client = server.newClient()) {
            String db = ns.value();
            client.execute("CREATE DATABASE IF NOT EXISTS " + db).get(60, TimeUnit.SECONDS).close();
            try {
                client.execute("CREATE TABLE " + db + ".items (id String, name String, version UInt64, is_deleted UInt8)"
                        + " ENGINE = ReplacingMergeTree(version) ORDER BY id").get(60, TimeUnit.SECONDS).close();
                String rows = """
                        {"id":"a","name":"first","version":1,"is_deleted":0}
                        {"id":"a","name":"second","version":2,"is_deleted":0}
                        {"id":"b","name":"other","version":1,"is_deleted":0}
                        """;
                client.insert(db + ".items", new ByteArrayInputStream(rows.getBytes(StandardCharsets.UTF_8)),
                        ClickHouseFormat.JSONEachRow).get(60, TimeUnit.SECONDS).close();
                List<String> lines = ClickHouseServer.queryLines(client,
                        "SELECT id, name, version FROM " + db + ".items FINAL ORDER BY id FORMAT TabSeparated");
                assertThat(lines).containsExactly("a\tsecond\t2", "b\tother\t1");
            } finally {
                client.execute("DROP DATABASE IF EXISTS " + db).get(60, TimeUnit.SECONDS).close();
            }
        }
    }

    @Test
    void namespacesAreUnique(TestNamespace ns) {
        assertThat(ns.value()).matches("[a-z][a-z0-9_]*").isNotEqualTo(TestNamespace.create().value());
    }

    private static List<String> crud(DataSource dataSource) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id VARCHAR(20) PRIMARY KEY, qty INT NOT NULL)");
            s.execute("INSERT INTO items (id, qty) VALUES ('a', 1), ('b', 2)");
            try (ResultSet rs = s.executeQuery("SELECT id, qty FROM items ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + ":" + rs.getInt(2));
                }
            }
        }
        return rows;
    }
}
