package io.kvframework.testkit.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/** Answers once per JVM whether a Docker engine answers, so Testcontainers can be used. */
public final class Docker {
    private static final Logger LOG = LoggerFactory.getLogger("kv-testkit");
    private static volatile Boolean available;

    private Docker() {
    }

    public static boolean available() {
        Boolean known = available;
        if (known == null) {
            synchronized (Docker.class) {
                known = available;
                if (known == null) {
                    known = probe();
                    available = known;
                }
            }
        }
        return known;
    }

    private static boolean probe() {
        if (!Settings.dockerAllowed()) {
            return false;
        }
        // Fast path: with no socket and no DOCKER_HOST there is nothing to ask.
        if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))
                && !Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
                && !Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))) {
            return false;
        }
        try {
            boolean ok = DockerClientFactory.instance().isDockerAvailable();
            LOG.info("kv-testkit: Docker engine {}", ok ? "available, Testcontainers will be used" : "not available");
            return ok;
        } catch (Throwable e) {
            LOG.info("kv-testkit: Docker engine not available ({})", e.toString());
            return false;
        }
    }
}
