package io.kvframework.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time used by the processes a comparison runs on — this JVM, Redis, PostgreSQL, MariaDB —
 * from {@code /proc/<pid>/stat} (Linux only; elsewhere every figure is 0). A snapshot before and
 * after one side of a comparison says where its CPU went, which a throughput ratio alone does not.
 * Every process of a kind on the machine counts (here also the idle system Redis and PostgreSQL,
 * which add next to nothing).
 */
final class ProcessCpu {
    /** Clock ticks per second of {@code utime}/{@code stime}; 100 on every Linux kernel configuration in use. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final long SELF = ProcessHandle.current().pid();

    private ProcessCpu() {
    }

    /** CPU seconds used so far by this JVM's threads, grouped by name with digits dropped (for profiling). */
    static Map<String, Double> threads() {
        Map<String, Double> out = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    out.merge(comm(stat).replaceAll("[0-9]+", "N"), seconds(stat), Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException noProc) {
            return out;
        }
        return out;
    }

    /** CPU seconds used so far by process kind: jvm (this one), redis, postgres, mariadb. */
    static Map<String, Double> snapshot() {
        Map<String, Double> out = new TreeMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (IOException | RuntimeException gone) {
                    continue; // the process ended meanwhile
                }
                String kind = kind(Long.parseLong(proc.getFileName().toString()), stat);
                if (kind != null) {
                    out.merge(kind, seconds(stat), Double::sum);
                }
            }
        } catch (IOException | RuntimeException noProc) {
            return out;
        }
        return out;
    }

    /** The command (or thread) name of a {@code stat} line: the text in parentheses. */
    private static String comm(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** User plus system CPU seconds of a {@code stat} line: fields 14 and 15, counted from the state (field 3) after the name. */
    private static double seconds(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    private static String kind(long pid, String stat) {
        if (pid == SELF) {
            return "jvm";
        }
        String comm = comm(stat);
        if (comm.startsWith("redis-server")) {
            return "redis";
        }
        if (comm.startsWith("postgres")) {
            return "postgres";
        }
        if (comm.startsWith("mariadbd") || comm.startsWith("mysqld")) {
            return "mariadb";
        }
        return null;
    }

    /** The CPU used between two snapshots, in microseconds per unit of work, by process kind. */
    static Map<String, Double> perUnit(Map<String, Double> before, Map<String, Double> after, long units) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((kind, seconds) -> {
            double used = seconds - before.getOrDefault(kind, 0.0);
            if (used > 0) {
                out.put(kind, used * 1e6 / units);
            }
        });
        return out;
    }

    /** CPU used over several measured stretches, by process kind, and the units of work done in them. */
    static final class Tally {
        private final Map<String, Double> used = new TreeMap<>();
        private long units;
        private Map<String, Double> start;
        private Map<String, Double> startThreads;

        /** Starts a measured stretch. */
        void start() {
            start = snapshot();
            startThreads = threads();
        }

        /** Ends the stretch started last, which did {@code work} units. */
        void stop(long work) {
            Map<String, Double> end = snapshot();
            end.forEach((kind, seconds) -> used.merge(kind, seconds - start.getOrDefault(kind, 0.0), Double::sum));
            units += work;
            // -Dkv.bench.threadCpu=true: this JVM's CPU of each stretch by thread (compiler and GC threads included), for profiling
            if (Boolean.getBoolean("kv.bench.threadCpu")) {
                Map<String, Double> now = threads();
                StringBuilder sb = new StringBuilder("kv-bench: thread CPU ms:");
                now.forEach((name, sec) -> {
                    double d = (sec - startThreads.getOrDefault(name, 0.0)) * 1000;
                    if (d >= 20) {
                        sb.append(String.format(" [%s] %.0f", name, d));
                    }
                });
                System.out.println(sb);
            }
        }

        /** Microseconds of CPU per unit of work by process kind, over every stretch. */
        Map<String, Double> perUnit() {
            return ProcessCpu.perUnit(Map.of(), used, Math.max(1, units));
        }
    }

    /** {@code jvm 31.2, redis 8.0 µs} — the figures of {@link #perUnit}, for a result line. */
    static String describe(Map<String, Double> perUnit) {
        StringBuilder sb = new StringBuilder();
        perUnit.forEach((kind, us) -> sb.append(sb.length() == 0 ? "" : ", ").append(kind).append(' ').append(String.format("%.1f", us)));
        return sb.append(" µs").toString();
    }
}
