package io.kvframework.testkit.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a private {@code mariadbd} from PATH on a free port, with its own data folder. */
public final class EmbeddedMariaDb {
    private static final Logger LOG = LoggerFactory.getLogger("kv-testkit");

    private EmbeddedMariaDb() {
    }

    /** Whether a mariadbd (or mysqld) and its install-db script are on PATH. */
    public static boolean available() {
        return server() != null && installer() != null;
    }

    public static Started start() {
        Path server = server();
        Path installer = installer();
        if (server == null || installer == null) {
            throw new IllegalStateException("kv-testkit: no mariadbd and mariadb-install-db on PATH");
        }
        int port = Ports.free();
        Path dir = TempDirs.create("mariadb-" + port);
        Path data = dir.resolve("data");
        boolean root = Executables.runningAsRoot();
        List<String> install = new ArrayList<>(List.of(installer.toString(), "--no-defaults", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (root) {
            install.add("--user=root");
        }
        Commands.run(install, dir, dir.resolve("install.log"), Duration.ofMinutes(3));
        List<String> command = new ArrayList<>(List.of(server.toString(), "--no-defaults", "--datadir=" + data,
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"), "--skip-grant-tables", "--skip-log-bin",
                "--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=128M", "--max-connections=300",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_bin"));
        if (root) {
            command.add("--user=root");
        }
        ServerProcess process = new ServerProcess("mariadbd:" + port, command, dir, dir.resolve("mariadbd.log"));
        ServerLifecycle lifecycle = new ProcessLifecycle("mariadb", process, "127.0.0.1", port, dir, Duration.ofSeconds(60));
        lifecycle.start();
        LOG.info("kv-testkit: started {} on 127.0.0.1:{}", server, port);
        return new Started("127.0.0.1", port, lifecycle);
    }

    private static Path server() {
        Path p = Executables.find("mariadbd");
        return p != null ? p : Executables.find("mysqld");
    }

    private static Path installer() {
        Path p = Executables.find("mariadb-install-db");
        return p != null ? p : Executables.find("mysql_install_db");
    }

}
