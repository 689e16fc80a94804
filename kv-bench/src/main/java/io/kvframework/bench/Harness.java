package io.kvframework.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** Runs an operation from N threads for a fixed time and measures throughput and latency. */
final class Harness {
    /** One call of the measured operation; {@code n} is unique across threads. */
    @FunctionalInterface
    interface Op {
        void call(long n) throws Exception;
    }

    /** Throughput in operations per second and latency percentiles in microseconds. */
    record Result(double opsPerSecond, double p50Micros, double p99Micros, long operations, double jvmCpuMicrosPerOp) {
    }

    private Harness() {
    }

    /** Runs {@code op} without measuring, to warm up the JIT and the servers. */
    static void warmup(int threads, Duration duration, Op op, java.util.concurrent.atomic.AtomicLong counter) throws InterruptedException {
        runFor(threads, duration, op, counter, null);
    }

    /** Measures {@code op}; {@code counter} numbers the calls and carries on across runs, so keys never repeat. */
    static Result run(int threads, Duration measure, Op op, java.util.concurrent.atomic.AtomicLong counter) throws InterruptedException {
        long[][] samples = new long[threads][];
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long start = System.nanoTime();
        long ops = runFor(threads, measure, op, counter, samples);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuPerOp = (os.getProcessCpuTime() - cpu0) / 1000.0 / Math.max(1, ops);
        int total = 0;
        for (long[] s : samples) {
            total += s.length;
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] s : samples) {
            System.arraycopy(s, 0, all, at, s.length);
            at += s.length;
        }
        Arrays.sort(all);
        return new Result(ops / seconds, percentile(all, 0.50) / 1000.0, percentile(all, 0.99) / 1000.0, ops, cpuPerOp);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static long runFor(int threads, Duration duration, Op op, java.util.concurrent.atomic.AtomicLong counter, long[][] samples)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(threads);
        long[] counts = new long[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                try {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        op.call(counter.getAndIncrement());
                        long dt = System.nanoTime() - t0;
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, lat.length * 2);
                        }
                        lat[n++] = dt;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stop.set(true);
                } finally {
                    counts[thread] = n;
                    if (samples != null) {
                        samples[thread] = Arrays.copyOf(lat, n);
                    }
                    done.countDown();
                }
            }, "bench-" + t);
            worker.start();
        }
        Thread.sleep(duration.toMillis());
        stop.set(true);
        done.await();
        if (failure.get() != null) {
            throw new IllegalStateException("benchmark operation failed: " + failure.get(), failure.get());
        }
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }
}
