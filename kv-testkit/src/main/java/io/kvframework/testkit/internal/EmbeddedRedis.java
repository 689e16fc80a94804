package io.kvframework.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@code redis-server} processes: the binary on PATH when there is one, otherwise the one
 * shipped inside {@code com.github.codemonstur:embedded-redis}.
 */
public final class EmbeddedRedis {
    private static final Logger LOG = LoggerFactory.getLogger("kv-testkit");

    private EmbeddedRedis() {
    }

    /** Starts one standalone server on a free port. */
    public static Started start(String... extraArgs) {
        int port = Ports.free();
        Path dir = TempDirs.create("redis-" + port);
        List<String> command = new ArrayList<>(List.of(binary().toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString(), "--protected-mode", "no", "--daemonize", "no"));
        command.addAll(List.of(extraArgs));
        ServerProcess process = new ServerProcess("redis-server:" + port, command, dir, dir.resolve("redis.log"));
        ServerLifecycle lifecycle = new ProcessLifecycle("redis", process, "127.0.0.1", port, dir, Duration.ofSeconds(20));
        lifecycle.start();
        LOG.info("kv-testkit: started redis-server on 127.0.0.1:{} ({})", port, command.get(0));
        return new Started("127.0.0.1", port, lifecycle);
    }

    /**
     * Starts a Redis Sentinel on a free port that monitors the master at {@code masterHost:masterPort}
     * under the name {@code masterName} (quorum 1): {@code redis-server sentinel.conf --sentinel}.
     */
    public static Started startSentinel(String masterName, String masterHost, int masterPort) {
        int port = Ports.free();
        Path dir = TempDirs.create("sentinel-" + port);
        Path conf = dir.resolve("sentinel.conf");
        try {
            Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nprotected-mode no\ndir " + dir + "\n"
                    + "sentinel monitor " + masterName + " " + masterHost + " " + masterPort + " 1\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = List.of(binary().toString(), conf.toString(), "--sentinel");
        ServerProcess process = new ServerProcess("redis-sentinel:" + port, command, dir, dir.resolve("sentinel.log"));
        ServerLifecycle lifecycle = new ProcessLifecycle("redis-sentinel", process, "127.0.0.1", port, dir, Duration.ofSeconds(20));
        lifecycle.start();
        LOG.info("kv-testkit: started a Redis Sentinel on 127.0.0.1:{} monitoring {} at {}:{}", port, masterName, masterHost, masterPort);
        return new Started("127.0.0.1", port, lifecycle);
    }

    /** The redis-server executable to use. */
    public static Path binary() {
        Path onPath = Executables.find("redis-server");
        if (onPath != null) {
            return onPath;
        }
        return extractBundled();
    }

    private static synchronized Path extractBundled() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String resource;
        if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            resource = "redis-server-6.2.6-v5-linux-amd64";
        } else if (os.contains("linux") && arch.equals("aarch64")) {
            resource = "redis-server-6.2.7-linux-arm64";
        } else if (os.contains("mac") && arch.equals("aarch64")) {
            resource = "redis-server-6.2.6-v5-darwin-arm64";
        } else if (os.contains("mac")) {
            resource = "redis-server-6.2.6-v5-darwin-amd64";
        } else {
            throw new IllegalStateException("kv-testkit: no redis-server on PATH and no bundled binary for " + os + "/"
                    + arch + "; install redis-server or set KV_REDIS_URL=redis://host:port");
        }
        Path target = TempDirs.cacheDir().resolve(resource);
        if (Files.isExecutable(target)) {
            return target;
        }
        try (InputStream in = EmbeddedRedis.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("kv-testkit: no redis-server on PATH and " + resource
                        + " not found on the classpath (com.github.codemonstur:embedded-redis); install redis-server"
                        + " or set KV_REDIS_URL=redis://host:port");
            }
            Path tmp = Files.createTempFile(target.getParent(), resource, ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            tmp.toFile().setExecutable(true, false);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: could not extract " + resource, e);
        }
    }
}
