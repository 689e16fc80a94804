package io.kvframework.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a set-up command to completion, failing with the tail of its output. */
public final class Commands {
    private Commands() {
    }

    public static void run(List<String> command, Path dir, Path log, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kv-testkit: " + command.get(0) + " did not finish within "
                        + timeout.toSeconds() + " s:\n" + TempDirs.tail(log, 30));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("kv-testkit: " + command + " exited with " + p.exitValue() + ":\n"
                        + TempDirs.tail(log, 30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("kv-testkit: interrupted while running " + command.get(0), e);
        }
    }
}
