package io.kvframework.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The fresh-machine path: servers the testkit starts itself, whatever runs on this machine already,
 * and the stop/start fault helpers on them.
 */
class EmbeddedServersIT {

    @Test
    void redisStartsStopsAndRestarts() {
        try (RedisServer server = RedisServer.startEmbedded()) {
            assertThat(server.source()).isEqualTo(ServerSource.EMBEDDED);
            assertThat(server.port()).isNotEqualTo(6379);
            RedisClient client = RedisClient.create(server.redisUri());
            try {
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    assertThat(c.sync().ping()).isEqualTo("PONG");
                    c.sync().set("k", "v");
                }
                server.stop();
                assertThatThrownBy(client::connect).isInstanceOf(io.lettuce.core.RedisConnectionException.class);
                server.start();
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    assertThat(c.sync().ping()).isEqualTo("PONG");
                    // no persistence configured: a restart loses the data, as documented
                    assertThat(c.sync().get("k")).isNull();
                }
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void postgresStartsStopsAndRestartsKeepingData() throws SQLException {
        try (PostgresServer server = PostgresServer.startEmbedded()) {
            assertThat(server.source()).isEqualTo(ServerSource.EMBEDDED);
            assertThat(server.port()).isNotEqualTo(5432);
            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (id INT PRIMARY KEY)");
                s.execute("INSERT INTO kept VALUES (7)");
            }
            server.stop();
            assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password()).close())
                    .isInstanceOf(SQLException.class);
            server.start();
            try (Connection c = server.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(7);
            }
        }
    }

    @Test
    void kafkaStartsInThisJvmStopsAndRestartsKeepingTopics() throws Exception {
        try (KafkaServer server = KafkaServer.startEmbedded()) {
            assertThat(server.source()).isEqualTo(ServerSource.EMBEDDED);
            Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
            try (Admin admin = Admin.create(config)) {
                admin.createTopics(Set.of(new NewTopic("kept", 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            server.stop();
            server.start();
            try (Admin admin = Admin.create(config)) {
                assertThat(admin.listTopics().names().get(60, TimeUnit.SECONDS)).contains("kept");
            }
        }
    }
}
