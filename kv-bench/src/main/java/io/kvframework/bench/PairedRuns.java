package io.kvframework.bench;

import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How every side-by-side comparison is measured: both sides warmed up, then rounds alternating
 * AB, BA, ... so that drift hits both alike, the median round of each side, and the Redis server's
 * CPU per operation (INFO cpu) of each side when a probe connection is set.
 */
final class PairedRuns {
    private final boolean quick;
    private final int threads;
    /** A connection to the benchmark's Redis for INFO cpu: Redis server CPU per operation of each side. */
    private RedisCommands<String, String> serverProbe;
    private double[] lastRedisCpuMicrosPerOp = new double[2];
    private double[] lastRedisExecMicrosPerOp = new double[2];

    PairedRuns(boolean quick, int threads) {
        this.quick = quick;
        this.threads = threads;
    }

    /** Sets (or clears, with null) the connection whose INFO cpu is read around each round. */
    void probe(RedisCommands<String, String> probe) {
        this.serverProbe = probe;
    }

    boolean probing() {
        return serverProbe != null;
    }

    /** Redis CPU microseconds per operation of ours and the baseline in the last pair. */
    double[] lastRedisCpuMicrosPerOp() {
        return lastRedisCpuMicrosPerOp.clone();
    }

    /**
     * Redis command execution microseconds per operation (INFO commandstats: the time inside
     * commands and scripts, without network I/O and protocol parsing) of ours and the baseline in the last pair.
     */
    double[] lastRedisExecMicrosPerOp() {
        return lastRedisExecMicrosPerOp.clone();
    }

    Duration warmup() {
        return quick ? Duration.ofSeconds(1) : Duration.ofSeconds(8);
    }

    Duration measure() {
        return quick ? Duration.ofSeconds(1) : Duration.ofSeconds(8);
    }

    int rounds() {
        return quick ? 1 : 4;
    }

    /**
     * Warms a side up in windows of {@link #warmup()} until a window's rate is within 10 % of the one
     * before (at most 6 windows): the first comparison of a run otherwise measured code the JIT had
     * not compiled yet (createWithKV at 211 µs of JVM CPU per call in it, 41 in the next comparison).
     */
    private void warmUntilSteady(Harness.Op op, AtomicLong counter) throws InterruptedException {
        double previous = -1;
        for (int i = 0; i < 6; i++) {
            long before = counter.get();
            long start = System.nanoTime();
            Harness.warmup(threads, warmup(), op, counter);
            double rate = (counter.get() - before) / ((System.nanoTime() - start) / 1e9);
            if (previous > 0 && Math.abs(rate - previous) <= 0.1 * previous) {
                return;
            }
            previous = rate;
        }
    }

    /** Warms up both sides until their rates settle, then alternates rounds (AB, BA, ...) so drift hits both alike; the median round of each side. */
    Harness.Result[] measurePair(Harness.Op ours, Harness.Op baseline) throws Exception {
        List<Harness.Result> o = new ArrayList<>();
        List<Harness.Result> b = new ArrayList<>();
        AtomicLong ourCounter = new AtomicLong();
        AtomicLong baseCounter = new AtomicLong();
        warmUntilSteady(ours, ourCounter);
        warmUntilSteady(baseline, baseCounter);
        double[] serverCpu = new double[2];
        double[] serverExec = new double[2];
        long[] ops = new long[2];
        for (int r = 0; r < rounds(); r++) {
            for (int side : r % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                double cpu0 = redisServerCpuSeconds();
                double exec0 = redisExecMicros();
                Harness.Result result = side == 0 ? Harness.run(threads, measure(), ours, ourCounter)
                        : Harness.run(threads, measure(), baseline, baseCounter);
                serverCpu[side] += redisServerCpuSeconds() - cpu0;
                serverExec[side] += redisExecMicros() - exec0;
                ops[side] += result.operations();
                (side == 0 ? o : b).add(result);
            }
        }
        lastRedisCpuMicrosPerOp = new double[] {serverCpu[0] * 1e6 / Math.max(1, ops[0]), serverCpu[1] * 1e6 / Math.max(1, ops[1])};
        lastRedisExecMicrosPerOp = new double[] {serverExec[0] / Math.max(1, ops[0]), serverExec[1] / Math.max(1, ops[1])};
        return new Harness.Result[] {median(o), median(b)};
    }

    /** Seconds of CPU the Redis server has used (INFO cpu), or 0 without a probe connection. */
    private double redisServerCpuSeconds() {
        if (serverProbe == null) {
            return 0;
        }
        double total = 0;
        for (String line : serverProbe.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }

    /** Microseconds the Redis server has spent executing commands, summed over INFO commandstats, or 0 without a probe. */
    private double redisExecMicros() {
        if (serverProbe == null) {
            return 0;
        }
        double total = 0;
        for (String line : serverProbe.info("commandstats").split("\r?\n")) {
            int at = line.indexOf(",usec=");
            if (line.startsWith("cmdstat_") && at > 0) {
                int end = line.indexOf(',', at + 6);
                total += Double.parseDouble(line.substring(at + 6, end < 0 ? line.length() : end));
            }
        }
        return total;
    }

    /** One side alone, measured like the pairs (for growth curves, whose baseline is the smallest configuration). */
    Harness.Result alone(Harness.Op op) throws Exception {
        AtomicLong counter = new AtomicLong();
        Harness.warmup(threads, warmup(), op, counter);
        List<Harness.Result> runs = new ArrayList<>();
        for (int r = 0; r < (quick ? 1 : rounds()); r++) {
            runs.add(Harness.run(threads, measure(), op, counter));
        }
        return median(runs);
    }

    private static Harness.Result median(List<Harness.Result> results) {
        List<Harness.Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingDouble(Harness.Result::opsPerSecond));
        return sorted.get(sorted.size() / 2);
    }
}
