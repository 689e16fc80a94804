package io.kvframework.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a private ClickHouse server from a {@code clickhouse-server} (or {@code clickhouse}) binary
 * on PATH, with a generated configuration on free ports. The configuration uses the {@code <yandex>}
 * root element, which both ClickHouse 18.x (Debian) and current releases accept.
 */
public final class EmbeddedClickHouse {
    private static final Logger LOG = LoggerFactory.getLogger("kv-testkit");

    private EmbeddedClickHouse() {
    }

    public static boolean available() {
        return Executables.find("clickhouse-server") != null || Executables.find("clickhouse") != null;
    }

    /** Starts the server; the returned port is the HTTP port. */
    public static Started start() {
        List<String> command = new ArrayList<>();
        Path server = Executables.find("clickhouse-server");
        if (server != null) {
            command.add(server.toString());
        } else {
            Path multi = Executables.find("clickhouse");
            if (multi == null) {
                throw new IllegalStateException("kv-testkit: no clickhouse-server or clickhouse binary on PATH");
            }
            command.add(multi.toString());
            command.add("server");
        }
        int httpPort = Ports.free();
        int tcpPort = Ports.free();
        Path dir = TempDirs.create("clickhouse-" + httpPort);
        Path config = dir.resolve("config.xml");
        try {
            for (String sub : List.of("data", "tmp", "user_files", "format_schemas", "log")) {
                Files.createDirectories(dir.resolve(sub));
            }
            Files.writeString(config, config(dir, httpPort, tcpPort));
            Files.writeString(dir.resolve("users.xml"), USERS);
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: cannot write ClickHouse configuration in " + dir, e);
        }
        command.add("--config-file=" + config);
        ServerProcess process = new ServerProcess("clickhouse:" + httpPort, command, dir, dir.resolve("log/console.log"));
        ServerLifecycle lifecycle = new ProcessLifecycle("clickhouse", process, "127.0.0.1", httpPort, dir, Duration.ofSeconds(60));
        lifecycle.start();
        LOG.info("kv-testkit: started ClickHouse ({}) with HTTP on 127.0.0.1:{}", command.get(0), httpPort);
        return new Started("127.0.0.1", httpPort, lifecycle);
    }

    private static String config(Path dir, int httpPort, int tcpPort) {
        return """
                <?xml version="1.0"?>
                <yandex>
                    <logger>
                        <level>warning</level>
                        <log>%1$s/log/clickhouse-server.log</log>
                        <errorlog>%1$s/log/clickhouse-server.err.log</errorlog>
                        <size>100M</size>
                        <count>2</count>
                    </logger>
                    <http_port>%2$d</http_port>
                    <tcp_port>%3$d</tcp_port>
                    <listen_host>127.0.0.1</listen_host>
                    <max_connections>1024</max_connections>
                    <keep_alive_timeout>3</keep_alive_timeout>
                    <max_concurrent_queries>100</max_concurrent_queries>
                    <uncompressed_cache_size>268435456</uncompressed_cache_size>
                    <mark_cache_size>268435456</mark_cache_size>
                    <path>%1$s/data/</path>
                    <tmp_path>%1$s/tmp/</tmp_path>
                    <user_files_path>%1$s/user_files/</user_files_path>
                    <format_schema_path>%1$s/format_schemas/</format_schema_path>
                    <users_config>%1$s/users.xml</users_config>
                    <default_profile>default</default_profile>
                    <default_database>default</default_database>
                    <timezone>UTC</timezone>
                    <mlock_executable>false</mlock_executable>
                    <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
                    <max_session_timeout>3600</max_session_timeout>
                    <default_session_timeout>60</default_session_timeout>
                </yandex>
                """.formatted(dir, httpPort, tcpPort);
    }

    private static final String USERS = """
            <?xml version="1.0"?>
            <yandex>
                <profiles>
                    <default>
                        <max_memory_usage>4000000000</max_memory_usage>
                        <load_balancing>random</load_balancing>
                    </default>
                </profiles>
                <users>
                    <default>
                        <password></password>
                        <networks><ip>::/0</ip></networks>
                        <profile>default</profile>
                        <quota>default</quota>
                    </default>
                </users>
                <quotas>
                    <default>
                        <interval>
                            <duration>3600</duration>
                            <queries>0</queries>
                            <errors>0</errors>
                            <result_rows>0</result_rows>
                            <read_rows>0</read_rows>
                            <execution_time>0</execution_time>
                        </interval>
                    </default>
                </quotas>
            </yandex>
            """;
}
