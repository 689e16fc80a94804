package io.kvframework.testkit;

import com.clickhouse.client.api.Client;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Starts (or finds) every server the way the tests do and prints what it reached. Exit code 0 when
 * Redis, PostgreSQL and Kafka answer (MariaDB and ClickHouse are reported, not required).
 */
public final class Smoke {
    private Smoke() {
    }

    public static void main(String[] args) {
        boolean ok = check("redis", true, () -> {
            RedisServer server = Servers.redis();
            RedisClient client = RedisClient.create(server.redisUri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                return server.describe() + " answers " + c.sync().ping() + ", version "
                        + c.sync().info("server").lines().filter(l -> l.startsWith("redis_version")).findFirst().orElse("?");
            } finally {
                client.shutdown();
            }
        });
        ok &= check("postgres", true, () -> jdbc(Servers.postgres(), "SELECT version()"));
        ok &= check("mariadb", false, () -> jdbc(Servers.mariadb(), "SELECT version()"));
        ok &= check("kafka", true, () -> {
            KafkaServer server = Servers.kafka();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers()))) {
                String cluster = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
                return server.describe() + " cluster " + cluster;
            }
        });
        ok &= check("clickhouse", false, () -> {
            ClickHouseServer server = Servers.clickhouse();
            try (Client client = server.newClient()) {
                String version = ClickHouseServer.queryLines(client, "SELECT version() FORMAT TabSeparated").get(0);
                return server.describe() + " version " + version;
            }
        });
        System.out.println(ok ? "smoke: all required servers reached" : "smoke: FAILED");
        System.exit(ok ? 0 : 1);
    }

    private static String jdbc(JdbcServer server, String sql) throws Exception {
        try (Connection c = server.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return server.describe() + " " + rs.getString(1);
        }
    }

    private static boolean check(String name, boolean required, Callable<String> probe) {
        try {
            System.out.println(name + ": ok, " + probe.call());
            return true;
        } catch (Exception e) {
            System.out.println(name + ": " + (required ? "FAILED" : "not available") + ", " + e.getMessage());
            return !required;
        }
    }
}
