package io.kvframework.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Code started in a separate JVM with this JVM's class path, for crash tests: {@link #kill()} sends
 * SIGKILL, so the process gets no chance to clean up. Its output lines are kept for assertions.
 */
public final class JvmProcess implements AutoCloseable {
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final String name;
    private final Thread reader;

    private JvmProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the process went away
            }
        }, "kv-testkit-jvm-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} with {@code args} in a new JVM, with extra environment variables. */
    public static JvmProcess start(Class<?> mainClass, List<String> args, Map<String, String> environment) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            return new JvmProcess(mainClass.getSimpleName(), builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: cannot start a JVM for " + mainClass.getName(), e);
        }
    }

    /** The operating-system process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is running. */
    public boolean alive() {
        return process.isAlive();
    }

    /** Kills the process with SIGKILL and waits until it is gone. */
    public void kill() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends SIGTERM (graceful shutdown) and waits up to {@code timeout}; returns the exit code. */
    public int terminate(Duration timeout) {
        // through the handle: Process.destroy() would also close the output pipe, losing what the
        // process prints while it shuts down
        process.toHandle().destroy();
        return waitFor(timeout);
    }

    /** Waits for the process to end; returns its exit code, or fails after {@code timeout}. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("kv-testkit: " + name + " still running after " + timeout + "; output:\n"
                        + String.join("\n", output));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until an output line matches, or fails with the output so far. */
    public String awaitLine(Predicate<String> matcher, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean ended = !process.isAlive();
            if (ended) {
                joinReader();
            }
            for (String line : output) {
                if (matcher.test(line)) {
                    return line;
                }
            }
            if (ended) {
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("kv-testkit: " + name + " printed no matching line within " + timeout
                + " (alive=" + process.isAlive() + "); output:\n" + String.join("\n", output));
    }

    private void joinReader() {
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The output lines so far. */
    public List<String> output() {
        return List.copyOf(output);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
