package io.kvframework.testkit.internal;

import java.nio.file.Path;
import java.time.Duration;

/** Lifecycle of a server that is one OS process listening on one port. */
public final class ProcessLifecycle implements ServerLifecycle {
    private final String kind;
    private final ServerProcess process;
    private final String host;
    private final int port;
    private final Path dir;
    private final Duration startTimeout;

    public ProcessLifecycle(String kind, ServerProcess process, String host, int port, Path dir, Duration startTimeout) {
        this.kind = kind;
        this.process = process;
        this.host = host;
        this.port = port;
        this.dir = dir;
        this.startTimeout = startTimeout;
    }

    @Override
    public void start() {
        process.start();
        try {
            Ports.awaitListening(kind, host, port, startTimeout);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; its log: " + process.log() + "\n" + TempDirs.tail(process.log(), 30), e);
        }
    }

    @Override
    public void stop() {
        process.stop(Duration.ofSeconds(20));
        Ports.awaitClosed(kind, host, port, Duration.ofSeconds(20));
    }

    @Override
    public void kill() {
        process.kill();
        Ports.awaitClosed(kind, host, port, Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
        TempDirs.delete(dir);
    }
}
