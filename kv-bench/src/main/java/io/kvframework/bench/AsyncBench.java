package io.kvframework.bench;

import io.kvframework.core.KvAsyncRepository;
import io.kvframework.core.KvRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The asynchronous repository and multi-row creates against their blocking counterparts:
 * one thread driving {@code KvAsyncRepository.createWithKV} with a window of calls in flight vs the
 * harness's threads on the blocking {@code createWithKV}; {@code createManyWithKV} of 1,000 rows vs
 * 1,000 {@code createWithKV} calls on one thread.
 */
final class AsyncBench {
    /** Calls in flight on the async side. */
    static final int WINDOW = 256;

    private final PairedRuns runs;
    private final int threads;

    AsyncBench(PairedRuns runs, int threads) {
        this.runs = runs;
        this.threads = threads;
    }

    Map<String, Object> asyncVsThreads(KvAsyncRepository<BenchOrder> async, KvRepository<BenchOrder> blocking) throws Exception {
        AtomicLong next = new AtomicLong();
        oneThread(async, next, runs.warmup());
        List<Double> rounds = new ArrayList<>();
        for (int r = 0; r < runs.rounds(); r++) {
            rounds.add(oneThread(async, next, runs.measure()));
        }
        Harness.Result threaded = runs.alone(n -> blocking.createWithKV(BenchOrder.sample("t" + n, n)));
        return Results.row("createWithKV: 1 thread on the async repository (" + WINDOW + " in flight) vs " + threads
                + " threads on the blocking one", Math.round(Results.median(rounds)), Math.round(threaded.opsPerSecond()), "ops/s", "higher");
    }

    /** Creates from one thread for {@code d}, keeping {@link #WINDOW} calls in flight; completed creates per second. */
    private static double oneThread(KvAsyncRepository<BenchOrder> async, AtomicLong next, Duration d) throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long start = System.nanoTime();
        long end = start + d.toNanos();
        while (System.nanoTime() < end && failed.get() == null) {
            window.acquire();
            long n = next.incrementAndGet();
            async.createWithKV(BenchOrder.sample("a" + n, n)).whenComplete((row, error) -> {
                if (error != null) {
                    failed.compareAndSet(null, error);
                }
                done.incrementAndGet();
                window.release();
            });
        }
        window.acquire(WINDOW);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed.get() != null) {
            throw new IllegalStateException("an async create failed: " + failed.get(), failed.get());
        }
        return done.get() / seconds;
    }

    Map<String, Object> manyVsSingles(KvRepository<BenchOrder> repo) {
        List<Double> many = new ArrayList<>();
        List<Double> singles = new ArrayList<>();
        long n = 0;
        for (int r = 0; r < Math.max(3, runs.rounds() * 2); r++) {
            List<BenchOrder> rows = new ArrayList<>(1000);
            for (int i = 0; i < 1000; i++) {
                rows.add(BenchOrder.sample("many-" + r + "-" + i, n++));
            }
            long t0 = System.nanoTime();
            repo.createManyWithKV(rows);
            many.add(1000 / ((System.nanoTime() - t0) / 1e9));
            long t1 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                repo.createWithKV(BenchOrder.sample("one-" + r + "-" + i, n++));
            }
            singles.add(1000 / ((System.nanoTime() - t1) / 1e9));
        }
        return Results.row("createManyWithKV of 1,000 rows vs 1,000 createWithKV calls (one thread)", Math.round(Results.median(many)),
                Math.round(Results.median(singles)), "rows/s", "higher");
    }

}
