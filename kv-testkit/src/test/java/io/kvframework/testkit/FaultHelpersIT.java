package io.kvframework.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@KvTest
class FaultHelpersIT {

    @Test
    void cutProxyFailsRedisClientsAndRestoreHeals(RedisServer redis) {
        try (TcpProxy proxy = TcpProxy.to(redis)) {
            RedisClient client = RedisClient.create(RedisURI.builder().withHost(proxy.host()).withPort(proxy.port())
                    .withTimeout(Duration.ofSeconds(2)).build());
            client.setOptions(ClientOptions.builder().autoReconnect(false).build());
            try {
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    assertThat(c.sync().ping()).isEqualTo("PONG");
                    proxy.cut();
                    assertThat(proxy.isCut()).isTrue();
                    assertThatThrownBy(() -> c.sync().ping()).isInstanceOf(io.lettuce.core.RedisException.class);
                }
                assertThatThrownBy(client::connect).isInstanceOf(io.lettuce.core.RedisConnectionException.class);
                proxy.restore();
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    assertThat(c.sync().ping()).isEqualTo("PONG");
                }
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void cutProxyFailsJdbcAndRestoreHeals(PostgresServer postgres) throws SQLException {
        try (TcpProxy proxy = TcpProxy.to(postgres)) {
            String url = "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/" + postgres.database()
                    + "?connectTimeout=3&socketTimeout=5";
            try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password())) {
                assertThat(selectOne(c)).isEqualTo(1);
                proxy.cut();
                assertThatThrownBy(() -> selectOne(c)).isInstanceOf(SQLException.class);
            }
            assertThatThrownBy(() -> DriverManager.getConnection(url, postgres.user(), postgres.password()))
                    .isInstanceOf(SQLException.class);
            proxy.restore();
            try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password())) {
                assertThat(selectOne(c)).isEqualTo(1);
            }
        }
    }

    @Test
    void jvmProcessRunsAndDiesBySigkill() {
        try (JvmProcess process = JvmProcess.start(Sleeper.class, List.of("ready"), Map.of())) {
            process.awaitLine(l -> l.equals("ready"), Duration.ofSeconds(30));
            assertThat(process.alive()).isTrue();
            process.kill();
            assertThat(process.alive()).isFalse();
            // 128 + SIGKILL(9): the process did not exit by itself
            assertThat(process.waitFor(Duration.ofSeconds(5))).isEqualTo(137);
            assertThat(process.output()).doesNotContain("shutdown hook ran");
        }
    }

    @Test
    void jvmProcessTerminatesGracefullyOnSigterm() {
        try (JvmProcess process = JvmProcess.start(Sleeper.class, List.of("ready"), Map.of())) {
            process.awaitLine(l -> l.equals("ready"), Duration.ofSeconds(30));
            int code = process.terminate(Duration.ofSeconds(30));
            assertThat(code).as("exit code after SIGTERM, output %s", process.output()).isEqualTo(143);
            process.awaitLine(l -> l.equals("shutdown hook ran"), Duration.ofSeconds(5));
        }
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Main class for the child JVM. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread hook = new Thread(Sleeper::hook, "hook");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println(args[0]);
            Thread.sleep(120_000);
        }

        private static void hook() {
            System.out.println("shutdown hook ran");
            System.out.flush();
        }
    }
}
