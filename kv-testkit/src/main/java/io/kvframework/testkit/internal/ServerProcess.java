package io.kvframework.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server process started by the testkit, its output in a log file, stoppable and restartable. */
public final class ServerProcess {
    private final String name;
    private final List<String> command;
    private final Path log;
    private final Path workDir;
    private Process process;

    public ServerProcess(String name, List<String> command, Path workDir, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.log = log;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: could not start " + name + " with " + command, e);
        }
    }

    /** Whether the process is still running. */
    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** Stops gracefully (SIGTERM), and forcibly after the timeout. */
    public synchronized void stop(Duration timeout) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Kills the process at once (SIGKILL), with no chance to flush or clean up. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public Path log() {
        return log;
    }

    public String name() {
        return name;
    }
}
