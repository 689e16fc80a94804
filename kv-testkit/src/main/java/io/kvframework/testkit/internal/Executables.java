package io.kvframework.testkit.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds executables on PATH (and in the sbin folders Debian packages use). */
public final class Executables {
    private Executables() {
    }

    /** The first executable called {@code name}, or null. */
    public static Path find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin" + File.pathSeparator
                + "/usr/local/sbin" + File.pathSeparator + "/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether this JVM runs as root (uid 0) on a Unix system. */
    public static boolean runningAsRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (Exception e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
