package io.kvframework.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Temporary folders for servers the testkit starts, and a cache for extracted binaries. */
public final class TempDirs {
    private TempDirs() {
    }

    /** A new, world-readable temporary folder (servers may run as an unprivileged user). */
    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory("kv-testkit-" + prefix + "-");
            openUp(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: cannot create a temporary folder", e);
        }
    }

    /** A shared cache folder for extracted binaries. */
    public static Path cacheDir() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "kv-testkit-cache");
        try {
            Files.createDirectories(dir);
            openUp(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: cannot create " + dir, e);
        }
    }

    static void openUp(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to open up
        }
    }

    /** Deletes a folder tree, ignoring what cannot be deleted. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary folder left behind is harmless
        }
    }

    /** The last lines of a log file, for error messages. */
    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
